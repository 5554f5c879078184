// A TCP pass-through to a loopback port that a test can make misbehave. `down()` drops every open
// connection and refuses new ones (as a node that died), `up()` lets them through again. Used in
// front of a surfnet's PubSub port, so a real websocket really closes. Once a connection has
// upgraded to a websocket, the server's frames can also be `repeated` (each text frame twice),
// `reordered` (each pair of text frames swapped) or `silenced` (dropped, the connection kept open:
// a stream that goes quiet), the ways a real PubSub feed was seen to misbehave.

import type { AddressInfo } from "node:net";
import { createConnection, createServer, type Server, type Socket } from "node:net";

/** What happens to the server's websocket frames on their way to the client. */
export type FrameMode = "forward" | "repeat" | "reorder" | "silence";

export class TcpProxy {
  private isUp = true;
  private readonly open = new Set<Socket>();
  private readonly taps = new Set<FrameTap>();
  /** Applied to every open and future connection's server-to-client frames. */
  frameMode: FrameMode = "forward";

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetUrl: string): Promise<TcpProxy> {
    const target = new URL(targetUrl);
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, target.hostname, Number(target.port)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    proxy = new TcpProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  /** The target URL with the proxy's port instead. */
  url(targetUrl: string): string {
    const url = new URL(targetUrl);
    url.port = String(this.port);
    return url.toString().replace(/\/$/, "");
  }

  private accept(client: Socket, host: string, port: number): void {
    if (!this.isUp) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host, port });
    for (const socket of [client, upstream]) {
      this.open.add(socket);
      socket.on("close", () => this.open.delete(socket));
      socket.on("error", () => undefined);
    }
    const tap = new FrameTap(client, () => this.frameMode);
    this.taps.add(tap);
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => tap.write(chunk));
    client.on("close", () => {
      this.taps.delete(tap);
      upstream.destroy();
    });
    upstream.on("close", () => client.destroy());
  }

  /** Back to plain forwarding; a frame held back for reordering is sent now. */
  forward(): void {
    this.frameMode = "forward";
    for (const tap of this.taps) tap.flush();
  }

  down(): void {
    this.isUp = false;
    for (const socket of this.open) socket.destroy();
  }

  up(): void {
    this.isUp = true;
  }

  async stop(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const TEXT_FRAME = 0x1;

/**
 * The server-to-client half of one connection: the HTTP upgrade answer passes as it is, then the
 * byte stream is cut into websocket frames (RFC 6455 §5.2; a server's frames are unmasked), each
 * passed on according to the proxy's current mode.
 */
class FrameTap {
  private pending = Buffer.alloc(0);
  private upgraded = false;
  private held: Buffer | undefined;

  constructor(
    private readonly client: Socket,
    private readonly mode: () => FrameMode,
  ) {}

  write(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (!this.upgraded) {
      const end = this.pending.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.send(this.pending.subarray(0, end + 4));
      this.pending = this.pending.subarray(end + 4);
      this.upgraded = true;
    }
    for (let frame = this.nextFrame(); frame !== undefined; frame = this.nextFrame()) this.pass(frame);
  }

  flush(): void {
    if (this.held === undefined) return;
    this.send(this.held);
    this.held = undefined;
  }

  private nextFrame(): Buffer | undefined {
    const bytes = this.pending;
    if (bytes.length < 2) return undefined;
    const short = bytes[1]! & 0x7f;
    const lengthBytes = short === 126 ? 2 : short === 127 ? 8 : 0;
    const maskBytes = bytes[1]! & 0x80 ? 4 : 0;
    const headerLength = 2 + lengthBytes + maskBytes;
    if (bytes.length < headerLength) return undefined;
    const payload = short === 126 ? bytes.readUInt16BE(2) : short === 127 ? Number(bytes.readBigUInt64BE(2)) : short;
    if (bytes.length < headerLength + payload) return undefined;
    this.pending = bytes.subarray(headerLength + payload);
    return bytes.subarray(0, headerLength + payload);
  }

  private pass(frame: Buffer): void {
    const mode = this.mode();
    const isText = (frame[0]! & 0x0f) === TEXT_FRAME;
    if (mode === "silence") return;
    if (!isText || mode === "forward") {
      this.flush();
      this.send(frame);
    } else if (mode === "repeat") {
      this.send(frame);
      this.send(frame);
    } else if (this.held === undefined) {
      this.held = Buffer.from(frame);
    } else {
      this.send(frame);
      this.flush();
    }
  }

  private send(bytes: Buffer): void {
    if (!this.client.destroyed) this.client.write(bytes);
  }
}
