// "Live": the registry's subscription feed bumps a version that pages reload on, and the
// indexer's health (polled) drives the "live / stale since …" indicator.
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import { gql, health, subscribeChanges } from "./api.js";

export interface LiveState {
  /** Bumped on each registry change seen on the feed. */
  version: number;
  /** The newest change index seen. */
  changeIndex: number;
  /** null while healthy; else since when (ms) and why the index may be stale. */
  stale: { since: number; reason: string } | null;
}

export const LiveContext = createContext<LiveState>({ version: 0, changeIndex: 0, stale: null });

export function useLiveVersion(): number {
  return useContext(LiveContext).version;
}

const HEALTH_POLL_MS = 3_000;

/** The app's one live state: subscribes from the current head, polls health. */
export function useLiveState(): LiveState {
  const [state, setState] = useState<LiveState>({ version: 0, changeIndex: 0, stale: null });
  useEffect(() => {
    let unsubscribe: (() => void) | undefined;
    let stopped = false;
    gql<{ status: { contiguousChangeIndex: number } }>("{ status { contiguousChangeIndex } }")
      .then(({ status }) => {
        if (stopped) return;
        setState((s) => ({ ...s, changeIndex: status.contiguousChangeIndex }));
        unsubscribe = subscribeChanges(status.contiguousChangeIndex, (change) =>
          setState((s) => ({ ...s, version: s.version + 1, changeIndex: change.changeIndex })),
        );
      })
      .catch(() => {});
    const poll = async () => {
      let next: LiveState["stale"];
      try {
        const h = await health();
        next = h.ok ? null : { since: Date.now(), reason: h.degraded ?? "unhealthy" };
      } catch {
        next = { since: Date.now(), reason: "the indexer does not answer" };
      }
      if (stopped) return;
      // Keep the first moment it went stale.
      setState((s) => ({ ...s, stale: next === null ? null : (s.stale ?? next) }));
    };
    void poll();
    const timer = setInterval(poll, HEALTH_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      unsubscribe?.();
    };
  }, []);
  return state;
}
