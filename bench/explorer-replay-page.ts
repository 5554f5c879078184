// Bundled into a page by bench/explorer.ts: the explorer's own replay (hash-chain.ts) over
// synthetic events, and the bare WebCrypto loop over the same bytes as the baseline.
import { replay } from "../indexer/src/explorer/client/hash-chain.js";

function syntheticEvents(count: number): { changeIndex: number; signature: string; raw: string }[] {
  const events = [];
  for (let i = 1; i <= count; i++) {
    const raw = new Uint8Array(8 + 24 + 120); // discriminator, change header, a typical body
    raw.fill(i % 251, 32);
    new DataView(raw.buffer).setBigUint64(8, BigInt(i), true);
    events.push({
      changeIndex: i,
      signature: "",
      raw: Array.from(raw, (b) => b.toString(16).padStart(2, "0")).join(""),
    });
  }
  return events;
}

async function bench(count: number): Promise<{ replayMs: number; bareMs: number; ok: boolean }> {
  const events = syntheticEvents(count);
  let started = performance.now();
  const result = await replay(events);
  const replayMs = performance.now() - started;
  const inputs = events.map((e) => Uint8Array.from(e.raw.match(/../g) ?? [], (h) => Number.parseInt(h, 16)));
  started = performance.now();
  let head = new Uint8Array(32);
  for (const raw of inputs) {
    const input = new Uint8Array(32 + raw.length);
    input.set(head, 0);
    input.set(raw, 32);
    head = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
  }
  const bareMs = performance.now() - started;
  return { replayMs, bareMs, ok: result.ok && result.count === count };
}

(globalThis as { benchReplay?: typeof bench }).benchReplay = bench;
