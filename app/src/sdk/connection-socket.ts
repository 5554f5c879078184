// The PubSub WebSocket that a web3.js `Connection` keeps (and reconnects) for subscriptions and
// confirmations. web3.js 1.98 has no public way to close it, watch it or ask whether it is open,
// so this is the one file that reaches into the Connection's private fields: should web3.js
// change them, only this file changes.
import type { Connection } from "@solana/web3.js";

/** What web3.js 1.98 keeps behind a Connection's subscriptions (private fields). */
interface SocketInternals {
  _rpcWebSocket: {
    socket?: { readyState?: number; close(code: number): void; terminate?(): void };
    on(event: "open" | "close", listener: () => void): void;
    close(code?: number): void;
    setAutoReconnect(on: boolean): void;
  };
  _rpcWebSocketConnected: boolean;
  _rpcWebSocketIdleTimeout: ReturnType<typeof setTimeout> | null;
  _rpcWsEndpoint?: string;
  _subscriptionsByHash: object;
  _subscriptionCallbacksByServerSubscriptionId: object;
  _subscriptionHashByClientSubscriptionId: object;
  _subscriptionStateChangeCallbacksByHash: object;
  _subscriptionDisposeFunctionsByClientSubscriptionId: object;
}

function internals(connection: Connection): SocketInternals {
  return connection as unknown as SocketInternals;
}

/**
 * Closes the connection's WebSocket for good (a normal close, no reconnection). A socket that
 * its server drops makes web3.js reconnect every second forever, logging errors and keeping the
 * process alive; close it before stopping the server (or the process).
 */
export function closeConnectionSocket(connection: Connection): void {
  const socket = internals(connection);
  if (socket._rpcWebSocketIdleTimeout !== null) clearTimeout(socket._rpcWebSocketIdleTimeout);
  socket._rpcWebSocketIdleTimeout = null;
  socket._rpcWebSocket.setAutoReconnect(false);
  socket._rpcWebSocket.close(1000);
}

/**
 * Forgets every subscription without unsubscribing (closing the socket ends them on the server's
 * side): an unsubscribe that fails on a dying socket is retried by web3.js in a microtask loop
 * that never lets the close event through, and the process runs out of memory.
 */
export function forgetSubscriptions(connection: Connection): void {
  const socket = internals(connection);
  socket._subscriptionsByHash = {};
  socket._subscriptionCallbacksByServerSubscriptionId = {};
  socket._subscriptionHashByClientSubscriptionId = {};
  socket._subscriptionStateChangeCallbacksByHash = {};
  socket._subscriptionDisposeFunctionsByClientSubscriptionId = {};
}

/** Calls `listener` each time the socket opens (again, after web3.js reconnected) or closes. */
export function onSocket(connection: Connection, event: "open" | "close", listener: () => void): void {
  internals(connection)._rpcWebSocket.on(event, listener);
}

/** The socket is open (not connecting, closing or closed). */
export function socketOpen(connection: Connection): boolean {
  const socket = internals(connection);
  return socket._rpcWebSocketConnected && socket._rpcWebSocket.socket?.readyState === 1;
}

/** The WebSocket URL the connection subscribes at (derived from the RPC URL unless given). */
export function socketUrl(connection: Connection): string | undefined {
  return internals(connection)._rpcWsEndpoint;
}

/** Drops the socket abnormally, as a network failure would (web3.js reconnects after a second). */
export function dropConnectionSocket(connection: Connection): void {
  internals(connection)._rpcWebSocket.socket?.close(4000);
}

/**
 * Destroys the socket at once, without the closing handshake a silent peer would never answer
 * (web3.js then reconnects after a second and subscribes afresh).
 */
export function cutConnectionSocket(connection: Connection): void {
  internals(connection)._rpcWebSocket.socket?.terminate?.();
}
