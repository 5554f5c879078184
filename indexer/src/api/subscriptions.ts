// registryChanged: replays stored events after `fromChangeIndex` (in pages), then follows live
// ones, with no gap and no repeat: live events that arrive meanwhile are queued, then
// deduplicated by change index. A Repeater (not an async generator) so that a client going
// away stops it at once, even while it waits for the next change.
import { Repeater } from "graphql-yoga";
import type { Indexer } from "../indexer.js";
import type { EventRow } from "../store/store.js";

const REPLAY_PAGE = 500;

/** `partner` and `names` (event names, e.g. ["keyRevoked"]) narrow what is delivered. */
export function registryChanged(indexer: Indexer, fromChangeIndex: number | null, partner: string | null, names: string[] | null = null): Repeater<EventRow> {
  return new Repeater<EventRow>(async (push, stop) => {
    let stopped = false;
    let wake: (() => void) | undefined;
    const pending: EventRow[] = [];
    const off = indexer.onEvent((event) => {
      pending.push(event);
      wake?.();
    });
    void stop.then(() => {
      stopped = true;
      wake?.();
    });
    let last = fromChangeIndex ?? indexer.store.contiguousChangeIndex();
    const emit = async (event: EventRow): Promise<void> => {
      if (event.changeIndex <= last) return;
      last = event.changeIndex;
      if ((partner === null || event.partner === partner) && (names === null || names.includes(event.name))) await push(event);
    };
    try {
      // Replay only the contiguous part: anything past a hole is published once the hole is filled.
      while (!stopped && fromChangeIndex !== null) {
        const limit = Math.min(REPLAY_PAGE, indexer.store.contiguousChangeIndex() - last);
        if (limit <= 0) break;
        for (const event of indexer.store.events({ afterChangeIndex: last, limit })) await emit(event);
      }
      while (!stopped) {
        while (!stopped && pending.length > 0) await emit(pending.shift()!);
        if (!stopped) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      off();
    }
  });
}
