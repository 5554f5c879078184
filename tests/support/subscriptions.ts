// Awaiting PubSub events without sleeping: a subscription is only live once the server has
// answered its *Subscribe call, and an event sent before that is never delivered.
import type { Connection } from "@solana/web3.js";

type SubscriptionState = "pending" | "subscribing" | "subscribed" | "unsubscribing" | "unsubscribed";
interface SubscriptionInternals {
  _onSubscriptionStateChange(id: number, callback: (state: SubscriptionState) => void): () => void;
  _subscriptionHashByClientSubscriptionId: Record<number, string>;
  _subscriptionsByHash: Record<string, { state: SubscriptionState } | undefined>;
}

/**
 * Resolves when web3.js's subscription `id` is confirmed by the server. Uses the internal
 * state hook that web3.js's own confirmTransaction relies on (there is no public one).
 */
export function subscribed(connection: Connection, id: number, timeoutMs = 10_000): Promise<void> {
  const internals = connection as unknown as SubscriptionInternals;
  return new Promise((resolve, reject) => {
    const hash = internals._subscriptionHashByClientSubscriptionId[id];
    if (hash !== undefined && internals._subscriptionsByHash[hash]?.state === "subscribed") return resolve();
    const timer = setTimeout(() => {
      dispose();
      reject(new Error(`subscription ${id} not confirmed by the server within ${timeoutMs} ms`));
    }, timeoutMs);
    const dispose = internals._onSubscriptionStateChange(id, (state) => {
      if (state !== "subscribed") return;
      clearTimeout(timer);
      dispose();
      resolve();
    });
  });
}

/** A promise for the first value `register` hands its callback, with a timeout. */
export function nextEvent<T>(
  register: (callback: (value: T) => void) => void,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
