// lume-indexer as a command: --help, backfill, status, verify (exit 0, then 1 on a tampered index).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { RegistryDecoder } from "../../indexer/src/decoder/decoder.js";
import { runScript } from "../support/scripts.js";
import { surfnetFixture, tempDir } from "./support.js";

const CLI = "indexer/src/cli.ts";

describe("lume-indexer CLI (surfnet)", function () {
  this.timeout(120_000);
  const net = useRegistrySurfnet();
  const tmp = tempDir();
  after(() => tmp.remove());

  it("--help lists start, backfill, verify and status", async () => {
    const result = await runScript(CLI, ["--help"]);
    assert.equal(result.code, 0);
    for (const command of ["start", "backfill", "verify", "status"])
      assert.match(result.stdout, new RegExp(`^\\s+${command} `, "m"));
    const start = await runScript(CLI, ["start", "--help"]);
    assert.match(start.stdout, /--rpc-url <url>/);
    assert.match(start.stdout, /--port <port>/);
    assert.match(start.stdout, /--stale-after-ms <ms>/);
    assert.match(start.stdout, /--finality-poll-ms <ms>/);
  });

  it("refuses bad timings in words; only start asks for the webhook secret", async () => {
    for (const [flag, value] of [
      ["--stale-after-ms", "soon"],
      ["--finality-poll-ms", "5"],
    ] as const) {
      const bad = await runScript(CLI, [
        "backfill",
        "--rpc-url",
        "http://127.0.0.1:1",
        "--db",
        `${tmp.dir}/never.sqlite`,
        flag,
        value,
      ]);
      assert.equal(bad.code, 1);
      assert.match(
        bad.stderr,
        new RegExp(`^error: ${flag} must be a whole number of milliseconds, at least 100, got ${value}$`, "m"),
      );
      assert.doesNotMatch(bad.stderr, /\n\s+at /, "no stack trace");
    }
    // A config file shared with `start` names a webhook port but (rightly) no secret: status still works.
    const config = `${tmp.dir}/webhook.json`;
    writeFileSync(config, JSON.stringify({ heliusWebhookPort: 8787, db: `${tmp.dir}/status.sqlite` }));
    new Database(`${tmp.dir}/status.sqlite`).close();
    const status = await runScript(CLI, ["status", "--config", config]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).events, 0);
    // status never reads the chain: a chain flag is refused with the reason and the command that does.
    const withRpc = await runScript(CLI, ["status", "--config", config, "--rpc-url", "http://127.0.0.1:8899"]);
    assert.equal(withRpc.code, 1);
    assert.match(
      withRpc.stderr,
      /^error: status reads only the index file \(no chain access\), so --rpc-url is not used: .*verify --rpc-url/,
    );
    const start = await runScript(CLI, ["start", "--config", config, "--port", "0"]);
    assert.equal(start.code, 1);
    assert.match(start.stderr, /no Helius webhook secret/);
  });

  it("backfill, status, verify OK; verify exits 1 and prints the differences on a tampered index", async () => {
    const f = await surfnetFixture(net);
    await f.admittedPartner();
    const env = ["--rpc-url", net.surfnet.rpcUrl, "--db", tmp.dbPath];
    const backfill = await runScript(CLI, ["backfill", ...env]);
    assert.equal(backfill.code, 0, backfill.stderr);
    const changes = Number((await f.registry()).history.changeCount);
    assert.equal(JSON.parse(backfill.stdout).contiguousChangeIndex, changes);

    const status = await runScript(CLI, ["status", "--db", tmp.dbPath]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).events, changes);

    const ok = await runScript(CLI, ["verify", ...env]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /verify: OK/);

    const db = new Database(tmp.dbPath);
    // Tamper with a stored proposal's status byte, as an attacker with the file would.
    const statusField = new RegistryDecoder().fast.fixedField("proposal", "status")!;
    const proposal = db.prepare("SELECT pubkey, raw FROM accounts WHERE kind = 'proposal' LIMIT 1").get() as {
      pubkey: string;
      raw: Buffer;
    };
    proposal.raw.writeUInt8(proposal.raw.readUInt8(statusField.offset) === 0 ? 1 : 0, statusField.offset);
    db.prepare("UPDATE accounts SET raw = ? WHERE pubkey = ?").run(proposal.raw, proposal.pubkey);
    db.prepare("DELETE FROM events WHERE change_index = 2").run();
    db.close();
    const bad = await runScript(CLI, ["verify", ...env]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^DIFF account \S+ \(proposal\): stored fields differ from the chain: status/m);
    assert.match(bad.stdout, /^DIFF history: change 2 missing/m);
    assert.match(bad.stdout, /verify: \d+ difference\(s\)/);

    const missing = await runScript(CLI, ["verify", "--rpc-url", net.surfnet.rpcUrl, "--db", `${tmp.dir}/nope.sqlite`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: no index at .*: run `lume-indexer backfill` first/m);
  });
});
