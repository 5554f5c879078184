// The request verifier, reason by reason, on a synthetic snapshot.
import assert from "node:assert/strict";
import { decodeEnvelope, ENVELOPE_BYTES, encodeEnvelope, signEnvelope } from "../../app/src/verifier/envelope.js";
import { keepSnapshotFresh } from "../../app/src/verifier/refresh.js";
import { REASON_CODES, type ReasonCode, RequestVerifier } from "../../app/src/verifier/verifier.js";
import { NOW, NOW_S, newKey, request, scenario, snapshotKeyOf } from "./fixture.js";

const DAY = 86_400;
const seen = new Set<ReasonCode>();

function expect(verifier: RequestVerifier, envelope: Uint8Array, reason: ReasonCode, now = NOW): void {
  const verdict = verifier.verify(envelope, now);
  assert.equal(verdict.reason, reason, verdict.detail);
  assert.equal(verdict.allowed, reason === "allowed");
  assert.ok(verdict.detail.length > 0);
  seen.add(reason);
}

describe("request verifier: envelope", () => {
  it("round-trips every field through encode/decode (134 bytes)", () => {
    const { keys } = scenario();
    const bytes = request(keys[0]!, {
      partnerId: 2 ** 40,
      endpointIndex: 65_535,
      category: 255,
      keyIndex: 513,
      timestampMs: NOW + 5,
    });
    assert.equal(bytes.length, ENVELOPE_BYTES);
    const e = decodeEnvelope(bytes);
    assert.ok(!("error" in e));
    assert.deepEqual(
      { v: e.version, p: e.partnerId, ep: e.endpointIndex, c: e.category, k: e.keyIndex, t: e.timestampMs },
      { v: 1, p: 2 ** 40, ep: 65_535, c: 255, k: 513, t: NOW + 5 },
    );
    assert.deepEqual(Buffer.from(e.payloadHash), Buffer.alloc(32, 0x11));
    assert.deepEqual(Buffer.from(e.signature), bytes.subarray(70));
  });

  it("refuses to encode out-of-range fields", () => {
    assert.throws(() =>
      encodeEnvelope(
        {
          partnerId: -1,
          endpointIndex: 0,
          category: 0,
          nonce: Buffer.alloc(16),
          timestampMs: 0,
          payloadHash: Buffer.alloc(32),
          keyIndex: 0,
        },
        Buffer.alloc(64),
      ),
    );
    assert.throws(() =>
      signEnvelope(
        {
          partnerId: 1,
          endpointIndex: 70_000,
          category: 0,
          timestampMs: 0,
          payloadHash: Buffer.alloc(32),
          keyIndex: 0,
        },
        newKey().privateKey,
      ),
    );
  });
});

describe("request verifier: reason codes", () => {
  it("allows a well-formed request signed by an active key", () => {
    const { snapshot, keys } = scenario();
    expect(new RequestVerifier(snapshot), request(keys[0]!), "allowed");
  });

  it("malformed: wrong length, unknown version, empty", () => {
    const { snapshot, keys } = scenario();
    const v = new RequestVerifier(snapshot);
    const good = request(keys[0]!);
    expect(v, good.subarray(0, 100), "malformed");
    expect(v, Buffer.concat([good, Buffer.from([0])]), "malformed");
    expect(v, Buffer.concat([Buffer.from([2]), good.subarray(1)]), "malformed");
    expect(v, new Uint8Array(0), "malformed");
  });

  it("snapshot_stale: fails closed when the snapshot is older than the limit", () => {
    const { snapshot, keys } = scenario();
    const v = new RequestVerifier(snapshot, { maxSnapshotAgeMs: 5_000 });
    expect(v, request(keys[0]!, { timestampMs: NOW + 10_000 }), "snapshot_stale", NOW + 10_000);
    v.updateSnapshot({ ...snapshot, fetchedAt: NOW + 9_000 });
    expect(v, request(keys[0]!, { timestampMs: NOW + 10_000 }), "allowed", NOW + 10_000);
  });

  it("unknown_partner", () => {
    const { snapshot, keys } = scenario();
    expect(new RequestVerifier(snapshot), request(keys[0]!, { partnerId: 8 }), "unknown_partner");
  });

  for (const status of ["pending", "suspended", "revoked"] as const) {
    it(`partner_not_active: ${status}`, () => {
      const { snapshot, partner, keys } = scenario();
      partner.status = status;
      expect(new RequestVerifier(snapshot), request(keys[0]!), "partner_not_active");
    });
  }

  it("under audit still passes", () => {
    const { snapshot, partner, keys } = scenario();
    partner.status = "underAudit";
    expect(new RequestVerifier(snapshot), request(keys[0]!), "allowed");
  });

  it("partner_overdue: status reviewOverdue, or review date + grace passed before anyone marked it", () => {
    const a = scenario();
    a.partner.status = "reviewOverdue";
    expect(new RequestVerifier(a.snapshot), request(a.keys[0]!), "partner_overdue");
    const b = scenario();
    b.partner.nextReviewAt = NOW_S - 14 * DAY - 1; // grace is 14 days
    expect(new RequestVerifier(b.snapshot), request(b.keys[0]!), "partner_overdue");
    const c = scenario();
    c.partner.nextReviewAt = NOW_S - 13 * DAY; // within grace
    expect(new RequestVerifier(c.snapshot), request(c.keys[0]!), "allowed");
  });

  it("partner_overdue: a re-verification still pending after its deadline, before anyone ran the crank", () => {
    const a = scenario();
    a.partner.status = "underAudit";
    a.partner.pendingChecks = ["technical"];
    a.partner.reverificationDeadline = NOW_S - 1;
    expect(new RequestVerifier(a.snapshot), request(a.keys[0]!), "partner_overdue");
    a.partner.reverificationDeadline = NOW_S + DAY;
    expect(new RequestVerifier(a.snapshot), request(a.keys[0]!), "allowed");
  });

  it("endpoint_pending_audit: an endpoint added or changed after the last technical audit, until one attests it", () => {
    const { snapshot, partner, keys } = scenario();
    partner.endpointSetVersion = 4;
    partner.endpoints[1]!.changedInVersion = 4; // e.g. an executed SetEndpointCategories
    const v = new RequestVerifier(snapshot);
    expect(v, request(keys[1]!, { endpointIndex: 1, category: 2, keyIndex: 1 }), "endpoint_pending_audit");
    expect(v, request(keys[0]!), "allowed", NOW); // the audited endpoint 0 still serves
    const detail = v.verify(request(keys[1]!, { endpointIndex: 1, category: 2, keyIndex: 1 }), NOW).detail;
    assert.match(detail, /pending audit/);
    partner.technicalEndpointSetVersion = 4; // an auditor attested the changed set
    expect(new RequestVerifier(snapshot), request(keys[1]!, { endpointIndex: 1, category: 2, keyIndex: 1 }), "allowed");
  });

  it("endpoint_pending_audit: a snapshot without endpoint versions (format 1) fails closed", () => {
    const { snapshot, partner, keys } = scenario();
    const old = partner as unknown as Record<string, unknown>;
    delete old.technicalEndpointSetVersion;
    for (const ep of partner.endpoints) delete (ep as unknown as Record<string, unknown>).changedInVersion;
    expect(new RequestVerifier(snapshot), request(keys[0]!), "endpoint_pending_audit");
  });

  it("unknown_endpoint and endpoint_removed", () => {
    const { snapshot, keys } = scenario();
    const v = new RequestVerifier(snapshot);
    expect(v, request(keys[0]!, { endpointIndex: 9 }), "unknown_endpoint");
    expect(v, request(keys[0]!, { endpointIndex: 2 }), "endpoint_removed");
  });

  it("category_not_allowed: by the endpoint, and by the traffic model", () => {
    const { snapshot, keys } = scenario();
    const v = new RequestVerifier(snapshot);
    expect(v, request(keys[0]!, { category: 2 }), "category_not_allowed"); // endpoint 0 serves 0,1
    expect(v, request(keys[0]!, { endpointIndex: 1, category: 3 }), "category_not_allowed"); // model allows 0..2
    expect(v, request(keys[0]!, { endpointIndex: 1, category: 2 }), "allowed");
  });

  it("unknown_key", () => {
    const { snapshot, keys } = scenario();
    expect(new RequestVerifier(snapshot), request(keys[0]!, { keyIndex: 5 }), "unknown_key");
  });

  it("key_revoked", () => {
    const { snapshot, partner, keys } = scenario();
    partner.keys[0]!.status = "revoked";
    expect(new RequestVerifier(snapshot), request(keys[0]!), "key_revoked");
  });

  it("rotating keys pass within their grace, key_grace_expired after", () => {
    const { snapshot, partner, keys } = scenario();
    partner.keys[0] = { ...partner.keys[0]!, status: "rotating", graceUntil: NOW_S + 60 };
    const v = new RequestVerifier(snapshot, { maxSnapshotAgeMs: 120_000 });
    expect(v, request(keys[0]!), "allowed");
    expect(v, request(keys[0]!, { timestampMs: NOW + 61_000 }), "key_grace_expired", NOW + 61_000);
  });

  it("key_not_yet_valid and key_expired", () => {
    const { snapshot, partner } = scenario();
    const third = newKey();
    const fourth = newKey();
    partner.keys.push(
      snapshotKeyOf(third, 2, { validFrom: NOW_S + 10 }),
      snapshotKeyOf(fourth, 3, { validFrom: NOW_S - 100, validUntil: NOW_S }),
    );
    const v = new RequestVerifier(snapshot);
    expect(v, request(third, { keyIndex: 2 }), "key_not_yet_valid");
    expect(v, request(fourth, { keyIndex: 3 }), "key_expired");
  });

  it("key_not_bound_to_endpoint", () => {
    const { snapshot, keys } = scenario();
    const v = new RequestVerifier(snapshot);
    expect(v, request(keys[1]!, { keyIndex: 1 }), "key_not_bound_to_endpoint"); // key 1 serves endpoint 1 only
    expect(v, request(keys[1]!, { keyIndex: 1, endpointIndex: 1, category: 2 }), "allowed");
  });

  it("timestamp_skew: both directions", () => {
    const { snapshot, keys } = scenario();
    const v = new RequestVerifier(snapshot, { maxClockSkewMs: 30_000 });
    expect(v, request(keys[0]!, { timestampMs: NOW - 30_001 }), "timestamp_skew");
    expect(v, request(keys[0]!, { timestampMs: NOW + 30_001 }), "timestamp_skew");
    expect(v, request(keys[0]!, { timestampMs: NOW + 30_000 }), "allowed");
  });

  it("bad_signature: another key's signature, a flipped signature bit", () => {
    const { snapshot, keys } = scenario();
    const v = new RequestVerifier(snapshot);
    expect(v, request(keys[1]!, { keyIndex: 0 }), "bad_signature");
    const flipped = request(keys[0]!);
    flipped[flipped.length - 1]! ^= 1;
    expect(v, flipped, "bad_signature");
  });

  it("replayed_nonce: the same envelope twice; a forged envelope does not consume the nonce", () => {
    const { snapshot, keys } = scenario();
    const v = new RequestVerifier(snapshot);
    const nonce = Buffer.alloc(16, 9);
    const forged = request(keys[1]!, { nonce }); // signed by the wrong key
    expect(v, forged, "bad_signature");
    const good = request(keys[0]!, { nonce });
    expect(v, good, "allowed");
    expect(v, good, "replayed_nonce");
    expect(v, good, "replayed_nonce", NOW + 29_000);
    // After the skew window the replay is refused for its timestamp.
    expect(v, good, "timestamp_skew", NOW + 31_000);
  });

  it("rate_limited: a token bucket of `burst` refilled at max_requests_per_second", () => {
    const { snapshot, partner, keys } = scenario();
    partner.trafficModel.maxRequestsPerSecond = 10;
    partner.trafficModel.burst = 5;
    const v = new RequestVerifier(snapshot);
    for (let i = 0; i < 5; i++) expect(v, request(keys[0]!), "allowed");
    expect(v, request(keys[0]!), "rate_limited");
    // 100 ms later one token (10/s) is back.
    expect(v, request(keys[0]!, { timestampMs: NOW + 100 }), "allowed", NOW + 100);
    expect(v, request(keys[0]!, { timestampMs: NOW + 100 }), "rate_limited", NOW + 100);
  });

  it("covers every reason code", () => {
    assert.deepEqual(
      [...REASON_CODES].filter((r) => !seen.has(r)),
      [],
    );
  });
});

describe("request verifier: keeping the snapshot fresh", () => {
  it("swaps in reloaded snapshots, keeps the old one when a reload fails (then fails closed once it is too old)", async () => {
    const { snapshot, keys } = scenario();
    const v = new RequestVerifier(snapshot, { maxSnapshotAgeMs: 5_000 });
    const errors: unknown[] = [];
    let next: () => Promise<typeof snapshot> = async () => ({ ...snapshot, fetchedAt: NOW + 9_000 });
    const refresher = keepSnapshotFresh(v, () => next(), { intervalMs: 60_000, onError: (e) => errors.push(e) });
    try {
      await refresher.refreshNow();
      assert.equal(v.snapshot.fetchedAt, NOW + 9_000);
      assert.equal(v.verify(request(keys[0]!, { timestampMs: NOW + 10_000 }), NOW + 10_000).reason, "allowed");
      next = async () => {
        throw new Error("rpc down");
      };
      await refresher.refreshNow();
      assert.equal(errors.length, 1);
      assert.equal(v.snapshot.fetchedAt, NOW + 9_000);
      assert.equal(v.verify(request(keys[0]!, { timestampMs: NOW + 20_000 }), NOW + 20_000).reason, "snapshot_stale");
    } finally {
      refresher.stop();
    }
  });
});
