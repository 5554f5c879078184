/**
 * The explorer's budgets (issue 15), in headless Chromium on loopback:
 * (1) the partners page with 2,000 partners in the index: time from navigation to the first rows
 *     on screen (target < 1 s), against the bare HTML shell's DOMContentLoaded in the same run;
 * (2) the integrity check's replay of 10,000 events in the page (target < 2 s), against a bare
 *     WebCrypto SHA-256 loop over the same bytes in the same page.
 * Medians of ROUNDS rounds.
 *
 *   npm run bench:explorer            (writes bench/results/explorer.json)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keypair } from "@solana/web3.js";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { startApiServer } from "../indexer/src/api/server.js";
import { Indexer } from "../indexer/src/indexer.js";
import type { RawAccountUpdate } from "../indexer/src/source/types.js";
import { encodedPartner } from "./idl-zero.js";

const PARTNERS = 2_000;
const EVENTS = 10_000;
const ROUNDS = 5;
const CHROMIUM = process.env.LUME_CHROMIUM ?? "/usr/bin/chromium";
const RESULTS = "bench/results/explorer.json";

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (ms: number): number => Math.round(ms * 10) / 10;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lume-bench-explorer-"));
  const indexer = new Indexer({ rpcUrl: "http://127.0.0.1:1", dbPath: join(dir, "explorer.sqlite") });
  const api = await startApiServer(indexer, { port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const updates: RawAccountUpdate[] = [];
    for (let i = 0; i < PARTNERS; i++) {
      const data = await encodedPartner(indexer.decoder, i);
      updates.push({ pubkey: Keypair.generate().publicKey.toBase58(), slot: 1, lamports: 1, data });
    }
    indexer.accounts("bench", updates);
    const base = api.url.replace(/\/graphql$/, "");

    // (1) First rows of the partners page.
    const firstRows: number[] = [];
    const shell: number[] = [];
    for (let r = 0; r <= ROUNDS; r++) {
      const page = await browser.newPage();
      await page.goto(`${base}/partners`);
      await page.waitForSelector("table.partners tbody tr", { timeout: 30_000 });
      const [rows, dcl] = await page.evaluate(() => [
        performance.now(),
        (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
      ]);
      await page.close();
      if (r === 0) continue; // warm-up: the bundle, the decode cache
      firstRows.push(rows!);
      shell.push(dcl!);
    }

    // (2) The replay, with the explorer's own code bundled into a blank page.
    const bundle = await build({
      entryPoints: ["bench/explorer-replay-page.ts"],
      bundle: true,
      format: "iife",
      platform: "browser",
      write: false,
      logLevel: "silent",
    });
    const page = await browser.newPage();
    await page.goto(`${base}/explorer/config.json`); // an origin with WebCrypto (a secure context: loopback)
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const replays: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r <= ROUNDS; r++) {
      const result = await page.evaluate(
        (n) =>
          (
            globalThis as unknown as {
              benchReplay: (n: number) => Promise<{ replayMs: number; bareMs: number; ok: boolean }>;
            }
          ).benchReplay(n),
        EVENTS,
      );
      if (!result.ok) throw new Error("the replay did not accept the synthetic history");
      if (r === 0) continue;
      replays.push(result.replayMs);
      bare.push(result.bareMs);
    }
    await page.close();

    const results = {
      measuredAt: new Date().toISOString(),
      partnersPage: {
        partners: PARTNERS,
        firstRowsMs: round(median(firstRows)),
        shellDomContentLoadedMs: round(median(shell)),
        ratioToShell: round(median(firstRows) / median(shell)),
        targetMs: 1000,
      },
      historyReplay: {
        events: EVENTS,
        replayMs: round(median(replays)),
        bareWebCryptoMs: round(median(bare)),
        ratioToBare: round(median(replays) / median(bare)),
        targetMs: 2000,
      },
    };
    mkdirSync("bench/results", { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      [
        `partners page, ${PARTNERS} partners: first rows ${results.partnersPage.firstRowsMs} ms (target < 1,000), shell DOMContentLoaded ${results.partnersPage.shellDomContentLoadedMs} ms, ratio ${results.partnersPage.ratioToShell}`,
        `history replay, ${EVENTS} events: ${results.historyReplay.replayMs} ms (target < 2,000), bare WebCrypto loop ${results.historyReplay.bareWebCryptoMs} ms, ratio ${results.historyReplay.ratioToBare}`,
        `(medians of ${ROUNDS} rounds; written to ${RESULTS})`,
      ].join("\n"),
    );
  } finally {
    await browser.close();
    await api.close();
    await indexer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
