// The one-command stack kept up for minutes, as a person leaves `npm start` running: the local
// chain must keep answering JSON-RPC and producing slots, the indexer must stay healthy, and
// Ctrl-C must still stop everything quickly. surfpool's runtime once froze ~75 s after start
// (its event buffer filled up while nobody read it), which short tests never saw.
// LUME_SOAK_SECONDS sets the length (default 300, the five minutes).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Connection, SystemProgram, sendAndConfirmRawTransaction, Transaction } from "@solana/web3.js";
import { closeConnectionSocket } from "../../app/src/sdk/connection-socket.js";
import { readKeypairFile } from "../../app/src/sdk/keypair-file.js";
import { READY_LINE } from "../../migrations/stack-banner.js";
import { type RunningScript, startDemoStackOnFreePorts } from "../support/scripts.js";

const SOAK_SECONDS = Number(process.env.LUME_SOAK_SECONDS ?? 300);
/** A call that takes longer than this counts as a frozen chain. */
const CALL_TIMEOUT_MS = 5_000;
const STOP_WITHIN_MS = 5_000;

/** The value after `label` on a banner line, e.g. the URL after "Solana JSON-RPC". */
function bannerValue(stdout: string, label: string): string {
  const line = stdout.split("\n").find((l) => l.trimStart().startsWith(label));
  assert.ok(line, `the banner has no "${label}" line:\n${stdout}`);
  const value = line.trimStart().slice(label.length).trim().split(" ")[0];
  assert.ok(value, `no value on the banner's "${label}" line`);
  return value;
}

async function withTimeout<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe(`the npm start stack kept up for ${SOAK_SECONDS} s under light traffic`, function () {
  this.timeout((SOAK_SECONDS + 240) * 1000);
  let demoDir: string;
  let stack: RunningScript | undefined;

  before(() => {
    demoDir = mkdtempSync(join(tmpdir(), "lume-soak-"));
  });

  after(async () => {
    if (stack?.running) await stack.stop("SIGKILL");
    rmSync(demoDir, { recursive: true, force: true });
  });

  it("keeps answering JSON-RPC, producing slots and serving a healthy index, then stops on Ctrl-C within 5 s", async () => {
    stack = startDemoStackOnFreePorts(demoDir);
    await stack.waitForOutput(READY_LINE, 180_000);
    const rpcUrl = bannerValue(stack.stdout, "Solana JSON-RPC");
    const wsUrl = bannerValue(stack.stdout, "Solana PubSub (WS)");
    const graphqlUrl = bannerValue(stack.stdout, "GraphQL + GraphiQL");
    const healthUrl = new URL("/healthz", graphqlUrl).toString();
    const connection = new Connection(rpcUrl, { commitment: "confirmed", wsEndpoint: wsUrl });
    const payer = readKeypairFile(join(demoDir, "deployer.json"));

    const deadline = Date.now() + SOAK_SECONDS * 1000;
    let lastSlot = 0;
    let transfers = 0;
    let round = 0;
    while (Date.now() < deadline) {
      const elapsed = `${Math.round((SOAK_SECONDS * 1000 - (deadline - Date.now())) / 1000)} s in`;
      const slot = await withTimeout(`getSlot (${elapsed})`, connection.getSlot());
      assert.ok(slot > lastSlot, `the chain stopped producing slots ${elapsed}: ${slot} after ${lastSlot}`);
      lastSlot = slot;
      const health = await withTimeout(`GET /healthz (${elapsed})`, fetch(healthUrl));
      assert.equal(health.status, 200, `the indexer is unhealthy ${elapsed}: ${await health.text()}`);
      if (round % 5 === 0) {
        // Light traffic: a small transfer, confirmed, every ~10 s. Signed here with a fresh
        // blockhash and sent raw: web3.js' sendTransaction would put in its cached blockhash (up
        // to 30 s old), older than the local chain's blockhashes live (docs/localnet.md).
        const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
        const tx = new Transaction({ feePayer: payer.publicKey, blockhash, lastValidBlockHeight }).add(
          SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: payer.publicKey, lamports: 1 + round }),
        );
        tx.sign(payer);
        await withTimeout(`a transfer (${elapsed})`, sendAndConfirmRawTransaction(connection, tx.serialize()));
        transfers++;
      }
      round++;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    assert.ok(transfers > 0);
    closeConnectionSocket(connection);

    const stopStarted = Date.now();
    const result = await stack.stop("SIGINT", 30_000);
    const stopMs = Date.now() - stopStarted;
    assert.equal(result.signal, null, `the stack did not exit by itself after Ctrl-C (killed): ${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(stopMs < STOP_WITHIN_MS, `Ctrl-C took ${stopMs} ms to stop the stack`);
    assert.match(result.stdout, /Stopped \(SIGINT\)/);
  });
});
