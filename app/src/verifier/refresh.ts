// Keeping a verifier's snapshot fresh: reload it on an interval (from RPC with
// loadRegistrySnapshot, or from any source of the same shape, such as the indexer). A failed
// reload keeps the old snapshot, which the verifier refuses once it is older than its limit
// (fail closed), and is reported through `onError`.
import type { RegistrySnapshot } from "../sdk/snapshot.js";
import type { RequestVerifier } from "./verifier.js";

export interface RefreshOptions {
  /** Milliseconds between reloads (default 5 s; keep it well under the verifier's maxSnapshotAgeMs). */
  intervalMs?: number;
  onError?: (err: unknown) => void;
  onUpdate?: (snapshot: RegistrySnapshot) => void;
}

export interface Refresher {
  /** Resolves after the next completed reload attempt. */
  refreshNow(): Promise<void>;
  stop(): void;
}

export function keepSnapshotFresh(
  verifier: RequestVerifier,
  load: () => Promise<RegistrySnapshot>,
  options: RefreshOptions = {},
): Refresher {
  let stopped = false;
  let running: Promise<void> | null = null;
  const refreshNow = (): Promise<void> => {
    running ??= (async () => {
      try {
        const snapshot = await load();
        if (!stopped) {
          verifier.updateSnapshot(snapshot);
          options.onUpdate?.(snapshot);
        }
      } catch (err) {
        options.onError?.(err);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void refreshNow(), options.intervalMs ?? 5_000);
  timer.unref();
  return {
    refreshNow,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
