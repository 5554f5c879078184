// Deploying a program without the Solana CLI: the .so written into an upgradeable-loader buffer
// in chunks, then a deploy (new program) or an upgrade from it. Resumable: writing into an
// existing buffer skips every chunk whose bytes are already there.
import {
  type Connection,
  type Keypair,
  type PublicKey,
  type Signer,
  SystemProgram,
  Transaction,
  type TransactionInstruction,
} from "@solana/web3.js";
import { retry } from "../entry/retry.js";
import { BPF_LOADER_UPGRADEABLE_ID, programDataAddress } from "./pda.js";
import { decodeProgramData, PROGRAM_DATA_HEADER_LEN } from "./program-data.js";
import {
  BUFFER_HEADER_LEN,
  decodeBuffer,
  deployWithMaxDataLen,
  initializeBuffer,
  PROGRAM_ACCOUNT_LEN,
  upgrade,
  writeBuffer,
} from "./upgradeable-loader.js";

/**
 * Program bytes per Write transaction: a 1,232-byte transaction less its signature, header,
 * three account keys, blockhash and the instruction's own 16 bytes, with room to spare.
 */
export const WRITE_CHUNK_BYTES = 900;
/** Write transactions sent at once (the Solana CLI sends them all; a few keep an RPC node at ease). */
export const WRITES_IN_FLIGHT = 8;

/** Sends one transaction signed by `signers` (the first pays) and waits for its confirmation. */
export type SendTransaction = (
  what: string,
  instructions: TransactionInstruction[],
  signers: Signer[],
) => Promise<string>;

export class LoaderDeployError extends Error {}

export interface WriteBufferOptions {
  connection: Connection;
  send: SendTransaction;
  /** Pays for the buffer account and signs every write (the buffer's authority). */
  authority: Keypair;
  elf: Uint8Array;
  /** A new buffer (created here), or the address of one to resume writing into. */
  buffer: Keypair | PublicKey;
  /** Called at the start and after each chunk: chunks done (written or already there) out of the total. */
  onProgress?: (done: number, total: number) => void;
  /** Called before a failed write is sent again. */
  onRetry?: (what: string, err: Error, delayMs: number) => void;
  /** Tries per chunk (default 5), the first pause between them (default 500 ms, doubling, with jitter). */
  attempts?: number;
  retryBaseMs?: number;
}

export interface WriteBufferResult {
  buffer: PublicKey;
  chunks: number;
  /** Chunks sent now (fewer than `chunks` when resuming). */
  written: number;
}

function isKeypair(buffer: Keypair | PublicKey): buffer is Keypair {
  return "secretKey" in buffer;
}

export async function writeProgramBuffer(options: WriteBufferOptions): Promise<WriteBufferResult> {
  const { connection, send, authority, elf } = options;
  const buffer = isKeypair(options.buffer) ? options.buffer.publicKey : options.buffer;
  let existing = (await connection.getAccountInfo(buffer, "confirmed"))?.data;
  if (existing === undefined) {
    if (!isKeypair(options.buffer)) {
      throw new LoaderDeployError(`no buffer account at ${buffer.toBase58()}: nothing to resume`);
    }
    const space = BUFFER_HEADER_LEN + elf.length;
    await send(
      "create the buffer account",
      [
        SystemProgram.createAccount({
          fromPubkey: authority.publicKey,
          newAccountPubkey: buffer,
          lamports: await connection.getMinimumBalanceForRentExemption(space),
          space,
          programId: BPF_LOADER_UPGRADEABLE_ID,
        }),
        initializeBuffer(buffer, authority.publicKey),
      ],
      [authority, options.buffer],
    );
    existing = Buffer.alloc(space);
  } else {
    const state = decodeBuffer(existing);
    if (state === null) throw new LoaderDeployError(`${buffer.toBase58()} is not an upgradeable-loader buffer`);
    if (!state.authority?.equals(authority.publicKey)) {
      throw new LoaderDeployError(
        `buffer ${buffer.toBase58()} is written by ${state.authority?.toBase58() ?? "no one (it is sealed)"}, not by ${authority.publicKey.toBase58()}`,
      );
    }
    if (state.bytes.length !== elf.length) {
      throw new LoaderDeployError(
        `buffer ${buffer.toBase58()} holds ${state.bytes.length} bytes, the program ${elf.length}: write a new buffer`,
      );
    }
  }

  const have = Buffer.from(existing).subarray(BUFFER_HEADER_LEN);
  const chunks = Math.ceil(elf.length / WRITE_CHUNK_BYTES);
  const missing: number[] = [];
  for (let i = 0; i < chunks; i++) {
    const offset = i * WRITE_CHUNK_BYTES;
    const chunk = elf.subarray(offset, offset + WRITE_CHUNK_BYTES);
    if (!have.subarray(offset, offset + chunk.length).equals(chunk)) missing.push(i);
  }
  let done = chunks - missing.length;
  options.onProgress?.(done, chunks);
  const attempts = options.attempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const writeChunk = async (i: number): Promise<void> => {
    const offset = i * WRITE_CHUNK_BYTES;
    const chunk = elf.subarray(offset, offset + WRITE_CHUNK_BYTES);
    const what = `write bytes ${offset}..${offset + chunk.length} into buffer ${buffer.toBase58()}`;
    // A Write is idempotent: whatever failed (an expired blockhash, a dropped transaction, the
    // network) is sent again, after a growing pause.
    let tries = 0;
    await retry(
      () => {
        tries += 1;
        return send(what, [writeBuffer(buffer, authority.publicKey, offset, chunk)], [authority]);
      },
      { attempts, firstDelayMs: retryBaseMs, onRetry: ({ error, delayMs }) => options.onRetry?.(what, error, delayMs) },
    ).catch((err: Error) => {
      throw new LoaderDeployError(
        `${what} failed ${tries} time${tries === 1 ? "" : "s"} (${err.message.split("\n")[0]}): run again with this buffer to resume`,
      );
    });
    options.onProgress?.(++done, chunks);
  };
  // A few writes in flight at once: the bytes land in any order, each at its own offset.
  for (let at = 0; at < missing.length; at += WRITES_IN_FLIGHT) {
    await Promise.all(missing.slice(at, at + WRITES_IN_FLIGHT).map(writeChunk));
  }
  const written = missing.length;

  const check = (await connection.getAccountInfo(buffer, "confirmed"))?.data;
  const state = check === undefined ? null : decodeBuffer(check);
  if (state === null || !state.bytes.equals(Buffer.from(elf))) {
    throw new LoaderDeployError(
      `buffer ${buffer.toBase58()} does not hold the program's bytes after writing: run again to resume`,
    );
  }
  return { buffer, chunks, written };
}

export interface DeployFromBufferOptions {
  connection: Connection;
  send: SendTransaction;
  /** Pays and signs: the new program's upgrade authority, or the current one for an upgrade. */
  authority: Keypair;
  buffer: PublicKey;
  /** A new program (its keypair creates the account) or an existing program's id (an upgrade). */
  program: Keypair | PublicKey;
  /** The ProgramData's room for future upgrades (new programs only; default twice the buffer). */
  maxDataLen?: number;
}

export interface DeployResult {
  programId: PublicKey;
  programData: PublicKey;
  upgraded: boolean;
  signature: string;
}

/**
 * Refuses an upgrade the loader would refuse, before any buffer is paid for: `authority` must
 * hold the program's upgrade authority, and ProgramData must have room for `length` bytes.
 */
export async function checkUpgrade(
  connection: Connection,
  programId: PublicKey,
  authority: PublicKey,
  length: number,
): Promise<void> {
  const account = await connection.getAccountInfo(programDataAddress(programId), "confirmed");
  if (account === null)
    throw new LoaderDeployError(`${programId.toBase58()} has no ProgramData: not an upgradeable program`);
  const { upgradeAuthority } = decodeProgramData(account.data);
  if (upgradeAuthority === null)
    throw new LoaderDeployError(`${programId.toBase58()} is immutable: it cannot be upgraded`);
  if (!upgradeAuthority.equals(authority)) {
    throw new LoaderDeployError(
      `${authority.toBase58()} is not the upgrade authority of ${programId.toBase58()} (${upgradeAuthority.toBase58()} is)`,
    );
  }
  const room = account.data.length - PROGRAM_DATA_HEADER_LEN;
  if (room < length) {
    throw new LoaderDeployError(
      `the ProgramData of ${programId.toBase58()} has room for ${room} bytes, the new build has ${length}: ` +
        "extend it first (solana program extend)",
    );
  }
}

export async function deployFromBuffer(options: DeployFromBufferOptions): Promise<DeployResult> {
  const { connection, send, authority, buffer } = options;
  const programId = isKeypair(options.program) ? options.program.publicKey : options.program;
  const programData = programDataAddress(programId);
  const bufferAccount = await connection.getAccountInfo(buffer, "confirmed");
  const state = bufferAccount === null ? null : decodeBuffer(bufferAccount.data);
  if (state === null) throw new LoaderDeployError(`no upgradeable-loader buffer at ${buffer.toBase58()}`);

  const existing = await connection.getAccountInfo(programId, "confirmed");
  if (existing !== null) {
    await checkUpgrade(connection, programId, authority.publicKey, state.bytes.length);
    const signature = await send(
      `upgrade ${programId.toBase58()} from buffer ${buffer.toBase58()}`,
      [
        upgrade({
          programData,
          program: programId,
          buffer,
          spill: authority.publicKey,
          authority: authority.publicKey,
        }),
      ],
      [authority],
    );
    return { programId, programData, upgraded: true, signature };
  }
  if (!isKeypair(options.program)) {
    throw new LoaderDeployError(`no program at ${programId.toBase58()}: a new program needs its keypair`);
  }
  const maxDataLen = options.maxDataLen ?? 2 * state.bytes.length;
  if (maxDataLen < state.bytes.length) {
    throw new LoaderDeployError(`the maximum length ${maxDataLen} is below the program's ${state.bytes.length} bytes`);
  }
  const signature = await send(
    `deploy ${programId.toBase58()} from buffer ${buffer.toBase58()}`,
    [
      SystemProgram.createAccount({
        fromPubkey: authority.publicKey,
        newAccountPubkey: programId,
        lamports: await connection.getMinimumBalanceForRentExemption(PROGRAM_ACCOUNT_LEN),
        space: PROGRAM_ACCOUNT_LEN,
        programId: BPF_LOADER_UPGRADEABLE_ID,
      }),
      deployWithMaxDataLen({
        payer: authority.publicKey,
        programData,
        program: programId,
        buffer,
        authority: authority.publicKey,
        maxDataLen,
      }),
    ],
    [authority, options.program],
  );
  return { programId, programData, upgraded: false, signature };
}

/** A SendTransaction over `connection` (no retries: wrap it for those). */
export function sendWith(connection: Connection): SendTransaction {
  return async (_what, instructions, signers) => {
    const tx = new Transaction().add(...instructions);
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash("confirmed");
    tx.recentBlockhash = blockhash;
    tx.feePayer = signers[0]!.publicKey;
    tx.sign(...signers);
    const signature = await connection.sendRawTransaction(tx.serialize(), { preflightCommitment: "confirmed" });
    const result = await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, "confirmed");
    if (result.value.err !== null)
      throw new Error(`transaction ${signature} failed: ${JSON.stringify(result.value.err)}`);
    return signature;
  };
}
