// Shell walkthroughs kept in the docs and run literally by tests: a ```bash block after a
// `<!-- walkthrough ... -->` marker is a list of commands, each followed by the comment lines
// (`# ...`) it must print. In an expected line `...` (or `…`) stands for anything on that line.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

export interface WalkthroughStep {
  command: string;
  /** Lines the command must print (stdout or stderr), each as a pattern within one line. */
  expected: RegExp[];
}

export interface StepResult {
  step: WalkthroughStep;
  exitCode: number;
  output: string;
}

const MARKER = "<!-- walkthrough";

/** The marked ```bash blocks of a Markdown file, each as its steps. */
export function readWalkthroughs(markdownPath: string): WalkthroughStep[][] {
  const lines = readFileSync(markdownPath, "utf8").split("\n");
  const blocks: WalkthroughStep[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith(MARKER)) continue;
    const open = lines.findIndex((line, j) => j > i && line.startsWith("```"));
    const close = lines.findIndex((line, j) => j > open && line.startsWith("```"));
    if (open < 0 || close < 0) throw new Error(`${markdownPath}:${i + 1}: a walkthrough marker without a code block`);
    blocks.push(parseSteps(lines.slice(open + 1, close)));
    i = close;
  }
  return blocks;
}

function expectedLine(text: string): RegExp {
  const pieces = text.split(/\.\.\.|…/).map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(pieces.join(".*"));
}

function parseSteps(lines: string[]): WalkthroughStep[] {
  const steps: WalkthroughStep[] = [];
  for (const line of lines) {
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const step = steps.at(-1);
      if (step === undefined) throw new Error(`expected output before any command: ${line}`);
      step.expected.push(expectedLine(line.replace(/^# ?/, "").trim()));
    } else {
      steps.push({ command: line, expected: [] });
    }
  }
  return steps;
}

/**
 * Runs the steps in one bash (so `export` carries over), in `cwd` with `env`, and returns each
 * step's exit code and combined output. Every step runs, whatever the ones before returned.
 */
export function runWalkthrough(
  steps: WalkthroughStep[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<StepResult[]> {
  const script = [
    "exec 2>&1",
    ...steps.flatMap((step, i) => [`echo "@@step ${i}@@"`, step.command, `echo "@@exit ${i} $?@@"`]),
  ].join("\n");
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(
        steps.map((step, i) => {
          const match = new RegExp(`@@step ${i}@@\\n([\\s\\S]*?)@@exit ${i} (\\d+)@@`).exec(output);
          return match === null
            ? { step, exitCode: -1, output: `(did not finish; output so far:\n${output})` }
            : { step, exitCode: Number(match[2]), output: match[1]! };
        }),
      );
    });
  });
}
