// The HTTP side of the Helius webhook source: one POST path, the shared secret Helius echoes in
// the Authorization header (the webhook's authHeader), a body cap, JSON. Knows nothing about
// transactions: it hands the decoded body to `deliver` and answers 200 only once that resolved,
// because Helius retries any other answer.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { UserError } from "../../../app/src/entry/user-error.js";
import { PayloadError } from "./helius-webhook-payload.js";

export interface WebhookReceiverOptions {
  host?: string;
  port: number;
  /** Default /helius-webhook. */
  path?: string;
  /** The exact Authorization header value Helius sends. */
  secret: string;
  /** Bodies above this many bytes get 413 (default 4 MiB). */
  maxBodyBytes?: number;
  /** Handles a decoded body; a PayloadError becomes 400, anything else 500 (Helius retries). */
  deliver(body: unknown): Promise<void>;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Requests refused, by reason (what an operator checks when deliveries stop arriving). */
export interface WebhookRejections {
  unauthorized: number;
  badRequest: number;
  tooLarge: number;
  failed: number;
}

export const DEFAULT_WEBHOOK_PATH = "/helius-webhook";
const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

/** SHA-256 first: timingSafeEqual needs equal lengths, and comparing digests hides the secret's length too. */
const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

class TooLarge extends Error {}

export class WebhookReceiver {
  readonly rejections: WebhookRejections = { unauthorized: 0, badRequest: 0, tooLarge: 0, failed: 0 };
  /** Batches accepted (answered 200). */
  accepted = 0;
  private readonly path: string;
  private readonly secretDigest: Buffer;
  private readonly maxBody: number;

  private constructor(
    private readonly server: Server,
    private readonly options: WebhookReceiverOptions,
  ) {
    this.path = options.path ?? DEFAULT_WEBHOOK_PATH;
    this.secretDigest = digest(options.secret);
    this.maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    server.on("request", (req, res) =>
      this.handle(req, res).catch((err: unknown) => {
        // Whatever went wrong, answer (Helius retries a 500) rather than leave the request hanging.
        this.rejections.failed += 1;
        this.options.log?.("webhook request failed", { err: String(err) });
        if (!res.headersSent) this.reply(res, 500, "internal error; retry later");
      }),
    );
  }

  static async listen(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
    if (options.secret.length === 0) throw new Error("the Helius webhook receiver needs a shared secret");
    const server = createServer();
    const receiver = new WebhookReceiver(server, options);
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      // A busy or forbidden port is the operator's to fix: a message, not a stack trace.
      server.once("error", (err) =>
        reject(
          new UserError(
            `cannot listen for Helius webhooks on ${host}:${options.port}: ${(err as Error).message} (pick another --helius-webhook-port)`,
          ),
        ),
      );
      server.listen(options.port, host, () => resolve());
    });
    return receiver;
  }

  /** Where to point the webhook (behind an HTTPS proxy in production: Helius only posts to public HTTPS URLs). */
  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(":") ? `[${address}]` : address}:${port}${this.path}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== this.path) return this.reply(res, 404, `not found: webhooks are received on ${this.path}`);
    if (req.method !== "POST") return this.reply(res, 405, "only POST is accepted", { allow: "POST" });
    if (!this.authorized(req.headers.authorization)) {
      this.rejections.unauthorized += 1;
      this.options.log?.("refused a webhook request: wrong or missing Authorization", {
        from: req.socket.remoteAddress,
      });
      return this.reply(
        res,
        401,
        req.headers.authorization === undefined ? "missing Authorization header" : "wrong Authorization header",
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(await this.readBody(req));
    } catch (err) {
      if (err instanceof TooLarge) {
        this.rejections.tooLarge += 1;
        return this.reply(res, 413, `body larger than ${this.maxBody} bytes`, { connection: "close" });
      }
      this.rejections.badRequest += 1;
      return this.reply(res, 400, `body is not JSON: ${(err as Error).message}`);
    }
    try {
      await this.options.deliver(body);
    } catch (err) {
      if (err instanceof PayloadError) {
        this.rejections.badRequest += 1;
        return this.reply(res, 400, err.message);
      }
      this.rejections.failed += 1;
      this.options.log?.("could not take a webhook batch; Helius will retry", { err: String(err) });
      return this.reply(res, 500, "could not take the batch; retry later");
    }
    this.accepted += 1;
    this.reply(res, 200, "ok");
  }

  private authorized(header: string | undefined): boolean {
    return header !== undefined && timingSafeEqual(digest(header), this.secretDigest);
  }

  /** The body as text, refusing early on a Content-Length or a stream past the cap. */
  private readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      // Past the cap the rest is read and dropped (not buffered), so the client still gets the 413.
      if (Number(req.headers["content-length"] ?? 0) > this.maxBody) {
        req.resume();
        return reject(new TooLarge());
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBody) {
          req.removeAllListeners("data");
          req.resume();
          reject(new TooLarge());
        } else chunks.push(chunk);
      });
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  }

  private reply(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
    const body = JSON.stringify(status === 200 ? { ok: true } : { error: message });
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
