// A typed handle on one surfnet: surfpool's embedded Solana runtime (solana-core 4.1.2) serving
// JSON-RPC and PubSub on dynamic loopback ports, with its cheatcodes.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Connection, Keypair, type PublicKey } from "@solana/web3.js";
import { programDataAddress } from "../sdk/pda.js";
import { decodeProgramData, withUpgradeAuthority } from "../sdk/program-data.js";
import { LocalnetError } from "./errors.js";
import { loadSurfnetClass, type NativeEpochInfo, type NativeSimnetEvent, type NativeSurfnet } from "./native.js";

export interface SurfnetOptions {
  /**
   * Block production: "clock" (default: a slot every ~75 ms, a validator takes ~400 ms), "transaction"
   * (a block per transaction) or "manual".
   */
  blockProductionMode?: "clock" | "transaction" | "manual";
  /** The pre-funded payer (default: a fresh keypair with 10 SOL). */
  payer?: Keypair;
}

export interface DeployOptions {
  programId: PublicKey;
  soPath: string;
  /** Written into ProgramData after the deploy; null makes the program immutable. */
  upgradeAuthority: PublicKey | null;
}

export interface SetAccountOptions {
  address: PublicKey;
  lamports: number | bigint;
  data: Uint8Array;
  owner: PublicKey;
}

/** Where to move the clock: an absolute Unix time in seconds (as Clock has it), slot or epoch. */
export type TimeTravelTarget = { unixTimestamp: number } | { slot: number } | { epoch: number };

export type EpochInfo = NativeEpochInfo;
export type SimnetEvent = NativeSimnetEvent;

/** f64 is what crosses into the native side; anything above 2^53 would silently round. */
function u64(value: number | bigint, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${what} must be a non-negative integer below 2^53, got ${value}`);
  return n;
}

function sameAuthority(a: PublicKey | null, b: PublicKey | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/**
 * How often the runtime's event buffer is emptied. surfpool buffers a few events per slot in a
 * bounded channel; once it is full the runtime blocks on it and stops answering JSON-RPC
 * (about 75 s after start with nobody reading). 250 ms keeps it near empty.
 */
const EVENT_DRAIN_INTERVAL_MS = 250;
/** How many drained events are kept for `drainEvents()`; older ones are dropped. */
const KEPT_EVENTS = 1_000;

export class Surfnet {
  private stopped = false;
  private connectionCache: Connection | undefined;
  private kept: SimnetEvent[] = [];
  private readonly drainTimer: NodeJS.Timeout;

  private constructor(private readonly native: NativeSurfnet) {
    // Unref'd: draining must never keep a process alive that has nothing else to do.
    this.drainTimer = setInterval(() => this.pullEvents(), EVENT_DRAIN_INTERVAL_MS).unref();
  }

  /** Moves the runtime's buffered events into the bounded JS-side buffer. */
  private pullEvents(): void {
    if (this.stopped) return;
    const events = this.native.drainEvents();
    if (events.length === 0) return;
    this.kept.push(...events);
    if (this.kept.length > KEPT_EVENTS) this.kept = this.kept.slice(-KEPT_EVENTS);
  }

  /** Starts an offline surfnet (about 50 ms); stop it with `stop()`. */
  static start(options: SurfnetOptions = {}): Surfnet {
    const NativeSurfnet = loadSurfnetClass();
    const native = NativeSurfnet.startWithConfig({
      offline: true, // never fetch accounts from a remote cluster
      ...(options.blockProductionMode === undefined ? {} : { blockProductionMode: options.blockProductionMode }),
      ...(options.payer === undefined ? {} : { payerSecretKey: Array.from(options.payer.secretKey) }),
    });
    return new Surfnet(native);
  }

  /** e.g. http://127.0.0.1:41234 */
  get rpcUrl(): string {
    return this.native.rpcUrl;
  }

  /** e.g. ws://127.0.0.1:41235 */
  get wsUrl(): string {
    return this.native.wsUrl;
  }

  /** The pre-funded payer (10 SOL at start). */
  get payer(): Keypair {
    return Keypair.fromSecretKey(Uint8Array.from(this.native.payerSecretKey));
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** A `confirmed` Connection on this surfnet's own ports. */
  get connection(): Connection {
    this.connectionCache ??= new Connection(this.rpcUrl, { commitment: "confirmed", wsEndpoint: this.wsUrl });
    return this.connectionCache;
  }

  /**
   * Deploys `soPath` under the upgradeable loader at `programId`, then rewrites the ProgramData
   * account so `upgradeAuthority` holds it: surfpool's deploy names the system program as
   * authority, and the registry's initialize_registry checks the real one.
   */
  async deploy(options: DeployOptions): Promise<void> {
    const soPath = resolve(options.soPath);
    if (!existsSync(soPath)) {
      throw new LocalnetError(`program binary ${soPath} does not exist: run \`npm run build\` first`);
    }
    this.native.deploy({ programId: options.programId.toBase58(), soPath });

    const address = programDataAddress(options.programId);
    const account = await this.connection.getAccountInfo(address, "processed");
    if (account === null) throw new LocalnetError(`deploy left no ProgramData account at ${address.toBase58()}`);
    this.setAccount({
      address,
      lamports: account.lamports,
      data: withUpgradeAuthority(account.data, options.upgradeAuthority),
      owner: account.owner,
    });

    const written = await this.connection.getAccountInfo(address, "processed");
    const authority = written === null ? undefined : decodeProgramData(written.data).upgradeAuthority;
    if (authority === undefined || !sameAuthority(authority, options.upgradeAuthority)) {
      throw new LocalnetError(`could not set the upgrade authority of ${options.programId.toBase58()}`);
    }
  }

  /** Cheatcode: writes an account as is (no transaction, no owner checks). */
  setAccount(options: SetAccountOptions): void {
    this.native.setAccount(
      options.address.toBase58(),
      u64(options.lamports, "lamports"),
      Array.from(options.data),
      options.owner.toBase58(),
    );
  }

  /** Cheatcode: sets the SOL balance of `address` to `lamports` (creating a system account). */
  fundSol(address: PublicKey, lamports: number | bigint): void {
    this.native.fundSol(address.toBase58(), u64(lamports, "lamports"));
  }

  /** Cheatcode: moves the clock forward (only forward) to a time, slot or epoch. */
  timeTravel(target: TimeTravelTarget): EpochInfo {
    if ("unixTimestamp" in target)
      return this.native.timeTravelToTimestamp(u64(target.unixTimestamp * 1000, "unixTimestamp * 1000"));
    if ("slot" in target) return this.native.timeTravelToSlot(u64(target.slot, "slot"));
    return this.native.timeTravelToEpoch(u64(target.epoch, "epoch"));
  }

  /**
   * The runtime's events (logs, processed transactions, clock updates) since the last call, at
   * most the newest 1,000: the buffer is emptied in the background so the runtime never blocks.
   */
  drainEvents(): SimnetEvent[] {
    this.pullEvents();
    const events = this.kept;
    this.kept = [];
    return events;
  }

  /** Closes both servers and frees their ports; later calls do nothing. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.drainTimer);
    this.native.stop();
  }
}
