// The CLI's conventions across commands, checked without a chain: --json errors are JSON on
// stderr with exit 1, evidence flags are named alike everywhere, `execute --help` says who pays.
import assert from "node:assert/strict";
import { lume } from "./lume-helpers.js";

describe("lume conventions", () => {
  it("with --json, a failure is one JSON object on stderr (nothing on stdout) and exit 1", async () => {
    const unreachable = await lume(["--json", "--url", "http://127.0.0.1:9", "--retries", "0", "council", "show"]);
    assert.equal(unreachable.code, 1);
    assert.equal(unreachable.out, "");
    const { error } = JSON.parse(unreachable.err) as { error: { message: string; kind: string } };
    assert.equal(error.kind, "error");
    assert.match(error.message, /cannot reach http:\/\/127\.0\.0\.1:9/);

    const usage = await lume(["--json", "council", "show", "--no-such-flag"]);
    assert.equal(usage.code, 1);
    assert.deepEqual(JSON.parse(usage.err), { error: { message: "unknown option '--no-such-flag'", kind: "usage" } });

    const text = await lume(["council", "show", "--no-such-flag"]);
    assert.match(text.err, /^error: unknown option '--no-such-flag'/);
  });

  it("evidence is --evidence-file and --evidence-uri on propose, attest and review record", async () => {
    for (const command of [
      ["propose", "approve-partner"],
      ["attest", "legal"],
      ["attest", "technical"],
      ["review", "record"],
    ]) {
      const help = await lume([...command, "--help"]);
      assert.equal(help.code, 0, help.err);
      assert.match(help.out, /--evidence-file <path>/, command.join(" "));
      assert.match(help.out, /--evidence-uri <uri>/, command.join(" "));
      assert.doesNotMatch(help.out, /--uri </, command.join(" "));
    }
  });

  it("execute --help says the signer pays the fee", async () => {
    const help = await lume(["execute", "--help"]);
    assert.match(
      help.out.replace(/\s+/g, " "),
      /The signer \(-k, default ~\/\.config\/solana\/id\.json\) is the fee payer/,
    );
  });
});
