// `lume program write-buffer` and `lume program deploy`: the .so into an upgradeable-loader
// buffer (progress, resumable, retried), then a deploy or an upgrade from it.
import { existsSync, readFileSync } from "node:fs";
import type { Keypair, PublicKey } from "@solana/web3.js";
import cliProgress from "cli-progress";
import { UserError } from "../../entry/user-error.js";
import { elfLength } from "../../sdk/deployed-program.js";
import { expandHome, readKeypairFile } from "../../sdk/keypair-file.js";
import {
  checkUpgrade,
  deployFromBuffer,
  LoaderDeployError,
  type SendTransaction,
  sendWith,
  writeProgramBuffer,
} from "../../sdk/loader-deploy.js";
import { type CliContext, processIo } from "./context.js";

/** The program binary to write, with a clear error when it is missing or not an ELF. */
export function readProgramBinary(path: string): Buffer {
  const file = expandHome(path);
  if (!existsSync(file)) throw new UserError(`${path} does not exist: run \`npm run build\` first (or pass --so)`);
  const bytes = readFileSync(file);
  try {
    return bytes.subarray(0, elfLength(bytes));
  } catch (err) {
    throw new UserError(`${path} is not a program binary: ${(err as Error).message}`);
  }
}

export function keypairArg(flag: string, path: string): Keypair {
  try {
    return readKeypairFile(path);
  } catch (err) {
    throw new UserError(`${flag}: ${(err as Error).message}`);
  }
}

/** Sends through the context: network failures retried with backoff, loader errors in words. */
function sender(ctx: CliContext): SendTransaction {
  const send = sendWith(ctx.connection);
  return (what, instructions, signers) => ctx.withRetry(what, () => send(what, instructions, signers));
}

/** A bar on a terminal; otherwise a line every tenth of the way (logs, tests). */
function progress(ctx: CliContext, label: string): { update(done: number, total: number): void; stop(): void } {
  if (ctx.json) return { update() {}, stop() {} };
  if (ctx.io === processIo && process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} chunks`, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) bar.start(total, done);
        started = true;
        bar.update(done);
      },
      stop: () => started && bar.stop(),
    };
  }
  let shown = -1;
  return {
    update(done, total) {
      const tenth = Math.floor((10 * done) / total);
      if (tenth === shown) return;
      shown = tenth;
      ctx.io.err(`${label}: ${done}/${total} chunks`);
    },
    stop() {},
  };
}

export interface WriteBufferReport {
  buffer: PublicKey;
  bytes: number;
  chunks: number;
  written: number;
}

/** Writes the binary into a new buffer, or resumes `resume` (an existing buffer's address). */
export async function writeBufferCommand(
  ctx: CliContext,
  elf: Buffer,
  resume: PublicKey | undefined,
  newBuffer: () => Keypair,
): Promise<WriteBufferReport> {
  const buffer = resume ?? newBuffer();
  const address = "secretKey" in buffer ? buffer.publicKey : buffer;
  await ctx.confirmSending(`write ${elf.length} bytes into buffer ${address.toBase58()}`);
  if (!ctx.json)
    ctx.io.err(`buffer ${address.toBase58()} (if interrupted, run again with --buffer ${address.toBase58()})`);
  const bar = progress(ctx, "writing");
  try {
    const result = await writeProgramBuffer({
      connection: ctx.connection,
      send: sender(ctx),
      authority: ctx.wallet,
      elf,
      buffer,
      onProgress: (done, total) => bar.update(done, total),
      onRetry: (what, err, delayMs) => {
        if (!ctx.json) ctx.io.err(`${what}: ${err.message.split("\n")[0]}; retrying in ${delayMs} ms`);
      },
      retryBaseMs: ctx.retryBaseMs,
      attempts: ctx.retries + 1,
    });
    return { buffer: result.buffer, bytes: elf.length, chunks: result.chunks, written: result.written };
  } catch (err) {
    if (err instanceof LoaderDeployError) {
      throw new UserError(`${err.message} (resume: lume program write-buffer --buffer ${address.toBase58()})`);
    }
    throw err;
  } finally {
    bar.stop();
  }
}

/** An upgrade the loader would refuse is refused before the buffer is written. */
export async function checkUpgradeCommand(ctx: CliContext, programId: PublicKey, length: number): Promise<void> {
  const exists = await ctx.read("read the program account", () =>
    ctx.connection.getAccountInfo(programId, "confirmed"),
  );
  if (exists === null) return; // a new program: nothing to check
  try {
    await ctx.read("read the program's ProgramData", () =>
      checkUpgrade(ctx.connection, programId, ctx.wallet.publicKey, length),
    );
  } catch (err) {
    if (err instanceof LoaderDeployError) throw new UserError(err.message);
    throw err;
  }
}

export async function deployCommand(
  ctx: CliContext,
  buffer: PublicKey,
  program: Keypair | PublicKey,
  maxDataLen: number | undefined,
) {
  try {
    return await deployFromBuffer({
      connection: ctx.connection,
      send: sender(ctx),
      authority: ctx.wallet,
      buffer,
      program,
      ...(maxDataLen === undefined ? {} : { maxDataLen }),
    });
  } catch (err) {
    if (err instanceof LoaderDeployError) throw new UserError(err.message);
    if (err instanceof UserError) throw err;
    const message = (err as Error).message ?? String(err);
    throw new UserError(`deploy from buffer ${buffer.toBase58()} failed: ${message.split("\n")[0]}`);
  }
}
