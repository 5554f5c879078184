// `lume localnet` hands its arguments to the local chain's entry point (app/src/localnet/main.ts);
// here a stand-in runner records them (the real one binds 8899/8900 until Ctrl-C).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lume } from "./lume-helpers.js";

describe("lume localnet", () => {
  it("passes its options to the local chain and reports a failed start", async () => {
    const seen: string[][] = [];
    const ok = await lume(["localnet", "--rpc-port", "0", "--ws-port", "0"], {
      localnet: async (args) => {
        seen.push(args);
        return 0;
      },
    });
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(seen, [["--rpc-port", "0", "--ws-port", "0"]]);
    const failed = await lume(["localnet"], { localnet: async () => 3 });
    assert.equal(failed.code, 1);
    assert.match(failed.err, /the local chain exited with code 3/);
  });

  it("prints help for every command group without a chain", async () => {
    for (const group of [
      [],
      ["propose"],
      ["partner"],
      ["partner", "request", "key"],
      ["governance", "propose"],
      ["node"],
      ["node", "verify"],
      ["node", "watch"],
      ["localnet"],
      ["localnet", "fund"],
      ["localnet", "time-travel"],
      ["keygen"],
      ["envelope", "sign"],
      ["history"],
      ["audit"],
    ]) {
      const run = await lume([...group, "--help"]);
      assert.equal(run.code, 0, run.err);
      assert.match(run.out, /Usage: lume/);
    }
  });
});

describe("lume --config", () => {
  it("takes url and program id from the config file; flags override it; a bad file is named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lume-config-"));
    try {
      const config = join(dir, "config.json");
      writeFileSync(
        config,
        JSON.stringify({ url: "http://127.0.0.1:9", programId: "11111111111111111111111111111111" }),
      );
      const fromFile = await lume(["--config", config, "--retries", "0", "council", "show"]);
      assert.match(fromFile.err, /cannot reach http:\/\/127\.0\.0\.1:9 \(1 attempt/);
      const overridden = await lume([
        "--config",
        config,
        "--url",
        "http://127.0.0.1:10",
        "--retries",
        "0",
        "council",
        "show",
      ]);
      assert.match(overridden.err, /cannot reach http:\/\/127\.0\.0\.1:10 /);
      writeFileSync(config, JSON.stringify({ url: 8899 }));
      const bad = await lume(["--config", config, "council", "show"]);
      assert.equal(bad.code, 1);
      assert.match(bad.err, /config\.json: "url" must be a string/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
