// Writing new keypair files (`lume keygen`, `lume partner keys generate`): Solana CLI format,
// mode 0600, never over an existing file.
import { existsSync } from "node:fs";
import { Keypair, PublicKey } from "@solana/web3.js";
import type { Command } from "commander";
import { UserError } from "../../entry/user-error.js";
import { expandHome, readKeypairFile, writeKeypairFile } from "../../sdk/keypair-file.js";
import type { CliContext } from "./context.js";
import type { Action } from "./runner.js";

/** Writes a fresh keypair to `out` and prints its public key, what it is, and the next step. */
export function writeNewKeyFile(ctx: CliContext, out: string, what: string, next: (file: string) => string): Keypair {
  const file = expandHome(out);
  if (existsSync(file)) throw new UserError(`${out} exists: refusing to overwrite a key file`);
  const keypair = Keypair.generate();
  writeKeypairFile(out, keypair);
  ctx.print(
    { publicKey: keypair.publicKey.toBase58(), file },
    () => `new ${what} ${keypair.publicKey.toBase58()} written to ${file} (mode 0600)\n  next: ${next(out)}`,
  );
  return keypair;
}

/** Gives `command` the --out option and an action writing a new key file there (`writeNewKeyFile`). */
export function keyFileCommand(
  command: Command,
  action: Action,
  what: string,
  next: (file: string) => string,
): Command {
  return command.requiredOption("--out <path>", "where to write the key file (refuses to overwrite)").action(
    action(async (ctx, opts: { out: string }) => {
      writeNewKeyFile(ctx, opts.out, what, next);
    }),
  );
}

/** A base58 address, or the public key of a keypair file (what `lume keygen` wrote). */
export function addressOrKeyFile(what: string, value: string | undefined): PublicKey {
  if (value === undefined || value === "") throw new UserError(`${what} is required`);
  if (existsSync(expandHome(value))) {
    try {
      return readKeypairFile(value).publicKey;
    } catch (err) {
      throw new UserError((err as Error).message);
    }
  }
  try {
    return new PublicKey(value);
  } catch {
    throw new UserError(`${what}: "${value}" is neither a base58 address nor a keypair file`);
  }
}
