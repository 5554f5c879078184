// The one-command stack, started as the README says (`npm start`: the build, then
// migrations/demo.ts) on Solana's default ports, checked over JSON-RPC on 127.0.0.1:8899 and
// PubSub on 8900, stopped with Ctrl-C (SIGINT), then started again with the same demo keys.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import anchor from "@coral-xyz/anchor";
import { Connection } from "@solana/web3.js";
import { DEFAULT_RPC_PORT, DEFAULT_WS_PORT } from "../../app/src/localnet/localnet.js";
import { REGISTRY_SO_PATH } from "../../app/src/localnet/registry-localnet.js";
import { closeConnectionSocket } from "../../app/src/sdk/connection-socket.js";
import { councilUpgradeAuthority } from "../../app/src/sdk/deployed-program.js";
import { readKeypairFile } from "../../app/src/sdk/keypair-file.js";
import { programDataAddress, registryAddress, registryAddresses } from "../../app/src/sdk/pda.js";
import { registryProgram } from "../../app/src/sdk/program.js";
import { decodeProgramData } from "../../app/src/sdk/program-data.js";
import { fetchRegistry, summarizeRegistry } from "../../app/src/sdk/registry-state.js";
import { PROGRAM_ID } from "../../harness/program.js";
import { loadRegistryConfig } from "../../migrations/registry-config.js";
import { GRAPHQL_URL, READY_LINE } from "../../migrations/stack-banner.js";
import { RunningScript } from "../support/scripts.js";
import { nextEvent, subscribed } from "../support/subscriptions.js";

const RPC_URL = `http://127.0.0.1:${DEFAULT_RPC_PORT}`;
const WS_URL = `ws://127.0.0.1:${DEFAULT_WS_PORT}`;
const GRAPHQL_PORT = Number(new URL(GRAPHQL_URL).port);

/** Resolves whether 127.0.0.1:`port` can be bound right now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

describe("the one-command stack (npm start) on 127.0.0.1:8899/8900", function () {
  this.timeout(300_000);
  let demoDir: string;
  let stack: RunningScript | undefined;

  before(async function () {
    for (const port of [DEFAULT_RPC_PORT, DEFAULT_WS_PORT, GRAPHQL_PORT]) {
      assert.ok(
        await portIsFree(port),
        `127.0.0.1:${port} is busy: stop the running \`npm start\` / \`npm run localnet\` (or other validator) before the tests`,
      );
    }
    // `npm start` builds first; `npm test` has just built (pretest), so the build runs here only if it has not.
    if (!existsSync(REGISTRY_SO_PATH)) {
      this.timeout(900_000);
      const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
      assert.equal(build.status, 0, "npm run build failed");
    }
    demoDir = mkdtempSync(join(tmpdir(), "lume-demo-"));
  });

  afterEach(async () => {
    // A failed test must not leave the stack holding 8899/8900 for the next suites.
    if (stack?.running) await stack.stop("SIGKILL");
    stack = undefined;
  });

  after(() => rmSync(demoDir, { recursive: true, force: true }));

  /** Starts `npm start`'s entry and waits for its ready line. */
  async function startStack(): Promise<RunningScript> {
    stack = RunningScript.start("migrations/demo.ts", ["--demo-dir", demoDir]);
    await stack.waitForOutput(READY_LINE, 120_000);
    return stack;
  }

  async function checkRegistryOverRpc(): Promise<void> {
    const deployer = readKeypairFile(join(demoDir, "deployer.json"));
    const council = [1, 2, 3].map((i) => readKeypairFile(join(demoDir, `council-${i}.json`)).publicKey.toBase58());
    const connection = new Connection(RPC_URL, { commitment: "confirmed", wsEndpoint: WS_URL });
    try {
      const program = registryProgram(
        new anchor.AnchorProvider(connection, new anchor.Wallet(deployer), { commitment: "confirmed" }),
      );
      const account = await fetchRegistry(program);
      assert.ok(account, "no registry on 127.0.0.1:8899");
      const registry = summarizeRegistry(account);
      const config = loadRegistryConfig("migrations/config/localnet.json");
      assert.equal(registry.address, registryAddress().toBase58());
      assert.deepEqual(registry.council, council);
      assert.equal(registry.threshold, config.threshold);
      assert.deepEqual(registry.categories, config.categories);
      assert.equal(registry.initializedBy, deployer.publicKey.toBase58());
      // Initialization plus the demo lifecycle: three partners admitted, one key revoked, one suspended.
      assert.ok(Number(registry.changeCount) > 20, `changeCount ${registry.changeCount}`);
      const statuses = [];
      for (let id = 0; id < 3; id++) {
        const partner = await program.account.partner.fetch(registryAddresses().partner(id));
        statuses.push(`${Object.keys(partner.stage)[0]}/${Object.keys(partner.status)[0]}`);
      }
      assert.deepEqual(statuses, ["admitted/active", "admitted/active", "admitted/suspended"]);
      const revokedKey = await program.account.infraKey.fetch(
        registryAddresses().key(registryAddresses().partner(1), 0),
      );
      assert.ok("revoked" in revokedKey.status);

      // The deploy wallet handed the upgrade authority to the council (issue 14's end state).
      const programData = await connection.getAccountInfo(programDataAddress(PROGRAM_ID));
      assert.ok(decodeProgramData(programData!.data).upgradeAuthority?.equals(councilUpgradeAuthority(PROGRAM_ID)));

      // The banner's sample query, as curl would send it.
      const response = await fetch(RPC_URL, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "getAccountInfo",
          params: [registry.address, { encoding: "base64" }],
        }),
      });
      const body = (await response.json()) as { result: { value: { owner: string } | null } };
      assert.equal(body.result.value?.owner, PROGRAM_ID.toBase58());

      // PubSub answers on 8900.
      let id = 0;
      const slot = nextEvent<number>((done) => {
        id = connection.onSlotChange((s) => done(s.slot));
      }, "slot notification on 127.0.0.1:8900");
      await subscribed(connection, id);
      assert.ok((await slot) > 0);
      await connection.removeSlotChangeListener(id);
    } finally {
      closeConnectionSocket(connection);
    }
  }

  /** The indexer serves the demo registry over GraphQL (the sample query the banner prints). */
  async function checkGraphql(): Promise<void> {
    const council = [1, 2, 3].map((i) => readKeypairFile(join(demoDir, `council-${i}.json`)).publicKey.toBase58());
    const deadline = Date.now() + 15_000;
    for (;;) {
      const response = await fetch(GRAPHQL_URL, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ registry { council changeCount } status { degraded eventCount } }" }),
      });
      const body = (await response.json()) as {
        data: {
          registry: { council: string[]; changeCount: string } | null;
          status: { degraded: string | null; eventCount: number };
        };
      };
      const changeCount = Number(body.data.registry?.changeCount ?? 0);
      if ((changeCount > 1 && body.data.status.eventCount === changeCount) || Date.now() > deadline) {
        assert.deepEqual(body.data.registry?.council, council);
        assert.ok(changeCount > 20, `changeCount ${changeCount}`);
        assert.deepEqual(body.data.status, { degraded: null, eventCount: changeCount });
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function stopWithCtrlC(running: RunningScript): Promise<string> {
    const result = await running.stop("SIGINT");
    assert.equal(result.code, 0, `exit ${result.code ?? result.signal}\n${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /Stopped \(SIGINT\)/);
    for (const port of [DEFAULT_RPC_PORT, DEFAULT_WS_PORT, GRAPHQL_PORT])
      assert.ok(await portIsFree(port), `port ${port} still held after Ctrl-C`);
    return result.stdout;
  }

  it("starts, deploys and initializes the registry with a demo council, says what runs and what does not yet, and stops on Ctrl-C", async () => {
    const running = await startStack();
    assert.match(running.stdout, /State: reset/);
    assert.match(running.stdout, /Demo keys: created now/);
    assert.ok(running.stdout.includes(`Solana JSON-RPC     ${RPC_URL}`));
    assert.ok(running.stdout.includes(`Solana PubSub (WS)  ${WS_URL}`));
    assert.ok(running.stdout.includes(`curl -s ${RPC_URL}`));
    assert.ok(running.stdout.includes(`GraphQL + GraphiQL   ${GRAPHQL_URL}`));
    assert.ok(!/indexer.*not implemented yet/.test(running.stdout));
    assert.ok(running.stdout.includes(`curl -s ${GRAPHQL_URL}`));
    assert.ok(running.stdout.includes(`npx lume node watch --indexer ${GRAPHQL_URL}`));
    await checkGraphql();
    assert.match(running.stdout, /Demo partners/);
    assert.match(running.stdout, /suspended\s+Kestrel Analytics Inc/);
    await checkRegistryOverRpc();
    await stopWithCtrlC(running);
  });

  it("refuses to start with a clear error when the GraphQL port is busy, and frees the chain's ports", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ port: GRAPHQL_PORT, host: "127.0.0.1" }, () => resolve()));
    try {
      stack = RunningScript.start("migrations/demo.ts", ["--demo-dir", demoDir]);
      const result = await stack.finished(120_000);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /error: port 4000 on 127\.0\.0\.1 is already in use \(GraphQL\)/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, `no stack trace:\n${result.stderr}`);
      for (const port of [DEFAULT_RPC_PORT, DEFAULT_WS_PORT])
        assert.ok(await portIsFree(port), `port ${port} still held`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("works again on a second run, reusing the demo keys (same council and addresses)", async () => {
    const running = await startStack();
    assert.match(running.stdout, /State: reset/);
    assert.match(running.stdout, /Demo keys: reused/);
    await checkRegistryOverRpc();
    await stopWithCtrlC(running);
  });
});
