// `npm run fuzz:program` as a person runs it: progress within its first 10 s, and on Ctrl-C a
// summary of what was covered so far (issue 18: the long run once printed nothing for 40 minutes).
import assert from "node:assert/strict";
import { RunningScript } from "../support/scripts.js";

describe("the model fuzzer's long run (tests/program/fuzz-long.ts)", () => {
  it("prints progress every 10 s and, on Ctrl-C, the coverage so far", async function () {
    this.timeout(90_000);
    const saved = { ...process.env };
    Object.assign(process.env, { LUME_FUZZ_STEPS: "100000", LUME_FUZZ_WORKERS: "1" });
    const script = RunningScript.start("tests/program/fuzz-long.ts");
    process.env = saved;
    let result: Awaited<ReturnType<RunningScript["stop"]>>;
    try {
      // The first progress line that counts a finished sequence (10 s or 20 s in).
      const deadline = Date.now() + 60_000;
      while (!/^ {2}[1-9]\d* \/ 100000 steps/m.test(script.stdout)) {
        if (Date.now() > deadline || !script.running)
          throw new Error(`no progress with steps in 60 s:\n${script.stdout}\n${script.stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      result = await script.stop("SIGINT");
    }
    const out = result.stdout;
    assert.equal(result.code, 130, `exit code\n${out}\n${result.stderr}`);
    assert.match(out, /\d+ \/ 100000 steps \(\d+\.\d%\), \d+\.\d steps\/s, elapsed \d+s, ETA /);
    assert.match(out, /model fuzzer interrupted: [1-9]\d* steps/);
    assert.match(out, /\| apply \| [1-9]\d* \| [1-9]\d* \|/);
    assert.match(out, /Error codes reached \(\d+ of \d+\):/);
    assert.match(out, /Never reached \(\d+\):\n.*6000 UnknownInstruction/);
    assert.match(out, /failures: none/);
  });
});
