// Replays the registry's tamper-evident history from transaction logs, as an indexer would:
// every `Program data:` entry the registry program itself logged (CPI depth taken into
// account) is folded into `head = sha256(head || event bytes)`, from 32 zero bytes. Tests
// keep one replay per registry, feed it every successful transaction (no fetching of old
// transactions), and compare it with the head and change count stored on-chain.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { PublicKey } from "@solana/web3.js";
import { PROGRAM_ID, registryAddress, registryClient } from "./program.js";
import type { TestRuntime, TxResult } from "./types.js";

const INVOKE = /^Program (\S+) invoke \[\d+\]$/;
const EXIT = /^Program (\S+) (success|failed)/;
const DATA = "Program data: ";

/** `Program data:` entries logged while `programId` was the executing program (CPI-aware). */
export function programEvents(logs: readonly string[], programId: PublicKey = PROGRAM_ID): Buffer[] {
  const id = programId.toBase58();
  const stack: string[] = [];
  const events: Buffer[] = [];
  for (const line of logs) {
    const invoke = INVOKE.exec(line);
    if (invoke) {
      stack.push(invoke[1] as string);
      continue;
    }
    if (EXIT.test(line)) {
      stack.pop();
      continue;
    }
    if (line.startsWith(DATA) && stack[stack.length - 1] === id) {
      events.push(Buffer.from(line.slice(DATA.length), "base64"));
    }
  }
  return events;
}

/** The change index every event carries right after its 8-byte discriminator. */
export function changeIndexOf(event: Buffer): bigint {
  return event.readBigUInt64LE(8);
}

export class HistoryReplay {
  /** The replayed head; 32 zero bytes before the first event. */
  head: Buffer = Buffer.alloc(32);
  /** Every event folded so far, in order. */
  readonly events: Buffer[] = [];

  /** Folds the events of a successful transaction (failed ones changed nothing). */
  fold(result: TxResult): void {
    if (!result.ok) return;
    for (const event of programEvents(result.logs)) {
      const expected = BigInt(this.events.length + 1);
      assert.equal(changeIndexOf(event), expected, "events must arrive with consecutive change indices");
      this.head = createHash("sha256").update(this.head).update(event).digest();
      this.events.push(event);
    }
  }

  /** Asserts the registry's on-chain head and change count equal the replay. */
  async assertMatches(rt: TestRuntime): Promise<void> {
    const registry = await registryClient(rt).account.registry.fetch(registryAddress());
    assert.equal(registry.history.changeCount.toString(), String(this.events.length), "change count");
    assert.equal(Buffer.from(registry.history.head).toString("hex"), this.head.toString("hex"), "history head");
  }
}

/**
 * `rt` with every `sendRaw` folded into `replay` (RegistryFixture sends through it, so
 * everything a fixture does is replayed). Other members are `rt`'s own.
 */
export function recordingRuntime(rt: TestRuntime, replay: HistoryReplay): TestRuntime {
  return new Proxy(rt, {
    get(target, property, receiver) {
      if (property === "sendRaw") {
        return async (...args: Parameters<TestRuntime["sendRaw"]>): Promise<TxResult> => {
          const result = await target.sendRaw(...args);
          replay.fold(result);
          return result;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
