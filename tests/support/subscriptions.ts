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

/**
 * Closes the connection's WebSocket for good (normal close, no reconnection). Do it before
 * stopping the server: a socket the server drops makes web3.js reconnect every second
 * forever, logging errors and keeping mocha alive. web3.js offers no public close.
 */
export function closeWebSocket(connection: Connection): void {
  const internals = connection as unknown as {
    _rpcWebSocket: { close(code?: number): void; setAutoReconnect(reconnect: boolean): void };
    _rpcWebSocketIdleTimeout: ReturnType<typeof setTimeout> | null;
  };
  if (internals._rpcWebSocketIdleTimeout !== null) clearTimeout(internals._rpcWebSocketIdleTimeout);
  internals._rpcWebSocketIdleTimeout = null;
  internals._rpcWebSocket.setAutoReconnect(false);
  internals._rpcWebSocket.close(1000);
}
