// A local server speaking Helius' Enhanced WebSocket protocol (JSON-RPC over WebSocket:
// transactionSubscribe → subscription id; transactionNotification { signature, slot,
// transaction: { transaction: [base64, "base64"], meta } }), fed by a surfnet's own logs.
import type { AddressInfo } from "node:net";
import { Connection, type PublicKey } from "@solana/web3.js";
import { type WebSocket, WebSocketServer } from "ws";
import { closeConnectionSocket } from "../../app/src/sdk/connection-socket.js";

interface Subscriber {
  socket: WebSocket;
  id: number;
  accountInclude: string[];
}

export class HeliusMock {
  readonly subscribers: Subscriber[] = [];
  /** Requests received, by method (tests check what the client asked for). */
  readonly requests: { method: string; params: unknown }[] = [];
  /** While true, notifications are swallowed (a stream that went silent). */
  silent = false;
  private nextId = 1;
  private logsId: number | undefined;

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly chain: Connection,
  ) {}

  static async start(rpcUrl: string, wsUrl: string, programId: PublicKey): Promise<HeliusMock> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    const mock = new HeliusMock(wss, new Connection(rpcUrl, { commitment: "confirmed", wsEndpoint: wsUrl }));
    wss.on("connection", (socket) => socket.on("message", (data) => mock.onMessage(socket, String(data))));
    mock.logsId = mock.chain.onLogs(programId, (logs) => void mock.forward(logs.signature), "confirmed");
    return mock;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/?api-key=test`;
  }

  private onMessage(socket: WebSocket, text: string): void {
    const msg = JSON.parse(text) as { id: number; method: string; params: unknown[] };
    this.requests.push({ method: msg.method, params: msg.params });
    if (msg.method === "transactionSubscribe") {
      const filter = msg.params[0] as { accountInclude?: string[] };
      const id = this.nextId++;
      this.subscribers.push({ socket, id, accountInclude: filter.accountInclude ?? [] });
      socket.send(JSON.stringify({ jsonrpc: "2.0", id: msg.id, result: id }));
    } else if (msg.method === "transactionUnsubscribe") {
      socket.send(JSON.stringify({ jsonrpc: "2.0", id: msg.id, result: true }));
    } else {
      socket.send(JSON.stringify({ jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: "Method not found" } }));
    }
  }

  /** Fetches the transaction in base64 (as Helius sends it) and notifies every subscriber it concerns. */
  private async forward(signature: string): Promise<void> {
    const { result } = (await (
      this.chain as unknown as { _rpcRequest(m: string, p: unknown[]): Promise<{ result: unknown }> }
    )._rpcRequest("getTransaction", [
      signature,
      { encoding: "base64", commitment: "confirmed", maxSupportedTransactionVersion: 0 },
    ])) as {
      result: { slot: number; blockTime: number | null; transaction: [string, "base64"]; meta: unknown } | null;
    };
    if (result === null || this.silent) return;
    for (const s of this.subscribers) {
      if (s.socket.readyState !== s.socket.OPEN) continue;
      const notification = {
        jsonrpc: "2.0",
        method: "transactionNotification",
        params: {
          subscription: s.id,
          result: {
            signature,
            slot: result.slot,
            transaction: { transaction: result.transaction, meta: result.meta, blockTime: result.blockTime },
          },
        },
      };
      s.socket.send(JSON.stringify(notification));
    }
  }

  /** Drops every client connection (as a provider's load balancer does). */
  dropConnections(): void {
    for (const client of this.wss.clients) client.terminate();
    this.subscribers.length = 0;
  }

  async stop(): Promise<void> {
    if (this.logsId !== undefined) await this.chain.removeOnLogsListener(this.logsId);
    await new Promise((r) => setTimeout(r, 50));
    closeConnectionSocket(this.chain);
    this.dropConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
