// Snapshot deltas (app/src/sdk/snapshot-delta.ts), without a chain: over random change sequences
// (partners admitted, keys issued and revoked, endpoints added and removed, statuses, categories,
// the review grace, changes that touch no partner), a node that starts from a snapshot at any
// point and applies the deltas in change order, through a transport that repeats and skips
// deltas (a skip is a gap: the node loads the full snapshot then), ends with the snapshot a fresh
// load gives, history head included; and its verifier, updated partner by partner, gives the same
// verdicts as one built from the fresh snapshot.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import type { RegistrySnapshot, SnapshotPartner } from "../../app/src/sdk/snapshot.js";
import {
  applySnapshotDelta,
  isDeltaGap,
  nextHistoryHead,
  registryState,
  type SnapshotDelta,
} from "../../app/src/sdk/snapshot-delta.js";
import { RequestVerifier } from "../../app/src/verifier/verifier.js";
import { admittedSnapshotPartner, snapshotEndpoint } from "../../harness/snapshot-partner.js";
import { NOW, NOW_S, newKey, request, snapshotKeyOf, type TestKey } from "./fixture.js";

const DAY = 86_400;
const KEYS: TestKey[] = [newKey(), newKey(), newKey()];

type Change =
  | { kind: "admit" }
  | { kind: "status"; partner: number; status: SnapshotPartner["status"] }
  | { kind: "issueKey"; partner: number; endpoints: number[] }
  | { kind: "revokeKey"; partner: number; key: number }
  | { kind: "addEndpoint"; partner: number; categories: number[] }
  | { kind: "removeEndpoint"; partner: number; endpoint: number }
  | { kind: "traffic"; partner: number; categories: number[]; burst: number }
  | { kind: "categories"; names: string[] }
  | { kind: "grace"; days: number }
  | { kind: "vote" };

const partnerRef = fc.nat(7);
const categorySet = fc.uniqueArray(fc.nat(3), { maxLength: 4 });
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.constant<Change>({ kind: "admit" }),
  fc.record({
    kind: fc.constant("status" as const),
    partner: partnerRef,
    status: fc.constantFrom<SnapshotPartner["status"][]>(
      "active",
      "underAudit",
      "reviewOverdue",
      "suspended",
      "revoked",
    ),
  }),
  fc.record({
    kind: fc.constant("issueKey" as const),
    partner: partnerRef,
    endpoints: fc.uniqueArray(fc.nat(2), { maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant("revokeKey" as const), partner: partnerRef, key: fc.nat(3) }),
  fc.record({ kind: fc.constant("addEndpoint" as const), partner: partnerRef, categories: categorySet }),
  fc.record({ kind: fc.constant("removeEndpoint" as const), partner: partnerRef, endpoint: fc.nat(3) }),
  fc.record({
    kind: fc.constant("traffic" as const),
    partner: partnerRef,
    categories: categorySet,
    burst: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant("categories" as const),
    names: fc.uniqueArray(fc.constantFrom("api-read", "api-write", "feed", "content"), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant("grace" as const), days: fc.integer({ min: 0, max: 30 }) }),
  fc.constant<Change>({ kind: "vote" }),
);

/** The registry's state after every change, and each change's event bytes and named partner. */
interface History {
  states: RegistrySnapshot[];
  raws: string[];
  named: (number | null)[];
  registryChange: boolean[];
}

function newPartner(id: number): SnapshotPartner {
  return admittedSnapshotPartner(id, {
    trafficModel: { allowedCategories: [0, 1, 2, 3], maxRequestsPerSecond: 100, burst: 2, maxBandwidthKbps: 1_000 },
    nextReviewAt: NOW_S + 3 * DAY,
    endpoints: [snapshotEndpoint(0, `ep-${id}-0`, [0, 1])],
    keys: [snapshotKeyOf(KEYS[id % KEYS.length]!, 0)],
  });
}

function genesis(): RegistrySnapshot {
  return {
    formatVersion: 2,
    programId: "program",
    slot: 100,
    changeCount: 0,
    historyHead: "00".repeat(32),
    categories: ["api-read", "api-write"],
    reviewGraceSeconds: 2 * DAY,
    partners: [],
    fetchedAt: NOW - 1_000,
  };
}

/** Runs the changes on a model registry (copy on write: every state stays as it was). */
function run(changes: Change[]): History {
  const states = [genesis()];
  const raws: string[] = [];
  const named: (number | null)[] = [];
  const registryChange: boolean[] = [];
  for (const c of changes) {
    const before = states.at(-1)!;
    const s: RegistrySnapshot = { ...before, partners: [...before.partners] };
    let partner: number | null = null;
    const edit = (ref: number, f: (p: SnapshotPartner) => SnapshotPartner) => {
      if (s.partners.length === 0) return;
      const i = ref % s.partners.length;
      const p = s.partners[i]!;
      s.partners[i] = f({ ...p, endpoints: [...p.endpoints], keys: [...p.keys] });
      partner = p.id;
    };
    switch (c.kind) {
      case "admit":
        partner = s.partners.length;
        s.partners.push(newPartner(partner));
        break;
      case "status":
        edit(c.partner, (p) => ({ ...p, status: c.status }));
        break;
      case "issueKey":
        edit(c.partner, (p) => {
          const index = p.keys.length;
          p.keys.push(snapshotKeyOf(KEYS[index % KEYS.length]!, index, { endpoints: c.endpoints }));
          return { ...p, keySetVersion: p.keySetVersion + 1 };
        });
        break;
      case "revokeKey":
        edit(c.partner, (p) => {
          const k = c.key % p.keys.length;
          p.keys[k] = { ...p.keys[k]!, status: "revoked" };
          return { ...p, keySetVersion: p.keySetVersion + 1 };
        });
        break;
      case "addEndpoint":
        edit(c.partner, (p) => {
          const index = p.endpoints.length;
          p.endpoints.push(snapshotEndpoint(index, `ep-${p.id}-${index}`, c.categories, p.endpointSetVersion + 1));
          return { ...p, endpointSetVersion: p.endpointSetVersion + 1 };
        });
        break;
      case "removeEndpoint":
        edit(c.partner, (p) => {
          const e = c.endpoint % p.endpoints.length;
          p.endpoints[e] = { ...p.endpoints[e]!, status: "removed" };
          return { ...p, endpointSetVersion: p.endpointSetVersion + 1 };
        });
        break;
      case "traffic":
        edit(c.partner, (p) => ({
          ...p,
          trafficModel: { ...p.trafficModel, allowedCategories: c.categories, burst: c.burst },
        }));
        break;
      case "categories":
        s.categories = c.names;
        break;
      case "grace":
        s.reviewGraceSeconds = c.days * DAY;
        break;
      case "vote":
        break;
    }
    const raw = randomBytes(40).toString("hex");
    s.changeCount = before.changeCount + 1;
    s.historyHead = nextHistoryHead(before.historyHead, raw);
    s.slot = before.slot + 1;
    states.push(s);
    raws.push(raw);
    named.push(partner);
    registryChange.push(c.kind === "categories" || c.kind === "grace");
  }
  return { states, raws, named, registryChange };
}

/** The delta of change n as a server holding state `at` (≥ n) serves it: the named partner as stored then. */
function deltaOf(h: History, n: number, at: number): SnapshotDelta {
  const stored = h.states[at]!;
  const id = h.named[n - 1]!;
  const partner = id === null ? undefined : stored.partners.find((p) => p.id === id);
  return {
    changeIndex: n,
    slot: h.states[n]!.slot,
    raw: h.raws[n - 1]!,
    registry: h.registryChange[n - 1]
      ? { categories: stored.categories, reviewGraceSeconds: stored.reviewGraceSeconds }
      : null,
    partners: partner === undefined ? [] : [partner],
  };
}

/** Same verdicts from both verifiers on every (partner, endpoint, category, key) of the fresh snapshot. */
function assertSameVerdicts(fed: RequestVerifier, fresh: RequestVerifier, snapshot: RegistrySnapshot): void {
  let nonce = 0;
  for (const p of snapshot.partners)
    for (let endpointIndex = 0; endpointIndex < 3; endpointIndex++)
      for (let category = 0; category < 4; category++)
        for (let keyIndex = 0; keyIndex < Math.min(3, p.keys.length + 1); keyIndex++) {
          const envelope = request(KEYS[keyIndex % KEYS.length]!, {
            partnerId: p.id,
            endpointIndex,
            category,
            keyIndex,
            nonce: Buffer.alloc(16, 0)
              .fill(++nonce % 256, 0, 1)
              .fill(nonce >> 8, 1, 2),
            timestampMs: NOW + 10 * DAY * 1000,
          });
          const at = NOW + 10 * DAY * 1000;
          assert.deepEqual(fed.verify(envelope, at), fresh.verify(envelope, at));
        }
}

describe("snapshot deltas (SDK)", () => {
  it("a repeat is ignored and a skipped change is a gap", () => {
    const h = run([{ kind: "admit" }, { kind: "vote" }, { kind: "admit" }]);
    assert.equal(applySnapshotDelta(h.states[2]!, deltaOf(h, 2, 2)), null);
    const gap = applySnapshotDelta(h.states[1]!, deltaOf(h, 3, 3));
    assert.ok(isDeltaGap(gap));
    assert.match(gap.gap, /change 2 is missing/);
  });

  it("deltas applied in order, through repeats and skips (full reload on a gap), equal a fresh snapshot; so do the verdicts", () => {
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.array(fc.constantFrom("deliver", "deliver", "deliver", "repeat", "skip", "late-build"), {
          minLength: 200,
          maxLength: 200,
        }),
        fc.nat(),
        (changes, startSeed, transport, buildSeed) => {
          const h = run(changes);
          const last = changes.length;
          let snapshot = h.states[startSeed % (last + 1)]!;
          const fed = new RequestVerifier(snapshot, { maxSnapshotAgeMs: 365 * DAY * 1000 });
          let reloads = 0;
          for (let step = 0; snapshot.changeCount < last; step++) {
            const next = snapshot.changeCount + 1;
            const action = transport[step % transport.length]!;
            let delta: SnapshotDelta;
            if (action === "repeat" && snapshot.changeCount > 0) delta = deltaOf(h, snapshot.changeCount, last);
            else if (action === "skip" && next + 1 <= last) delta = deltaOf(h, next + 1, next + 1);
            // Built later than the change: the partner as stored then, already past later changes.
            else if (action === "late-build") delta = deltaOf(h, next, next + ((buildSeed + step) % (last - next + 1)));
            else delta = deltaOf(h, next, next);
            const applied = applySnapshotDelta(snapshot, delta, NOW - 1_000);
            if (applied === null) continue;
            if (isDeltaGap(applied)) {
              // The node loads the full snapshot: the server has stored at least the skipped-to change.
              reloads += 1;
              snapshot = h.states[delta.changeIndex]!;
              fed.updateSnapshot(snapshot);
              continue;
            }
            snapshot = applied;
            fed.updateSnapshot(
              snapshot,
              delta.partners.map((p) => p.id),
            );
          }
          const fresh = h.states[last]!;
          assert.deepEqual(registryState(snapshot), registryState(fresh));
          assert.ok(reloads <= transport.filter((a) => a === "skip").length);
          assertSameVerdicts(fed, new RequestVerifier(fresh, { maxSnapshotAgeMs: 365 * DAY * 1000 }), fresh);
        },
      ),
      { numRuns: 150 },
    );
  });
});
