// A newcomer's first steps on the local chain through `lume`: a new key (`keygen`), SOL for it
// (`localnet fund`), a time lock passed (`localnet time-travel`), on a private surfnet; both
// cheatcodes refuse a chain that is not on this machine. Then a wedged chain: every RPC request
// of the CLI gives up after --timeout and says which one timed out.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublicKey } from "@solana/web3.js";
import { chainUnixTime } from "../../app/src/sdk/clock.js";
import { defaultInitializeArgs } from "../../harness/program.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { ensureRegistry } from "../../migrations/initialize-registry.js";
import { lume, type PartnerStatusJson } from "./lume-helpers.js";

describe("lume keygen, localnet fund and localnet time-travel (surfnet)", function () {
  this.timeout(60_000);
  const net = useRegistrySurfnet();
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lume-keygen-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const onNet = (...args: string[]) => lume(["--url", net.surfnet.rpcUrl, "--ws-url", net.surfnet.wsUrl, ...args]);

  it("keygen writes a new keypair file, names the next step, and never overwrites", async () => {
    const file = join(dir, "authority.json");
    const made = await lume(["keygen", "--out", file]);
    assert.equal(made.code, 0, made.err);
    assert.ok(existsSync(file));
    assert.match(made.out, /^new keypair \w{32,44} written to .*authority\.json \(mode 0600\)/);
    assert.match(made.out, /next: .*lume localnet fund .*authority\.json/);
    const again = await lume(["keygen", "--out", file]);
    assert.equal(again.code, 1);
    assert.match(again.err, /exists: refusing to overwrite a key file/);
  });

  it("localnet fund airdrops SOL to a keypair file's key or an address, confirmed", async () => {
    const file = join(dir, "funded.json");
    const { publicKey } = (await lume(["--json", "keygen", "--out", file])).json<{ publicKey: string }>();
    const byFile = await onNet("localnet", "fund", file, "--sol", "2");
    assert.equal(byFile.code, 0, byFile.err);
    assert.match(byFile.out, new RegExp(`funded ${publicKey} with 2 SOL, confirmed: balance 2 SOL`));
    const byAddress = await onNet("--json", "localnet", "fund", publicKey, "--sol", "0.5");
    assert.equal(byAddress.code, 0, byAddress.err);
    assert.equal(byAddress.json<{ balance: string }>().balance, "2500000000");
    assert.equal(await net.connection.getBalance(new PublicKey(publicKey), "confirmed"), 2_500_000_000);
  });

  it("a new key without SOL is told to run localnet fund; once funded, it applies", async () => {
    await ensureRegistry(net.provider(net.upgradeAuthority), defaultInitializeArgs());
    const file = join(dir, "applicant.json");
    const { publicKey } = (await lume(["--json", "keygen", "--out", file])).json<{ publicKey: string }>();
    const apply = ["-y", "-k", file, "partner", "apply", "--file", "docs/examples/application.json"];
    const broke = await onNet(...apply);
    assert.equal(broke.code, 1);
    assert.match(
      broke.err,
      new RegExp(`has no SOL .*fund it first \\(on the local chain: \`lume localnet fund ${publicKey}\``),
    );
    assert.equal((await onNet("localnet", "fund", file)).code, 0);
    const applied = await onNet(...apply);
    assert.equal(applied.code, 0, applied.err);
    assert.match(applied.out, /applied as partner #0/);
    // Times that are not set are null in --json output, "-" in text.
    const status = (await onNet("--json", "partner", "status", "--partner", "0")).json<PartnerStatusJson>();
    assert.equal(status.suspensionExpiresAt, null);
    assert.equal(status.nextReviewAt, null);
    assert.match((await onNet("partner", "status", "--partner", "0")).out, /next review -/);
  });

  it("localnet time-travel moves the chain's clock forward from its own time, and only forward", async () => {
    const before = await chainUnixTime(net.connection);
    const moved = await onNet("--json", "localnet", "time-travel", "+2h");
    assert.equal(moved.code, 0, moved.err);
    const after = await chainUnixTime(net.connection);
    assert.ok(after >= before + 7_200 && after < before + 7_200 + 60, `clock ${before} -> ${after}`);
    const back = await onNet("localnet", "time-travel", String(before));
    assert.equal(back.code, 1);
    assert.match(back.err, /the chain's clock only moves forward/);
  });

  it("both cheatcodes refuse a chain that is not on this machine, saying what to do instead", async () => {
    const fund = await lume([
      "--url",
      "https://api.devnet.solana.com",
      "localnet",
      "fund",
      PublicKey.default.toBase58(),
    ]);
    assert.equal(fund.code, 1);
    assert.match(fund.err, /works only on a local chain .*faucet/);
    const travel = await lume(["--url", "https://api.devnet.solana.com", "localnet", "time-travel", "+1h"]);
    assert.equal(travel.code, 1);
    assert.match(travel.err, /works only on a local chain .*wait for the time lock/);
  });
});

describe("lume against a chain that accepts connections but never answers", function () {
  this.timeout(30_000);
  let server: Server;
  let url: string;
  const sockets = new Set<Socket>();
  before(async () => {
    // A wedged JSON-RPC endpoint: it reads the request and never replies.
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on("data", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });

  it("gives up after --timeout per request, naming the method that timed out", async () => {
    const started = Date.now();
    const run = await lume(["--url", url, "--timeout", "1", "--retries", "1", "council", "show"]);
    const elapsedMs = Date.now() - started;
    assert.equal(run.code, 1);
    assert.match(
      run.err,
      new RegExp(`cannot reach ${url} \\(2 attempts: getAccountInfo timed out: no answer from ${url}/? within 1 s`),
    );
    assert.ok(elapsedMs < 10_000, `failed after ${elapsedMs} ms`);
  });

  it("refuses a --timeout that is not a number of seconds", async () => {
    const run = await lume(["--url", url, "--timeout", "soon", "council", "show"]);
    assert.equal(run.code, 1);
    assert.match(run.err, /--timeout must be a number of seconds/);
  });
});
