// The `lume` command tree, built fresh for every run so that it can run in-process (tests)
// as well as from the terminal.
import { Command, CommanderError } from "commander";
import { UserError } from "../../entry/user-error.js";
import { registerAudit } from "./audit.js";
import { DEFAULT_RPC_TIMEOUT_SECONDS, DEFAULT_URL, type Io, processIo } from "./context.js";
import { registerCouncil } from "./council.js";
import { registerEnvelope } from "./envelope-sign.js";
import { registerGovernance } from "./governance.js";
import { keyFileCommand } from "./keys.js";
import { registerLocalnet } from "./localnet.js";
import { registerNode } from "./node.js";
import { registerPartner } from "./partner.js";
import { registerProgramCode } from "./program-code.js";
import { actionFactory } from "./runner.js";

export interface RunOptions {
  io?: Io;
  /** Milliseconds before the first network retry (doubles each time). */
  retryBaseMs?: number;
  /** Errors as one JSON object on stderr (`--json` on the command line). */
  jsonErrors?: boolean;
  /** `lume localnet`: what runs it (the test suite replaces it). */
  localnet?: (args: string[]) => Promise<number>;
}

async function defaultLocalnet(args: string[]): Promise<number> {
  // app/src/localnet/main.ts reads process.argv and runs until Ctrl-C.
  process.argv = [process.argv[0]!, "localnet", ...args];
  await import("../../localnet/main.js");
  return new Promise<number>(() => {}); // main.ts exits the process itself
}

export function buildLume(options: RunOptions = {}): Command {
  const io = options.io ?? processIo;
  const action = actionFactory(io, options.retryBaseMs ?? 500);
  const output = {
    writeOut: (s: string) => io.out(s.trimEnd()),
    writeErr: (s: string) => io.err(s.trimEnd()),
    // With --json, runLume prints usage errors as JSON instead.
    outputError: (s: string, write: (s: string) => void) => (options.jsonErrors ? undefined : write(s)),
  };
  const program = new Command("lume")
    .description("Lume Registry: council, partners, verifiers, auditors, nodes and guardians")
    .option("-u, --url <url>", `JSON-RPC URL of the cluster (default ${DEFAULT_URL}, or the config file's url)`)
    .option("--ws-url <url>", "PubSub URL, when it is not the RPC port + 1")
    .option("-k, --keypair <path>", "signer: a Solana CLI JSON keypair file (default ~/.config/solana/id.json)")
    .option("--program-id <address>", "the registry program (default: the IDL's address)")
    .option(
      "--config <path>",
      "JSON file with url, wsUrl, keypair, programId defaults (default ~/.config/lume/config.json, or $LUME_CONFIG)",
    )
    .option("--json", "machine-readable JSON output")
    .option("-y, --yes", "do not ask before sending transactions")
    .option("--retries <n>", "retries of a failed network request, with exponential backoff", "3")
    .option(
      "--timeout <seconds>",
      `how long one JSON-RPC request may go unanswered before it counts as failed (default ${DEFAULT_RPC_TIMEOUT_SECONDS})`,
    )
    .showHelpAfterError(options.jsonErrors ? false : "(run with --help for usage)")
    .exitOverride()
    .configureOutput(output);

  registerCouncil(program, action);
  registerPartner(program, action);
  registerGovernance(program, action);
  registerNode(program, action);
  registerEnvelope(program, action);
  registerAudit(program, action);
  registerProgramCode(program, action);

  registerLocalnet(program, action, options.localnet ?? defaultLocalnet);

  keyFileCommand(
    program
      .command("keygen")
      .description(
        "write a new keypair file (Solana CLI format) for a partner authority, a council member or a role holder",
      ),
    action,
    "keypair",
    (file) =>
      `give it SOL to pay fees and rent (on the local chain: \`lume localnet fund ${file}\`), then sign with \`lume -k ${file} ...\``,
  );

  // Subcommands inherit the output and error handling.
  const inherit = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub
        .exitOverride()
        .configureOutput(output)
        .showHelpAfterError(options.jsonErrors ? false : "(run with --help for usage)");
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/** Runs `lume` with `argv` (without node and script); returns the exit code. Never throws. */
export async function runLume(argv: string[], options: RunOptions = {}): Promise<number> {
  const io = options.io ?? processIo;
  const json = argv.includes("--json");
  /** One line on stderr: `error: ...`, or with --json `{"error":{"message":...,"kind":...}}`. */
  const fail = (message: string, kind: string): number => {
    io.err(json ? JSON.stringify({ error: { message, kind } }) : `error: ${message}`);
    return 1;
  };
  try {
    const program = buildLume({ ...options, jsonErrors: json });
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander printed the help, or (without --json) the usage error.
      if (!json || err.exitCode === 0) return err.exitCode;
      fail(err.message.replace(/^error: /, ""), "usage");
      return err.exitCode;
    }
    if (err instanceof UserError) return fail(err.message, "error");
    // Not expected: say what happened, without a stack, and how to get one.
    const message = (err as Error)?.message ?? String(err);
    if (process.env.LUME_DEBUG) return fail(`${message}\n${(err as Error)?.stack ?? ""}`, "unexpected");
    return fail(`${message}${json ? "" : " (set LUME_DEBUG=1 for details)"}`, "unexpected");
  }
}
