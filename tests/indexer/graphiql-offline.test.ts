// GraphiQL works without the internet: the page the indexer serves at /graphql carries its
// scripts and styles, and in a real browser (Chromium, every request outside loopback refused)
// it renders its editor and runs a query against the indexer.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { type ApiServer, startApiServer } from "../../indexer/src/api/server.js";
import { Indexer } from "../../indexer/src/indexer.js";

const CHROMIUM = process.env.LUME_CHROMIUM ?? "/usr/bin/chromium";

describe("GraphiQL served offline (no CDN)", function () {
  this.timeout(60_000);
  let dir: string;
  let indexer: Indexer;
  let api: ApiServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "lume-graphiql-"));
    // No chain is needed to serve the page: the indexer is never started.
    indexer = new Indexer({ rpcUrl: "http://127.0.0.1:1", dbPath: join(dir, "graphiql.sqlite") });
    api = await startApiServer(indexer, { port: 0 });
  });

  after(async () => {
    await api?.close();
    await indexer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the page loads nothing from another host", async () => {
    const response = await fetch(api.url, { headers: { accept: "text/html" } });
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /GraphiQL/);
    // Quoted or not (yoga's own page is minified: `src=https://unpkg.com/...`).
    assert.doesNotMatch(html, /<script[^>]+src=["']?https?:\/\//, "a script from elsewhere");
    assert.doesNotMatch(html, /<link[^>]+href=["']?https?:\/\//, "a stylesheet or icon from elsewhere");
  });

  it("renders and answers a query in Chromium with every outside request refused", async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run scripts/setup.sh`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage();
      const outside: string[] = [];
      await page.route("**/*", (route) => {
        const url = new URL(route.request().url());
        if (["http:", "https:", "ws:", "wss:"].includes(url.protocol) && url.hostname !== "127.0.0.1") {
          outside.push(url.toString());
          return route.abort();
        }
        return route.continue();
      });
      await page.goto(`${api.url}?query=${encodeURIComponent("{ __typename }")}`);
      await page.locator(".graphiql-container").first().waitFor({ timeout: 30_000 });
      await page.locator(".graphiql-execute-button").first().click();
      await page.getByText('"__typename": "Query"').waitFor({ timeout: 15_000 });
      assert.deepEqual(outside, [], "GraphiQL asked for something outside this machine");
    } finally {
      await browser.close();
    }
  });
});
