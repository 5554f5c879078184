// What every `lume` command shares: the global options resolved into a connection, a wallet
// and the typed registry client; output (tables or --json); confirmation prompts; sending with
// retries and registry errors in plain words.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import anchor from "@coral-xyz/anchor";
import { Connection, type Keypair, PublicKey } from "@solana/web3.js";
import { retry } from "../../entry/retry.js";
import { UserError } from "../../entry/user-error.js";
import { closeConnectionSocket } from "../../sdk/connection-socket.js";
import { registryErrorOf } from "../../sdk/errors.js";
import { LUME_REGISTRY_PROGRAM_ID } from "../../sdk/idl.js";
import { expandHome, readKeypairFile } from "../../sdk/keypair-file.js";
import { type RegistryAddresses, registryAddresses } from "../../sdk/pda.js";
import { type RegistryProgram, registryProgram } from "../../sdk/program.js";
import { RegistryProvider } from "../../sdk/provider.js";
import { explainRegistryError } from "./explain.js";
import { fetchWithTimeout } from "./rpc-timeout.js";

export const DEFAULT_URL = "http://127.0.0.1:8899";
export const DEFAULT_KEYPAIR = "~/.config/solana/id.json";
export const DEFAULT_CONFIG = "~/.config/lume/config.json";
export const DEFAULT_RPC_TIMEOUT_SECONDS = 30;

export interface GlobalOptions {
  url?: string;
  wsUrl?: string;
  keypair?: string;
  programId?: string;
  config?: string;
  json?: boolean;
  yes?: boolean;
  retries?: string;
  timeout?: string;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Answers a yes/no question (only asked without --yes). */
  confirm?(question: string): Promise<boolean>;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  async confirm(question) {
    if (!process.stdin.isTTY) {
      throw new UserError(`${question} — no terminal to ask on: pass --yes to confirm non-interactively`);
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  },
};

const ConfigFile = {
  parse(path: string): Partial<Record<"url" | "wsUrl" | "keypair" | "programId", string>> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(expandHome(path), "utf8"));
    } catch (err) {
      throw new UserError(`cannot read the config file ${path}: ${(err as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new UserError(`${path}: expected a JSON object`);
    const out: Record<string, string> = {};
    for (const key of ["url", "wsUrl", "keypair", "programId"]) {
      const value = (parsed as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (typeof value !== "string") throw new UserError(`${path}: "${key}" must be a string`);
      out[key] = value;
    }
    return out;
  },
};

/** Errors worth retrying: the request never got an answer (or the node said "try later"). */
export function isNetworkError(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ""} ${String((err as { cause?: unknown })?.cause ?? "")} ${(err as { code?: unknown })?.code ?? ""}`;
  return /fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|socket hang up|timed out|network|429 Too Many|502 Bad Gateway|503 Service|504 Gateway/i.test(
    text,
  );
}

export class CliContext {
  readonly json: boolean;
  readonly yes: boolean;
  readonly url: string;
  readonly programId: PublicKey;
  readonly addresses: RegistryAddresses;
  readonly retries: number;
  /** Milliseconds each JSON-RPC request may take before it counts as a network failure. */
  readonly rpcTimeoutMs: number;
  private walletValue: Keypair | undefined;
  private programValue: RegistryProgram | undefined;
  private connectionValue: Connection | undefined;
  private readonly keypairPath: string;
  private readonly wsUrl: string | undefined;

  constructor(
    options: GlobalOptions,
    readonly io: Io,
    /** Milliseconds before the first retry (doubles each time, less up to half as jitter). */
    readonly retryBaseMs = 500,
  ) {
    const configPath =
      options.config ??
      process.env.LUME_CONFIG ??
      (existsSync(expandHome(DEFAULT_CONFIG)) ? DEFAULT_CONFIG : undefined);
    const file = configPath === undefined ? {} : ConfigFile.parse(configPath);
    this.json = options.json === true;
    this.yes = options.yes === true;
    this.url = options.url ?? file.url ?? DEFAULT_URL;
    this.wsUrl = options.wsUrl ?? file.wsUrl;
    this.keypairPath = options.keypair ?? file.keypair ?? DEFAULT_KEYPAIR;
    const programId = options.programId ?? file.programId;
    try {
      this.programId = programId === undefined ? LUME_REGISTRY_PROGRAM_ID : new PublicKey(programId);
    } catch {
      throw new UserError(`--program-id: "${programId}" is not a base58 address`);
    }
    const retries = Number(options.retries ?? 3);
    if (!Number.isInteger(retries) || retries < 0 || retries > 10)
      throw new UserError("--retries must be a whole number from 0 to 10");
    this.retries = retries;
    const timeoutSeconds = Number(options.timeout ?? DEFAULT_RPC_TIMEOUT_SECONDS);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 600)
      throw new UserError(`--timeout must be a number of seconds from 0 to 600, got "${options.timeout}"`);
    this.rpcTimeoutMs = timeoutSeconds * 1000;
    this.addresses = registryAddresses(this.programId);
  }

  get connection(): Connection {
    this.connectionValue ??= new Connection(this.url, {
      commitment: "confirmed",
      fetch: fetchWithTimeout(this.rpcTimeoutMs),
      ...(this.wsUrl === undefined ? {} : { wsEndpoint: this.wsUrl }),
    });
    return this.connectionValue;
  }

  /** The --keypair wallet (read on first use: read-only commands never need it). */
  get wallet(): Keypair {
    if (this.walletValue === undefined) {
      try {
        this.walletValue = readKeypairFile(this.keypairPath);
      } catch (err) {
        throw new UserError(`${(err as Error).message} (pass the signer's Solana CLI keypair file with --keypair)`);
      }
    }
    return this.walletValue;
  }

  /** The registry client; its provider signs with the wallet only when a command sends. */
  get program(): RegistryProgram {
    if (this.programValue === undefined) {
      const ctx = this;
      const wallet = {
        // Anchor reads the wallet's key when it builds the client: read-only commands work without one.
        get publicKey() {
          try {
            return ctx.wallet.publicKey;
          } catch {
            return PublicKey.default;
          }
        },
        get payer() {
          return ctx.wallet;
        },
        signTransaction: <T>(tx: T) => new anchor.Wallet(ctx.wallet).signTransaction(tx as never) as Promise<T>,
        signAllTransactions: <T>(txs: T[]) =>
          new anchor.Wallet(ctx.wallet).signAllTransactions(txs as never) as Promise<T[]>,
      };
      const provider = new RegistryProvider(this.connection, wallet as unknown as anchor.Wallet, {
        commitment: "confirmed",
        preflightCommitment: "confirmed",
      });
      this.programValue = registryProgram(provider, this.programId);
    }
    return this.programValue;
  }

  /** POSTs a JSON-RPC `body` to --url with the request timeout (calls web3.js has no method for). */
  fetchRpc(body: string): Promise<Response> {
    return fetchWithTimeout(this.rpcTimeoutMs)(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
  }

  /** Closes the PubSub socket web3.js keeps (and reconnects) for confirmations. */
  close(): void {
    if (this.connectionValue !== undefined) closeConnectionSocket(this.connectionValue);
  }

  /** Runs `fn`, retrying network failures with a doubling pause (with jitter). */
  async withRetry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let attempts = 0;
    try {
      return await retry(
        () => {
          attempts += 1;
          return fn();
        },
        {
          attempts: this.retries + 1,
          firstDelayMs: this.retryBaseMs,
          retryable: isNetworkError,
          onRetry: ({ error, delayMs }) => {
            if (!this.json) this.io.err(`${what}: network error (${error.message}); retrying in ${delayMs} ms`);
          },
        },
      );
    } catch (err) {
      if (!isNetworkError(err)) throw err;
      throw new UserError(
        `${what}: cannot reach ${this.url} (${attempts} attempt${attempts === 1 ? "" : "s"}: ${(err as Error).message}). ` +
          "Is the chain running (`npx lume localnet`), and is --url right?",
      );
    }
  }

  /** A read through the RPC, with retries. */
  read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.withRetry(what, fn);
  }

  /** Asks before sending `what` as the wallet (unless --yes or --json); throws when declined. */
  async confirmSending(what: string): Promise<void> {
    if (!this.yes && this.io.confirm !== undefined && !this.json) {
      if (!(await this.io.confirm(`${what} as ${this.wallet.publicKey.toBase58()} on ${this.url}?`)))
        throw new UserError("cancelled: nothing was sent");
    }
  }

  /**
   * Sends a registry transaction and waits for its confirmation. Registry errors become a
   * UserError naming the error and what to do; network failures are retried.
   */
  async send(what: string, fn: () => Promise<string>): Promise<string> {
    await this.confirmSending(what);
    try {
      return await this.withRetry(what, fn);
    } catch (err) {
      if (err instanceof UserError) throw err;
      const registryError = registryErrorOf(err, this.programId);
      if (registryError !== undefined) throw new UserError(`${what} failed: ${explainRegistryError(registryError)}`);
      const message = (err as Error)?.message ?? String(err);
      if (
        /insufficient (funds|lamports)|Attempt to debit an account but found no record of a prior credit/i.test(message)
      ) {
        throw new UserError(
          `${what} failed: the wallet ${this.wallet.publicKey.toBase58()} has no SOL to pay the fee and rent; fund it first ` +
            `(on the local chain: \`lume localnet fund ${this.wallet.publicKey.toBase58()}\`; elsewhere send it SOL)`,
        );
      }
      throw new UserError(`${what} failed: ${message.split("\n")[0]}`);
    }
  }

  /** Prints `data` as JSON with --json, else the text lines. */
  print(data: unknown, text: () => string): void {
    this.io.out(this.json ? JSON.stringify(data, jsonReplacer, 2) : text());
  }
}

/** JSON-friendly: PublicKeys as base58, BNs and bigints as decimal strings, byte arrays as hex. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof PublicKey) return value.toBase58();
  if (typeof value === "bigint") return value.toString();
  if (anchor.BN.isBN(value)) return (value as { toString(): string }).toString();
  return value;
}

/** SHA-256 of a file's bytes, for evidence. */
export function hashFile(path: string): Buffer {
  try {
    return createHash("sha256")
      .update(readFileSync(expandHome(path)))
      .digest();
  } catch (err) {
    throw new UserError(`cannot read the evidence file ${path}: ${(err as Error).message}`);
  }
}
