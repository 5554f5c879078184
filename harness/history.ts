// Replays the registry's tamper-evident history from transactions, as an indexer would: every
// event the registry emitted (its self-CPI event instructions, read from the transaction's inner
// instructions, never from logs, which validators truncate) is folded into
// `head = sha256(head || event bytes)`, from 32 zero bytes. Tests keep one replay per registry,
// feed it every successful transaction (no fetching of old transactions), and compare it with the
// head and change count stored on-chain.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { registryEventsOf } from "../app/src/sdk/events.js";
import { PROGRAM_ID, registryAddress, registryClient } from "./program.js";
import type { RuntimeKind, TestRuntime, TxResult } from "./types.js";

/** Whether a runtime reports inner instructions, where events travel (solana-bankrun 0.4.0 does not). */
export function reportsEvents(runtime: RuntimeKind): boolean {
  return runtime !== "bankrun";
}

/** The registry's events (discriminator + body) in a transaction, in order; none when it failed. */
export function programEvents(result: TxResult): Buffer[] {
  if (!result.ok) return [];
  if (result.innerInstructions === null)
    throw new Error("this runtime reports no inner instructions, so no events: run the test on litesvm");
  return registryEventsOf(result.innerInstructions, PROGRAM_ID);
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
    for (const event of programEvents(result)) {
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
