// The one change stream behind every subscription (registryChanged and the node-facing
// partnerChanged, keyRevoked, proposalChanged): replays stored events from a resume point (a
// change index or a slot, in pages), then follows live ones, with no gap and no repeat: live
// events that arrive meanwhile are queued, then deduplicated by change index. A Repeater (not an
// async generator) so that a client going away stops it at once, even while it waits.
import { Repeater } from "graphql-yoga";
import type { Indexer } from "../indexer.js";
import type { EventRow } from "../store/store.js";

/** Changes replayed per turn: small enough that a turn takes a few milliseconds. */
const REPLAY_PAGE = 100;
/** Replays running at once, per indexer; more wait their turn, so live delivery and /healthz keep answering. */
export const MAX_CONCURRENT_REPLAYS = 8;

/** Replay turns per indexer: at most MAX_CONCURRENT_REPLAYS hold one. */
class ReplayTurns {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  async take(): Promise<void> {
    if (this.running < MAX_CONCURRENT_REPLAYS) {
      this.running += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the turn on, through the event loop: a chain of waiting replays never runs back to back. */
  give(): void {
    const next = this.waiting.shift();
    if (next !== undefined) setImmediate(next);
    else this.running -= 1;
  }
}

const turns = new WeakMap<Indexer, ReplayTurns>();
function replayTurns(indexer: Indexer): ReplayTurns {
  let queue = turns.get(indexer);
  if (queue === undefined) {
    queue = new ReplayTurns();
    turns.set(indexer, queue);
  }
  return queue;
}

/** Where a reconnecting client resumes: after a change index it saw, or at a slot. null = live only. */
export type ResumePoint = { afterChangeIndex: number } | { fromSlot: number } | null;

/** Which events a subscriber wants (the stream itself always walks every change in order). */
export type EventFilter = (event: EventRow) => boolean;

/**
 * How far a stream may replay from the store: events the indexer has published (stored, with
 * the accounts their transactions wrote, and contiguous). A later one is delivered live.
 */
function replayable(indexer: Indexer): number {
  return Math.min(indexer.store.contiguousChangeIndex(), indexer.publishedChangeIndex);
}

/** The change index to replay after, and the lowest slot to deliver. */
function startOf(indexer: Indexer, from: ResumePoint): { last: number; replay: boolean; minSlot: number } {
  if (from === null) return { last: replayable(indexer), replay: false, minSlot: 0 };
  if ("afterChangeIndex" in from) return { last: from.afterChangeIndex, replay: true, minSlot: 0 };
  // Change indexes follow the chain's order, so the events at or after a slot are exactly those
  // from the first stored one there on. None stored yet: only live ones qualify (the slot bound
  // still applies to them, for a slot in the future). Past a hole in the history, the events
  // that fill it are delivered by the same slot bound.
  const contiguous = replayable(indexer);
  const first = indexer.store.events({ fromSlot: from.fromSlot, limit: 1 })[0];
  return first === undefined
    ? { last: contiguous, replay: false, minSlot: from.fromSlot }
    : { last: Math.min(first.changeIndex - 1, contiguous), replay: true, minSlot: from.fromSlot };
}

export function changeStream(
  indexer: Indexer,
  from: ResumePoint,
  wanted: EventFilter = () => true,
): Repeater<EventRow> {
  return new Repeater<EventRow>(async (push, stop) => {
    let stopped = false;
    let wake: (() => void) | undefined;
    const pending: EventRow[] = [];
    // Listen before reading the store, so nothing published in between is lost.
    const off = indexer.onEvent((event) => {
      pending.push(event);
      wake?.();
    });
    void stop.then(() => {
      stopped = true;
      wake?.();
    });
    const start = startOf(indexer, from);
    let last = start.last;
    const emit = async (event: EventRow): Promise<void> => {
      if (event.changeIndex <= last) return;
      last = event.changeIndex;
      if (event.slot >= start.minSlot && wanted(event)) await push(event);
    };
    try {
      // Replay only the contiguous part: anything past a hole is published once the hole is filled.
      // One page per turn, then the event loop gets a turn (live delivery, /healthz, other clients).
      while (!stopped && start.replay) {
        const limit = Math.min(REPLAY_PAGE, replayable(indexer) - last);
        if (limit <= 0) break;
        const queue = replayTurns(indexer);
        await queue.take();
        try {
          if (stopped) break;
          for (const event of indexer.store.events({ afterChangeIndex: last, limit })) await emit(event);
        } finally {
          queue.give();
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
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

// --- the node-facing filters (event names as the indexer stores them: the IDL's, camelCase) ---

/** KeyRevoked is the program's only key-revocation event (a rotated-out key is not revoked). */
export const KEY_REVOCATION_EVENTS = ["keyRevoked"] as const;

/** Proposal lifecycle events; an executed proposal shows as its action's event with its proposal id. */
export const PROPOSAL_EVENTS = ["proposalCreated", "proposalVoted", "proposalCancelled"] as const;

/**
 * The events proposalChanged delivers: created, voted, cancelled, and executions. An executed
 * action's event carries its proposal's id; 0 also means "no proposal" (e.g. declare_endpoint)
 * but is a real id too (the first proposal), so for 0 the transaction must have run `execute`.
 * (Proposal 0 executed through another program's CPI is not recognised: its transaction has no
 * top-level registry instruction.)
 */
export function proposalEvents(indexer: Indexer): EventFilter {
  return (event) => {
    if ((PROPOSAL_EVENTS as readonly string[]).includes(event.name)) return true;
    const id = event.data?.proposalId;
    if (id === undefined || id === null) return false;
    if (String(id) !== "0") return true;
    return indexer.store.transaction(event.signature)?.instructions.some((ix) => ix.name === "execute") ?? false;
  };
}
