// The model fuzzer's long run (`npm run fuzz:program`): independent seeds in parallel worker
// processes (one per core by default), each running sequences of 100 commands on litesvm (the
// runtime that reports events, so the history replay is checked too) until its share of the
// steps is done. The parent prints progress every 10 s, and the coverage table at the end, on
// Ctrl-C and at the time limit.
//
//   LUME_FUZZ_STEPS    primitive steps in all (default 100000; macros count their expansion)
//   LUME_FUZZ_SEED     seed of worker 0; worker i uses seed + i (default 20261125)
//   LUME_FUZZ_WORKERS  worker processes (default: the number of cores)
//   LUME_FUZZ_MINUTES  stop after this long and print what was covered (default: no limit)
import { type ChildProcess, fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { type CoverageJson, FuzzCoverage } from "../support/fuzz-coverage.js";
import { commandArb, FUZZ_SEED, runCommands } from "../support/model-fuzz.js";

const COMMANDS_PER_SEQUENCE = 100;
const PROGRESS_EVERY_MS = 10_000;

type WorkerMessage =
  | { type: "sequence"; steps: number; coverage: CoverageJson }
  | { type: "failing"; seed: number; message: string }
  | { type: "failed"; seed: number; message: string }
  | { type: "done" };

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`${name} must be a positive whole number, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

// --- worker: one seed, its share of the steps ----------------------------------------------

async function work(seed: number, budget: number): Promise<void> {
  const send = (message: WorkerMessage): void => void process.send!(message);
  let steps = 0;
  let failing = false;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArb, { minLength: COMMANDS_PER_SEQUENCE, maxLength: COMMANDS_PER_SEQUENCE }),
        async (commands) => {
          if (steps >= budget && !failing) return;
          const coverage = new FuzzCoverage();
          try {
            const done = await runCommands("litesvm", commands, coverage);
            // While fast-check shrinks a failure, its re-runs are not progress.
            if (!failing) {
              steps += done;
              send({ type: "sequence", steps: done, coverage: coverage.toJSON() });
            }
          } catch (error) {
            // Shrinking can take minutes: say at once that a sequence failed, and how.
            if (!failing) send({ type: "failing", seed, message: (error as Error).message.split("\n")[0]! });
            failing = true;
            throw error;
          }
        },
      ),
      // Every command is at least one step: this many sequences always reach the budget.
      { seed, numRuns: Math.ceil(budget / COMMANDS_PER_SEQUENCE) },
    );
    send({ type: "done" });
  } catch (error) {
    send({ type: "failed", seed, message: (error as Error).message });
  }
}

// --- parent: workers, progress, summary -------------------------------------------------------

const duration = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
};

function main(): void {
  const total = positiveInteger("LUME_FUZZ_STEPS", 100_000);
  const workers = positiveInteger("LUME_FUZZ_WORKERS", availableParallelism());
  const minutes = process.env.LUME_FUZZ_MINUTES ? positiveInteger("LUME_FUZZ_MINUTES", 1) : undefined;
  const share = Math.ceil(total / workers);
  const seeds = Array.from({ length: workers }, (_, i) => FUZZ_SEED + i);
  console.log(
    `model fuzzer: ${total} steps on litesvm, ${workers} worker(s), seeds ${seeds.join(", ")}, ` +
      `sequences of ${COMMANDS_PER_SEQUENCE} commands; progress every ${PROGRESS_EVERY_MS / 1000} s`,
  );

  const coverage = new FuzzCoverage();
  const failures: { seed: number; message: string }[] = [];
  const started = Date.now();
  let steps = 0;
  let running = workers;
  let shrinking = 0;
  const children: ChildProcess[] = [];

  const progress = (): void => {
    const elapsed = Date.now() - started;
    const rate = steps / (elapsed / 1000);
    const eta = rate > 0 ? duration(((total - steps) / rate) * 1000) : "?";
    console.log(
      `  ${steps} / ${total} steps (${((100 * steps) / total).toFixed(1)}%), ${rate.toFixed(1)} steps/s, ` +
        `elapsed ${duration(elapsed)}, ETA ${steps >= total ? "0s" : eta}` +
        (shrinking > 0 ? ` (${shrinking} worker(s) shrinking a failure)` : ""),
    );
  };
  const timer = setInterval(progress, PROGRESS_EVERY_MS);

  const finish = (why: string): void => {
    clearInterval(timer);
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    const elapsed = Date.now() - started;
    console.log(
      `\nmodel fuzzer ${why}: ${steps} steps in ${duration(elapsed)}, ${(steps / (elapsed / 1000)).toFixed(1)} steps/s`,
    );
    console.log(`seeds ${seeds.join(", ")} (worker i: LUME_FUZZ_SEED + i), ${workers} worker(s)\n`);
    for (const line of coverage.report()) console.log(line);
    console.log(failures.length === 0 ? "\nfailures: none" : `\nfailures: ${failures.length}`);
    for (const failure of failures) console.log(`\n--- seed ${failure.seed}\n${failure.message}`);
    process.exit(failures.length > 0 ? 1 : why === "interrupted" ? 130 : 0);
  };
  process.on("SIGINT", () => finish("interrupted"));
  if (minutes !== undefined) setTimeout(() => finish(`stopped at the ${minutes}-minute limit`), minutes * 60_000);

  for (const [i, seed] of seeds.entries()) {
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, LUME_FUZZ_WORKER_SEED: String(seed), LUME_FUZZ_WORKER_STEPS: String(share) },
    });
    children.push(child);
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "sequence") {
        steps += message.steps;
        coverage.merge(message.coverage);
      } else if (message.type === "failing") {
        shrinking += 1;
        console.log(`  seed ${message.seed}: a sequence failed, shrinking it: ${message.message}`);
      } else if (message.type === "failed") failures.push({ seed: message.seed, message: message.message });
    });
    child.on("exit", (code) => {
      if (code !== 0 && code !== null && failures.every((f) => f.seed !== seed))
        failures.push({ seed, message: `worker ${i} exited with code ${code}` });
      running -= 1;
      if (running === 0) finish("finished");
    });
  }
}

const workerSeed = process.env.LUME_FUZZ_WORKER_SEED;
if (workerSeed === undefined) main();
else {
  // Ctrl-C reaches the workers too: the parent prints the summary, they just stop.
  process.on("SIGINT", () => process.exit(0));
  // A parent that died without stopping us leaves no one to report to.
  process.on("disconnect", () => process.exit(0));
  await work(Number(workerSeed), Number(process.env.LUME_FUZZ_WORKER_STEPS));
  process.disconnect?.();
}
