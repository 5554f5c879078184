// Small helpers shared by the lifecycle tests (admission, proposals, council CPI): decoded
// events (read from inner instructions, which litesvm reports), fixed-size strings, compute-unit
// reports and raw instructions for attacks that Anchor's client would not build (missing
// signatures, substituted accounts).
import assert from "node:assert/strict";
import type { IdlEvents } from "@coral-xyz/anchor";
import { type Keypair, type PublicKey, Transaction, type TransactionInstruction } from "@solana/web3.js";
import type { LumeRegistry } from "../../app/src/sdk/idl.js";
import { programEvents } from "../../harness/history.js";
import type { RegistryFixture } from "../../harness/registry-fixture.js";
import type { TestRuntime, TxResult } from "../../harness/types.js";

/** Seconds in a day (deadlines, review periods and warps are written in days). */
export const DAY = 86_400;

type Events = IdlEvents<LumeRegistry>;
/** An event's name as Anchor names it (camelCase). */
export type EventName = keyof Events;
/** Any registry event as Anchor's coder decodes it. */
export type AnyEvent = Events[EventName];

/** A `FixedStr<N>` (`{ len, bytes }`) as text (the SDK's decoding). */
export { fixedText as text } from "../../app/src/sdk/fixed-text.js";

/**
 * The registry's events in `result`, decoded by Anchor's coder: read from the transaction's inner
 * instructions (the program's self-CPI events), so they are complete whoever invoked the registry
 * and however long the logs were.
 */
export function registryEvents(f: RegistryFixture, result: TxResult): { name: string; data: AnyEvent }[] {
  return programEvents(result).map((bytes) => {
    const event = f.program.coder.events.decode(bytes.toString("base64"));
    assert.ok(event, "an event the IDL does not describe");
    return { name: event.name, data: event.data };
  });
}

/** The single event `result` emitted, which must be `name` (camelCase, as Anchor names it). */
export function onlyEvent<N extends EventName>(f: RegistryFixture, result: TxResult, name: N): Events[N] {
  const events = registryEvents(f, result);
  assert.deepEqual(
    events.map((e) => e.name),
    [name],
    `expected exactly one ${name} event`,
  );
  return events[0]!.data as Events[N];
}

/** Asserts an event's change header: its index is the registry's change count after it. */
export async function assertChangeHeader(f: RegistryFixture, event: Pick<AnyEvent, "change">): Promise<void> {
  const registry = await f.registry();
  const clock = await f.rt.getClock();
  assert.equal(event.change.changeIndex.toString(), registry.history.changeCount.toString());
  assert.equal(event.change.unixTimestamp.toString(), clock.unixTimestamp.toString());
  assert.equal(event.change.slot.toString(), clock.slot.toString());
}

/** Reports the compute units of a successful instruction (figures for the README table). */
export function reportCu(rt: TestRuntime, label: string, result: TxResult): void {
  assert.ok(result.ok, `${label} failed`);
  assert.ok(result.computeUnits > 0);
  logCu({ rt }, label, result);
}

/**
 * Prints a result's compute units under the test (the numbers bench/program-cu.ts budgets) and,
 * given `budget`, asserts they stay under it.
 */
export function logCu(h: { rt: TestRuntime }, label: string, result: TxResult, budget?: number): void {
  console.log(`      ${label}: ${result.computeUnits} CU [${h.rt.name}]`);
  if (budget !== undefined) {
    assert.ok((result.computeUnits ?? 0) < budget, `${label} stays under ${budget.toLocaleString("en-US")} CU`);
  }
}

/** The name of an Anchor enum value: `{ active: {} }` -> "active". */
export const variant = (value: object): string => Object.keys(value)[0]!;

/** Sends raw instructions (built by Anchor's `.instruction()` and then tampered with). */
export function sendInstructions(
  rt: TestRuntime,
  instructions: TransactionInstruction[],
  signers: Keypair[],
): Promise<TxResult> {
  return rt.sendRaw(new Transaction().add(...instructions), signers);
}

/** The same instruction with `key` no longer marked as a signer. */
export function unsigned(ix: TransactionInstruction, key: PublicKey): TransactionInstruction {
  ix.keys = ix.keys.map((meta) => (meta.pubkey.equals(key) ? { ...meta, isSigner: false } : meta));
  return ix;
}

/** The same instruction with account `index` replaced by `key` (flags kept). */
export function substituted(ix: TransactionInstruction, index: number, key: PublicKey): TransactionInstruction {
  const meta = ix.keys[index];
  assert.ok(meta, `no account at ${index}`);
  ix.keys[index] = { ...meta, pubkey: key };
  return ix;
}

/** Current unix time of the runtime's Clock. */
export async function unixNow(rt: TestRuntime): Promise<bigint> {
  return (await rt.getClock()).unixTimestamp;
}
