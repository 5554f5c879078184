// useRequestBodyLimit (indexer/src/api/body-limit.ts) answers exactly as yoga's built-in
// `maxRequestBodySize` does: the same requests, over real HTTP, to two yoga servers, one with
// each limit, must get the same status and body — with a Content-Length and chunked.
import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga, type Plugin } from "graphql-yoga";
import { useRequestBodyLimit } from "../../indexer/src/api/body-limit.js";

const LIMIT = 200;

async function serve(options: {
  plugins: Plugin[];
  maxRequestBodySize: number | false;
}): Promise<{ server: Server; port: number }> {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: "type Query { echo(s: String): String }",
      resolvers: { Query: { echo: (_: unknown, a: { s: string }) => a.s } },
    }),
    logging: false,
    ...options,
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}

/** POSTs `body` to /graphql, with a Content-Length, or chunked (no Content-Length) in `chunks` pieces. */
function post(port: number, body: string, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (!chunked) headers["content-length"] = String(Buffer.byteLength(body));
    const req = request({ host: "127.0.0.1", port, path: "/graphql", method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on("error", reject);
    if (chunked) {
      // Several writes: the limit has to trip part-way through the stream.
      for (let i = 0; i < body.length; i += 64) req.write(body.slice(i, i + 64));
      req.end();
    } else req.end(body);
  });
}

describe("request body limit (useRequestBodyLimit vs yoga's maxRequestBodySize)", () => {
  let builtIn: { server: Server; port: number };
  let ours: { server: Server; port: number };
  before(async () => {
    builtIn = await serve({ plugins: [], maxRequestBodySize: LIMIT });
    ours = await serve({ plugins: [useRequestBodyLimit(LIMIT)], maxRequestBodySize: false });
  });
  after(() => {
    for (const s of [builtIn, ours]) {
      s.server.closeAllConnections();
      s.server.close();
    }
  });

  const small = JSON.stringify({ query: "query($s: String) { echo(s: $s) }", variables: { s: "ok" } });
  const large = JSON.stringify({ query: "query($s: String) { echo(s: $s) }", variables: { s: "x".repeat(LIMIT) } });
  for (const chunked of [false, true]) {
    const how = chunked ? "chunked" : "with a Content-Length";
    it(`a body under the limit is executed (${how})`, async () => {
      const a = await post(builtIn.port, small, chunked);
      const b = await post(ours.port, small, chunked);
      assert.deepEqual(JSON.parse(b.body), { data: { echo: "ok" } });
      assert.deepEqual(b, a);
    });
    it(`a body over the limit is refused with 413, as yoga does (${how})`, async () => {
      const a = await post(builtIn.port, large, chunked);
      const b = await post(ours.port, large, chunked);
      assert.equal(b.status, 413);
      assert.match(b.body, /Request body too large/);
      assert.deepEqual(b, a);
    });
  }
});
