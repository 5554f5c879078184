// A JSON-RPC endpoint between the indexer and a surfnet that a test can make misbehave: forward
// (the default), refuse (every connection is reset, as an RPC node that went away), fail (HTTP
// 503) or hang (never answer). Real HTTP on a loopback port; the chain behind it is real.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RpcProxyMode = "forward" | "refuse" | "fail" | "hang";

export class RpcProxy {
  mode: RpcProxyMode;
  /** Requests that reached the proxy, by JSON-RPC method. */
  readonly calls = new Map<string, number>();
  /**
   * Slots subtracted from `getSlot` answers at confirmed or finalized commitment: a node whose
   * confirmed tip trails its processed tip, as every validator's does (by more, here, so that a
   * test does not race the chain).
   */
  confirmedSlotLag = 0;
  private readonly hung = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    mode: RpcProxyMode,
  ) {
    this.mode = mode;
  }

  static async start(targetUrl: string, mode: RpcProxyMode = "forward"): Promise<RpcProxy> {
    let proxy: RpcProxy | undefined;
    const server = createServer((req, res) => void proxy!.handle(targetUrl, req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    proxy = new RpcProxy(server, `http://127.0.0.1:${port}`, mode);
    return proxy;
  }

  private async handle(targetUrl: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    for (const method of methodsOf(body)) this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    if (this.mode === "refuse") {
      req.socket.destroy();
      return;
    }
    if (this.mode === "fail") {
      res.writeHead(503, { "content-type": "text/plain" }).end("unavailable (RpcProxy)");
      return;
    }
    if (this.mode === "hang") {
      this.hung.add(res);
      return;
    }
    try {
      const answer = await fetch(targetUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
      let payload: Buffer = Buffer.from(await answer.arrayBuffer());
      if (this.confirmedSlotLag > 0) payload = lagConfirmedSlot(body, payload, this.confirmedSlotLag);
      res.writeHead(answer.status, { "content-type": "application/json" }).end(payload);
    } catch {
      req.socket.destroy();
    }
  }

  /** Ends the requests held in "hang" mode (their connections reset, as a wedged node's finally would). */
  release(): void {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function methodsOf(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString()) as { method?: string } | { method?: string }[];
    return (Array.isArray(parsed) ? parsed : [parsed]).map((r) => String(r.method));
  } catch {
    return [];
  }
}

/** The answer to a single `getSlot` at confirmed/finalized commitment, `lag` slots lower; others as they are. */
function lagConfirmedSlot(request: Buffer, answer: Buffer, lag: number): Buffer {
  try {
    const call = JSON.parse(request.toString()) as { method?: string; params?: [{ commitment?: string }?] };
    const commitment = call.params?.[0]?.commitment ?? "finalized";
    if (call.method !== "getSlot" || commitment === "processed") return answer;
    const reply = JSON.parse(answer.toString()) as { result?: number };
    if (typeof reply.result !== "number") return answer;
    return Buffer.from(JSON.stringify({ ...reply, result: Math.max(0, reply.result - lag) }));
  } catch {
    return answer;
  }
}
