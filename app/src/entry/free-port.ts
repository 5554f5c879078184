// A TCP port nothing listens on, for a server started on "any free port" whose address must be
// known before it starts (HAProxy's backends, a child process given --port).
import { type AddressInfo, createServer } from "node:net";

/** A port the OS reports free on `host` (taken, then released: free a moment ago). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, host, ok);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}
