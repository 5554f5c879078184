// /integrity: the reader's own check that the history the indexer serves is complete and
// untampered: downloaded, replayed in this browser, compared with the head read from the chain.
import { useEffect, useState } from "preact/hooks";
import { explorerConfig, gql } from "../api.js";
import { chainEventsOf } from "../chain-events.js";
import { chainHead, downloadHistory, embeddedChangeIndex, type HistoryItem, hexBytes, replay } from "../hash-chain.js";
import { useLiveVersion } from "../live.js";

type Check =
  | { state: "idle" }
  | { state: "running"; step: string }
  | { state: "ok"; count: number; head: string; slot: number; rpcUrl: string; ms: number }
  | { state: "bad"; message: string; detail: string }
  | { state: "error"; message: string };

const RPC_STORAGE_KEY = "lume-explorer-rpc-url";

/**
 * After a replay that misses the chain's head: compares each change the indexer serves with the
 * bytes its transaction carries on chain, in order, and names the first that differs.
 */
async function firstDifference(
  rpcUrl: string,
  programId: string,
  events: HistoryItem[],
  onStep: (step: string) => void,
): Promise<string | null> {
  const bySignature = new Map<string, Uint8Array[]>();
  for (const event of events) {
    onStep(`Finding the first change that differs from the chain… change ${event.changeIndex} of ${events.length}`);
    let onChain = bySignature.get(event.signature);
    if (onChain === undefined) {
      onChain = await chainEventsOf(rpcUrl, event.signature, programId);
      bySignature.set(event.signature, onChain);
    }
    const served = hexBytes(event.raw);
    const recorded = onChain.find((bytes) => embeddedChangeIndex(bytes) === event.changeIndex);
    if (recorded === undefined)
      return `Change ${event.changeIndex}: its transaction ${event.signature} on chain carries no such change.`;
    if (recorded.length !== served.length || recorded.some((b, i) => b !== served[i]))
      return `Change ${event.changeIndex} differs from the chain: the indexer serves other bytes than transaction ${event.signature} recorded.`;
  }
  return null;
}

async function runCheck(rpcUrl: string, onStep: (step: string) => void): Promise<Check> {
  const config = await explorerConfig();
  const { registry } = await gql<{ registry: { address: string } | null }>("{ registry { address } }");
  if (registry === null) return { state: "error", message: "The index has no registry yet." };
  onStep("Downloading the history from the indexer…");
  const events = await downloadHistory((count) => onStep(`Downloading the history from the indexer… ${count} events`));
  onStep(`Replaying ${events.length} events…`);
  const started = performance.now();
  const result = await replay(events);
  const ms = Math.round(performance.now() - started);
  onStep(`Reading the registry account from ${rpcUrl}…`);
  const chain = await chainHead(rpcUrl, registry.address, config.programId);
  if (!result.ok)
    return {
      state: "bad",
      message: `History broken at change ${result.changeIndex}: ${result.problem}.`,
      detail: `The ${result.count} changes before it replay to ${result.head}; the chain counts ${chain.changeCount} changes with head ${chain.head}.`,
    };
  // Changes may land between the download and the chain read: compare at the chain's count.
  if (result.count < chain.changeCount)
    return {
      state: "bad",
      message: `The indexer serves ${result.count} changes; the chain counts ${chain.changeCount}.`,
      detail: `Changes ${result.count + 1} to ${chain.changeCount} are missing from the index (or landed during the check: run it again).`,
    };
  if (result.count > chain.changeCount)
    return {
      state: "bad",
      message: `The indexer serves ${result.count} changes, more than the ${chain.changeCount} the chain counts.`,
      detail: "An index from another chain, or invented changes.",
    };
  if (result.head !== chain.head) {
    const first = await firstDifference(rpcUrl, config.programId, events, onStep);
    return {
      state: "bad",
      message: `The replayed history does not reach the chain's head: at least one of the ${result.count} changes was altered, dropped or reordered.`,
      detail: `${first ?? "Every change matches its transaction, yet the head differs."} Replayed ${result.head}; on chain ${chain.head}.`,
    };
  }
  return { state: "ok", count: result.count, head: result.head, slot: chain.slot, rpcUrl, ms };
}

export function IntegrityPanel(props: { auto?: boolean }) {
  const version = useLiveVersion();
  const [rpcUrl, setRpcUrl] = useState<string>(() => localStorage.getItem(RPC_STORAGE_KEY) ?? "");
  const [check, setCheck] = useState<Check>({ state: "idle" });

  useEffect(() => {
    if (rpcUrl) return;
    explorerConfig()
      .then((c) => c.rpcUrl && setRpcUrl((current) => current || c.rpcUrl || ""))
      .catch(() => {});
  }, [rpcUrl]);

  const start = (url: string) => {
    if (!url) {
      setCheck({ state: "error", message: "Give the JSON-RPC URL of a node of the chain to check against." });
      return;
    }
    setCheck({ state: "running", step: "Starting…" });
    runCheck(url, (step) => setCheck({ state: "running", step })).then(setCheck, (err: unknown) =>
      setCheck({ state: "error", message: err instanceof Error ? err.message : String(err) }),
    );
  };

  // Run by itself once the RPC URL is known, and again after each change.
  useEffect(() => {
    if (props.auto && rpcUrl) start(rpcUrl);
  }, [rpcUrl, version]);

  return (
    <div class={`integrity integrity-${check.state}`} id="integrity" aria-live="polite">
      {check.state === "ok" && (
        <p class="verdict">
          ✔ History complete and untampered through change {check.count}{" "}
          <span class="muted">
            (replayed here in {check.ms} ms; head {check.head.slice(0, 16)}… matches the registry account read from{" "}
            {check.rpcUrl} at slot {check.slot})
          </span>
        </p>
      )}
      {check.state === "bad" && (
        <div class="verdict">
          <p>✘ {check.message}</p>
          <p class="muted">{check.detail}</p>
        </div>
      )}
      {check.state === "running" && <p class="verdict">{check.step}</p>}
      {check.state === "error" && <p class="verdict">Could not check: {check.message}</p>}
      {check.state === "idle" && <p class="verdict">History not checked yet.</p>}
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          localStorage.setItem(RPC_STORAGE_KEY, rpcUrl);
          start(rpcUrl);
        }}
      >
        <label class="grow">
          Chain JSON-RPC{" "}
          <input
            type="url"
            value={rpcUrl}
            placeholder="https://… (a node you trust, not the indexer)"
            onInput={(e) => setRpcUrl(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={check.state === "running"}>
          Check again
        </button>
      </form>
    </div>
  );
}

export function IntegrityPage() {
  return (
    <div>
      <h1>Integrity</h1>
      <p class="lead">
        Every change to the registry extends a hash chain kept on-chain: head(n) = sha256(head(n−1) ‖ event n), from 32
        zero bytes. This page downloads every event from the indexer, replays the chain in your browser and compares the
        result with the head in the registry account, read from the chain's JSON-RPC, not from the indexer.
      </p>
      <IntegrityPanel auto />
    </div>
  );
}
