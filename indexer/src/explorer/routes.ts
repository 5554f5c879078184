// The explorer's HTTP side, on the indexer's own server: page addresses answer the HTML shell
// (the browser app routes by path, so every page has a permanent address), /explorer/* the
// bundled script and style and the config the page needs.
import type { IncomingMessage, ServerResponse } from "node:http";
import { explorerAssets } from "./assets.js";

export interface ExplorerConfig {
  /**
   * The JSON-RPC URL the page reads the registry account from, to check the history it gets
   * from the indexer against the chain itself. Null: the page asks the reader for one.
   */
  rpcUrl: string | null;
  programId: string;
}

/** First path segments that are pages of the explorer. */
const PAGE_ROOTS = new Set(["", "partners", "partner", "proposals", "proposal", "council", "integrity"]);

/** The JSON-RPC URL to give browsers: the indexer's own only when it is on this machine (no API keys leak). */
export function browserRpcUrl(rpcUrl: string, explicit?: string): string | null {
  if (explicit !== undefined) return explicit === "" ? null : explicit;
  try {
    const host = new URL(rpcUrl).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]" ? rpcUrl : null;
  } catch {
    return null;
  }
}

function shell(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/explorer/app.css">
<script type="module" src="/explorer/app.js"></script>
</head>
<body>
<div id="app"><header class="top"><a class="brand" href="/">Lume Registry</a></header><main><p class="loading">Loading…</p></main></div>
<noscript>The explorer needs JavaScript; the same data is at <a href="/graphql">/graphql</a>.</noscript>
</body>
</html>
`;
}

function send(res: ServerResponse, status: number, type: string, body: string, cache = "no-cache"): void {
  res.writeHead(status, { "content-type": type, "cache-control": cache, "x-content-type-options": "nosniff" });
  res.end(body);
}

/** Answers the request if it is the explorer's; returns false to let the caller go on. */
export async function handleExplorerRequest(
  req: IncomingMessage,
  res: ServerResponse,
  config: ExplorerConfig,
): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  if (path === "/explorer/config.json") {
    send(res, 200, "application/json", JSON.stringify(config));
    return true;
  }
  if (path === "/explorer/app.js" || path === "/explorer/app.css") {
    try {
      const assets = await explorerAssets();
      if (path.endsWith(".js")) send(res, 200, "text/javascript; charset=utf-8", assets.script);
      else send(res, 200, "text/css; charset=utf-8", assets.style);
    } catch (err) {
      send(res, 500, "text/plain", `the explorer could not be built: ${(err as Error).message}`);
    }
    return true;
  }
  const root = path.split("/")[1] ?? "";
  if (!PAGE_ROOTS.has(root)) return false;
  send(res, 200, "text/html; charset=utf-8", shell("Lume Registry explorer"));
  return true;
}
