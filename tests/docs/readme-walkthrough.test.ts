// The README's walkthrough (then docs/cli.md's monitoring one and docs/reverification.md's), run literally: a fresh `npm start` stack (migrations/demo.ts on
// free ports, never 8899/8900/4000, with its own demo directory), then the README's marked
// ```bash block in one shell from a directory laid out like the repository root (bin/, docs/,
// .lume/demo/), the commands pointed at the stack by $LUME_CONFIG. Each command must exit 0
// and print the lines shown under it.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { READY_LINE } from "../../migrations/stack-banner.js";
import { type RunningScript, startDemoStackOnFreePorts } from "../support/scripts.js";
import { readWalkthroughs, runWalkthrough } from "../support/walkthrough.js";

const REPO = resolve(".");

/** The URL the banner prints after `label`. */
function bannerUrl(banner: string, label: string): string {
  const match = new RegExp(`${label}\\s+(\\S+)`).exec(banner);
  assert.ok(match, `the banner names the ${label}:\n${banner}`);
  return match[1]!;
}

describe("README.md and docs/cli.md walkthroughs, run literally against a fresh stack", function () {
  this.timeout(420_000);
  let workDir: string;
  let stack: RunningScript | undefined;

  before(() => {
    workDir = mkdtempSync(join(tmpdir(), "lume-readme-"));
    for (const dir of ["bin", "docs"]) symlinkSync(join(REPO, dir), join(workDir, dir));
    mkdirSync(join(workDir, ".lume"));
  });
  after(async () => {
    if (stack?.running) await stack.stop("SIGINT");
    rmSync(workDir, { recursive: true, force: true });
  });

  it("the banner lists every demo key; the onboarding walkthrough: every command exits 0 and prints what the README shows", async () => {
    const [readme, ...others] = readWalkthroughs("README.md");
    assert.ok(readme !== undefined && readme.length > 5, "README.md has a marked walkthrough block");
    assert.equal(others.length, 0, "one walkthrough block in README.md");
    // The docs' blocks continue on the same stack, after the README's.
    const docs = readWalkthroughs("docs/cli.md");
    assert.ok(docs.length > 0, "docs/cli.md has a marked walkthrough block");
    // docs/reverification.md's scenario continues after cli.md's (issue 17).
    const reverification = readWalkthroughs("docs/reverification.md");
    assert.equal(reverification.length, 1, "docs/reverification.md has one marked walkthrough block");
    docs.push(...reverification);
    const steps = [...readme, ...docs.flat()];

    stack = startDemoStackOnFreePorts(join(workDir, ".lume/demo"));
    await stack.waitForOutput(READY_LINE, 180_000);
    // The banner names every demo role's key file and says the chain's clock runs ahead.
    for (const file of [
      "deployer",
      "council-1",
      "council-3",
      "legal-verifier",
      "technical-auditor",
      "auditor",
      "guardian",
      "reporting-node",
      "partner-0",
    ])
      assert.ok(stack.stdout.includes(join(workDir, `.lume/demo/${file}.json`)), `the banner lists ${file}.json`);
    assert.match(stack.stdout, /Chain clock: \d+\.\d h ahead of this machine's/);
    assert.doesNotMatch(stack.stdout, /solana config set/, "no Solana CLI command (setup does not install it)");
    const config = join(workDir, "lume-config.json");
    writeFileSync(
      config,
      JSON.stringify({
        url: bannerUrl(stack.stdout, "Solana JSON-RPC"),
        wsUrl: bannerUrl(stack.stdout, "Solana PubSub \\(WS\\)"),
      }),
    );

    const results = await runWalkthrough(steps, {
      cwd: workDir,
      env: { ...process.env, LUME_CONFIG: config, FORCE_COLOR: "0" },
      timeoutMs: 300_000,
    });
    for (const { step, exitCode, output } of results) {
      assert.equal(exitCode, 0, `\`${step.command}\` exited ${exitCode}:\n${output}`);
      const lines = output.split("\n");
      for (const expected of step.expected)
        assert.ok(
          lines.some((line) => expected.test(line)),
          `\`${step.command}\` printed no line matching ${expected}:\n${output}`,
        );
    }
  });
});
