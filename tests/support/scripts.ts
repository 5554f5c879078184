// Runs the project's TypeScript entry points as a person would (`tsx <script>`), in a child
// node with tsx's loader, and reads what they print.
import { type ChildProcess, spawn } from "node:child_process";

export interface ScriptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Node with tsx's loader, as `tsx` runs scripts (one process: signals reach the script itself). */
function spawnScript(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** A running script whose output is collected as it comes. */
export class RunningScript {
  stdout = "";
  stderr = "";
  private readonly exited: Promise<ScriptResult>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
      for (const w of this.waiters) w();
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        for (const w of this.waiters) w();
        // "exit" can come before the pipes drain; "close" follows once they have.
        child.on("close", () => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
      });
    });
  }

  static start(script: string, args: string[] = []): RunningScript {
    return new RunningScript(spawnScript(script, args));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once stdout contains `text`; rejects if the script exits first or time runs out. */
  waitForOutput(text: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.stdout.includes(text)) finish();
        else if (!this.running)
          finish(new Error(`the script exited before printing "${text}":\n${this.stdout}\n${this.stderr}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`no "${text}" within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`)),
        timeoutMs,
      );
      const finish = (err?: Error): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs` (then the result shows it). */
  async stop(signal: NodeJS.Signals = "SIGINT", timeoutMs = 15_000): Promise<ScriptResult> {
    if (this.running) this.child.kill(signal);
    return this.finished(timeoutMs);
  }

  /** Waits for the script to exit by itself; SIGKILL after `timeoutMs`. */
  async finished(timeoutMs = 60_000): Promise<ScriptResult> {
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs a script to completion. */
export function runScript(script: string, args: string[] = [], timeoutMs = 60_000): Promise<ScriptResult> {
  return RunningScript.start(script, args).finished(timeoutMs);
}

/** `npm start`'s entry point with its keys in `demoDir`, on free ports (never a developer's 8899/8900/4000). */
export function startDemoStackOnFreePorts(demoDir: string): RunningScript {
  const freePorts = ["--rpc-port", "0", "--ws-port", "0", "--graphql-port", "0"];
  return RunningScript.start("migrations/demo.ts", ["--demo-dir", demoDir, ...freePorts]);
}
