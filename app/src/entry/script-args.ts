// Command-line options of the project's plain entry points (migrations/demo.ts, deploy.ts, the
// local chain): node's parseArgs plus `--help`, with a bad option reported in one line and the
// usage, never a stack trace.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UserError } from "./user-error.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `argv` (default: the process's) against `options`. Returns undefined after printing
 * `usage` when `--help`/`-h` is given, so the caller can exit 0.
 */
export function parseScriptArgs<T extends Options>(
  usage: string,
  options: T,
  argv: string[] = process.argv.slice(2),
): ReturnType<typeof parseArgs<{ options: T; args: string[] }>>["values"] | undefined {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    return undefined;
  }
  try {
    return parseArgs({ options, args: argv }).values;
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n\n${usage}`);
  }
}
