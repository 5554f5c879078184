// The `lume` command tree, built fresh for every run so that it can run in-process (tests)
// as well as from the terminal.
import { Command, CommanderError } from "commander";
import { UserError } from "../user-error.js";
import { DEFAULT_URL, type Io, processIo } from "./context.js";
import { registerCouncil } from "./council.js";
import { registerGovernance } from "./governance.js";
import { registerNode } from "./node.js";
import { registerPartner } from "./partner.js";
import { registerProgramCode } from "./program-code.js";
import { actionFactory } from "./runner.js";

export interface RunOptions {
  io?: Io;
  /** Milliseconds before the first network retry (doubles each time). */
  retryBaseMs?: number;
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
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  registerCouncil(program, action);
  registerPartner(program, action);
  registerGovernance(program, action);
  registerNode(program, action);
  registerProgramCode(program, action);

  program
    .command("localnet")
    .description("start the local chain with the registry program (app/src/localnet) until Ctrl-C")
    .allowUnknownOption()
    .argument("[args...]", "passed on: --upgrade-authority <keypair.json> --rpc-port <n> --ws-port <n>")
    .action(async (args: string[]) => {
      const code = await (options.localnet ?? defaultLocalnet)(args);
      if (code !== 0) throw new UserError(`the local chain exited with code ${code}`);
    });

  // Subcommands inherit the output and error handling.
  const inherit = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
        .showHelpAfterError("(run with --help for usage)");
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/** Runs `lume` with `argv` (without node and script); returns the exit code. Never throws. */
export async function runLume(argv: string[], options: RunOptions = {}): Promise<number> {
  const io = options.io ?? processIo;
  try {
    const program = buildLume(options);
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander printed the message (or the help)
    if (err instanceof UserError) {
      io.err(`error: ${err.message}`);
      return 1;
    }
    // Not expected: say what happened, without a stack, and how to get one.
    io.err(
      `error: ${(err as Error)?.message ?? String(err)}${process.env.LUME_DEBUG ? `\n${(err as Error)?.stack ?? ""}` : " (set LUME_DEBUG=1 for details)"}`,
    );
    return 1;
  }
}
