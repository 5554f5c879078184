// A loopback TCP forwarder: serves a fixed port (8899, 8900) in front of the surfnet's dynamic
// one. The embedded runtime cannot bind chosen ports; forwarding bytes also carries WebSocket
// upgrades unchanged, so one forwarder serves JSON-RPC and another PubSub.
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { LocalnetError } from "./errors.js";

export interface ForwardOptions {
  /** What the forwarder serves, e.g. 8899. 0 picks a free port. */
  listenPort: number;
  /** Default 127.0.0.1: the local chain is never exposed beyond loopback. */
  listenHost?: string;
  targetHost: string;
  targetPort: number;
  /** Names the port in a "busy" error, e.g. "JSON-RPC". */
  label: string;
}

export interface TcpForwarder {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

function pipeBoth(client: Socket, upstream: Socket, sockets: Set<Socket>): void {
  for (const s of [client, upstream]) {
    sockets.add(s);
    s.setNoDelay(true);
    s.on("close", () => sockets.delete(s));
    // A reset on one side ends the other; errors are expected when either peer goes away.
    s.on("error", () => (s === client ? upstream : client).destroy());
  }
  client.pipe(upstream);
  upstream.pipe(client);
}

function listen(server: Server, port: number, host: string, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") {
        reject(
          new LocalnetError(
            `${host}:${port} (${label}) is already in use: another local validator ` +
              `(solana-test-validator, surfpool, an earlier \`npm run localnet\` or \`npm start\`) is probably running. ` +
              `Stop it (\`ss -ltnp 'sport = :${port}'\` shows which process holds the port) and try again.`,
          ),
        );
      } else {
        reject(new LocalnetError(`cannot listen on ${host}:${port} (${label}): ${err.message}`));
      }
    });
    server.listen({ port, host, exclusive: true }, resolve);
  });
}

export async function startTcpForwarder(options: ForwardOptions): Promise<TcpForwarder> {
  const host = options.listenHost ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: options.targetHost, port: options.targetPort });
    pipeBoth(client, upstream, sockets);
  });
  await listen(server, options.listenPort, host, options.label);
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.listenPort;

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    close() {
      // server.close() waits for open connections (keep-alive HTTP, WebSocket clients), so
      // they are destroyed first: stopping the chain must not hang on a connected client.
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
