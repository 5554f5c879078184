// The project's plain entry points (npm start's migrations/demo.ts, migrations/deploy.ts, npm run
// localnet's app/src/localnet/main.ts, npm run fleet's indexer/src/fleet/main.ts) as a person runs them: --help explains, a bad option is
// one error line with the usage, never a stack trace. Nothing here starts a chain.
import assert from "node:assert/strict";
import { runScript } from "../support/scripts.js";

const ENTRY_POINTS = [
  { script: "migrations/demo.ts", mentions: ["--rpc-port", "--ws-port", "--graphql-port", "--demo-dir"] },
  { script: "migrations/deploy.ts", mentions: ["--url", "--wallet", "--config"] },
  { script: "app/src/localnet/main.ts", mentions: ["--rpc-port", "--ws-port", "--upgrade-authority"] },
  {
    script: "indexer/src/fleet/main.ts",
    mentions: ["--replicas", "--rpc-url", "--port", "--max-lag-slots", "HAProxy", "Ctrl-C"],
  },
];

describe("entry points: --help and bad options", function () {
  this.timeout(60_000);
  for (const { script, mentions } of ENTRY_POINTS) {
    it(`tsx ${script} --help prints its usage and exits 0`, async () => {
      const run = await runScript(script, ["--help"]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage: /);
      for (const flag of mentions) assert.ok(run.stdout.includes(flag), `the usage names ${flag}:\n${run.stdout}`);
      assert.equal(run.stderr, "");
    });

    it(`tsx ${script} --no-such-option says so in one line, with the usage`, async () => {
      const run = await runScript(script, ["--no-such-option"]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^error: Unknown option '--no-such-option'/);
      assert.match(run.stderr, /Usage: /);
      assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    });
  }
});
