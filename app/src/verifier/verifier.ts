// The node's request verifier: decides, from a local registry snapshot, whether a partner's
// signed request envelope may be served. Cheap table checks first, then the signature, and only
// a request with a valid signature consumes a nonce and a token (so forgeries cannot burn a
// partner's budget). Fails closed: a stale snapshot rejects everything.
import { verify as cryptoVerify, type KeyObject } from "node:crypto";
import anchor from "@coral-xyz/anchor";
import type { RegistrySnapshot, SnapshotEndpoint, SnapshotKey, SnapshotPartner } from "../sdk/snapshot.js";
import { decodeEnvelope, ed25519PublicKey, SIGNED_BYTES } from "./envelope.js";

export const REASON_CODES = [
  "allowed",
  "malformed",
  "snapshot_stale",
  "unknown_partner",
  "partner_not_active",
  "partner_overdue",
  "unknown_endpoint",
  "endpoint_removed",
  "category_not_allowed",
  "unknown_key",
  "key_revoked",
  "key_grace_expired",
  "key_not_yet_valid",
  "key_expired",
  "key_not_bound_to_endpoint",
  "timestamp_skew",
  "bad_signature",
  "replayed_nonce",
  "rate_limited",
  "endpoint_pending_audit",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface Verdict {
  allowed: boolean;
  reason: ReasonCode;
  detail: string;
}

export interface VerifierOptions {
  /** A snapshot older than this (by its fetchedAt) rejects every request. Default 60 s. */
  maxSnapshotAgeMs?: number;
  /** Largest allowed difference between the envelope's timestamp and now. Default 30 s. */
  maxClockSkewMs?: number;
}

interface CompiledKey {
  key: SnapshotKey;
  publicKey: KeyObject | null;
  /** null = every endpoint. */
  endpoints: Set<number> | null;
  validFromMs: number;
  validUntilMs: number;
  graceUntilMs: number;
}

interface CompiledEndpoint {
  endpoint: SnapshotEndpoint;
  categories: Set<number>;
  /** Added or changed after admission and not yet covered by a technical audit. */
  pendingAudit: boolean;
}

interface CompiledPartner {
  partner: SnapshotPartner;
  allowedCategories: Set<number>;
  /** Unix ms after which the partner counts as overdue (review date + grace). */
  overdueAtMs: number;
  /** Unix ms after which a pending re-verification makes the partner overdue (infinite if none). */
  reverificationDueMs: number;
  endpoints: Map<number, CompiledEndpoint>;
  keys: Map<number, CompiledKey>;
  /** Tokens per millisecond, and the bucket size. */
  ratePerMs: number;
  capacity: number;
}

interface Bucket {
  tokens: number;
  lastMs: number;
}

const ok: Verdict = Object.freeze({ allowed: true, reason: "allowed", detail: "request allowed" });

function reject(reason: ReasonCode, detail: string): Verdict {
  return { allowed: false, reason, detail };
}

function compilePartner(partner: SnapshotPartner, reviewGraceSeconds: number): CompiledPartner {
  const endpoints = new Map<number, CompiledEndpoint>();
  for (const endpoint of partner.endpoints) {
    // Fails closed: a snapshot without the versions (format 1) counts every endpoint pending.
    const pendingAudit =
      partner.stage === "admitted" && !(endpoint.changedInVersion <= partner.technicalEndpointSetVersion);
    endpoints.set(endpoint.index, { endpoint, categories: new Set(endpoint.categories), pendingAudit });
  }
  const keys = new Map<number, CompiledKey>();
  for (const key of partner.keys) {
    let publicKey: KeyObject | null = null;
    try {
      publicKey = ed25519PublicKey(anchor.utils.bytes.bs58.decode(key.publicKey));
    } catch {
      publicKey = null; // not a usable ed25519 key: requests signed "with it" are refused
    }
    keys.set(key.index, {
      key,
      publicKey,
      endpoints: key.endpoints.length === 0 ? null : new Set(key.endpoints),
      validFromMs: key.validFrom * 1000,
      validUntilMs: key.validUntil * 1000,
      graceUntilMs: key.graceUntil * 1000,
    });
  }
  const { maxRequestsPerSecond, burst } = partner.trafficModel;
  return {
    partner,
    allowedCategories: new Set(partner.trafficModel.allowedCategories),
    overdueAtMs:
      partner.nextReviewAt > 0 ? (partner.nextReviewAt + reviewGraceSeconds) * 1000 : Number.POSITIVE_INFINITY,
    reverificationDueMs:
      (partner.pendingChecks?.length ?? 0) > 0 ? partner.reverificationDeadline * 1000 : Number.POSITIVE_INFINITY,
    endpoints,
    keys,
    ratePerMs: maxRequestsPerSecond / 1000,
    capacity: Math.max(1, burst),
  };
}

function compile(snapshot: RegistrySnapshot): Map<number, CompiledPartner> {
  const out = new Map<number, CompiledPartner>();
  for (const partner of snapshot.partners) out.set(partner.id, compilePartner(partner, snapshot.reviewGraceSeconds));
  return out;
}

/** Remembers nonces for at least `windowMs` in two rotating generations. */
class NonceWindow {
  private current = new Set<string>();
  private previous = new Set<string>();
  private rotatedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly windowMs: number) {}

  /** true if `id` was new (and is now remembered), false if it was seen within the window. */
  remember(id: string, nowMs: number): boolean {
    if (nowMs - this.rotatedAt >= this.windowMs) {
      this.previous = nowMs - this.rotatedAt >= 2 * this.windowMs ? new Set() : this.current;
      this.current = new Set();
      this.rotatedAt = nowMs;
    }
    if (this.current.has(id) || this.previous.has(id)) return false;
    this.current.add(id);
    return true;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}

export class RequestVerifier {
  private partners: Map<number, CompiledPartner>;
  private snapshotValue: RegistrySnapshot;
  private readonly buckets = new Map<number, Bucket>();
  private readonly nonces: NonceWindow;
  readonly maxSnapshotAgeMs: number;
  readonly maxClockSkewMs: number;

  constructor(snapshot: RegistrySnapshot, options: VerifierOptions = {}) {
    this.maxSnapshotAgeMs = options.maxSnapshotAgeMs ?? 60_000;
    this.maxClockSkewMs = options.maxClockSkewMs ?? 30_000;
    // A replayed envelope carries its original timestamp, so once now is past it + skew the skew
    // check refuses it: remembering nonces for 2 x skew (in generations) covers every replay.
    this.nonces = new NonceWindow(2 * this.maxClockSkewMs + 1);
    this.snapshotValue = snapshot;
    this.partners = compile(snapshot);
  }

  get snapshot(): RegistrySnapshot {
    return this.snapshotValue;
  }

  /**
   * Swaps in a fresher snapshot (token buckets and nonces carry over). With `changedPartners`
   * (ids; a delta's), only those are compiled again, unless the review grace moved.
   */
  updateSnapshot(snapshot: RegistrySnapshot, changedPartners?: readonly number[]): void {
    const previous = this.snapshotValue;
    this.snapshotValue = snapshot;
    if (changedPartners === undefined || snapshot.reviewGraceSeconds !== previous.reviewGraceSeconds) {
      this.partners = compile(snapshot);
      return;
    }
    const byId = new Map(snapshot.partners.filter((p) => changedPartners.includes(p.id)).map((p) => [p.id, p]));
    for (const id of changedPartners) {
      const partner = byId.get(id);
      if (partner === undefined) this.partners.delete(id);
      else this.partners.set(id, compilePartner(partner, snapshot.reviewGraceSeconds));
    }
  }

  /**
   * The current snapshot is still the registry's state as of `fetchedAt` (a live feed saw no
   * change since): moves its age forward without recompiling it. Never moves it backwards.
   */
  confirmSnapshot(fetchedAt: number): void {
    if (fetchedAt > this.snapshotValue.fetchedAt) this.snapshotValue = { ...this.snapshotValue, fetchedAt };
  }

  /** Decides on one envelope at `nowMs` (unix ms). Never throws. */
  verify(envelope: Uint8Array, nowMs: number = Date.now()): Verdict {
    const e = decodeEnvelope(envelope);
    if ("error" in e) return reject("malformed", e.error);

    const age = nowMs - this.snapshotValue.fetchedAt;
    if (!(age <= this.maxSnapshotAgeMs)) {
      return reject(
        "snapshot_stale",
        `the registry snapshot is ${age} ms old (limit ${this.maxSnapshotAgeMs} ms): failing closed`,
      );
    }

    const p = this.partners.get(e.partnerId);
    if (p === undefined) return reject("unknown_partner", `no partner ${e.partnerId} in the registry`);
    const status = p.partner.status;
    if (status === "reviewOverdue") return reject("partner_overdue", `partner ${e.partnerId} missed its review`);
    if (status !== "active" && status !== "underAudit")
      return reject("partner_not_active", `partner ${e.partnerId} is ${status}`);
    if (nowMs >= p.overdueAtMs) {
      return reject(
        "partner_overdue",
        `partner ${e.partnerId}'s review date plus grace passed at ${new Date(p.overdueAtMs).toISOString()}`,
      );
    }
    if (nowMs > p.reverificationDueMs) {
      return reject(
        "partner_overdue",
        `partner ${e.partnerId}'s ${p.partner.pendingChecks.join(" and ")} re-verification was due at ${new Date(p.reverificationDueMs).toISOString()}`,
      );
    }

    const ep = p.endpoints.get(e.endpointIndex);
    if (ep === undefined)
      return reject("unknown_endpoint", `partner ${e.partnerId} has no endpoint ${e.endpointIndex}`);
    if (ep.endpoint.status !== "active")
      return reject("endpoint_removed", `endpoint ${e.endpointIndex} of partner ${e.partnerId} was removed`);
    if (ep.pendingAudit) {
      return reject(
        "endpoint_pending_audit",
        `endpoint ${e.endpointIndex} of partner ${e.partnerId} changed in endpoint-set version ${ep.endpoint.changedInVersion}, after the technical audit of version ${p.partner.technicalEndpointSetVersion}: pending audit until a technical auditor attests it`,
      );
    }
    if (!ep.categories.has(e.category)) {
      return reject(
        "category_not_allowed",
        `endpoint ${e.endpointIndex} does not serve category ${this.categoryName(e.category)}`,
      );
    }
    if (!p.allowedCategories.has(e.category)) {
      return reject(
        "category_not_allowed",
        `partner ${e.partnerId}'s traffic model does not allow category ${this.categoryName(e.category)}`,
      );
    }

    const k = p.keys.get(e.keyIndex);
    if (k === undefined || k.publicKey === null)
      return reject("unknown_key", `partner ${e.partnerId} has no usable key ${e.keyIndex}`);
    if (k.key.status === "revoked")
      return reject("key_revoked", `key ${e.keyIndex} of partner ${e.partnerId} was revoked`);
    if (k.key.status === "rotating" && nowMs >= k.graceUntilMs) {
      return reject(
        "key_grace_expired",
        `key ${e.keyIndex} was replaced and its rotation grace ended at ${new Date(k.graceUntilMs).toISOString()}`,
      );
    }
    if (nowMs < k.validFromMs)
      return reject("key_not_yet_valid", `key ${e.keyIndex} is valid from ${new Date(k.validFromMs).toISOString()}`);
    if (nowMs >= k.validUntilMs)
      return reject("key_expired", `key ${e.keyIndex} expired at ${new Date(k.validUntilMs).toISOString()}`);
    if (k.endpoints !== null && !k.endpoints.has(e.endpointIndex)) {
      return reject("key_not_bound_to_endpoint", `key ${e.keyIndex} is not bound to endpoint ${e.endpointIndex}`);
    }

    const skew = e.timestampMs - nowMs;
    if (skew > this.maxClockSkewMs || skew < -this.maxClockSkewMs) {
      return reject(
        "timestamp_skew",
        `the request's timestamp is ${skew} ms from now (limit ±${this.maxClockSkewMs} ms)`,
      );
    }

    let valid = false;
    try {
      valid = cryptoVerify(null, envelope.subarray(0, SIGNED_BYTES), k.publicKey, e.signature);
    } catch {
      valid = false;
    }
    if (!valid)
      return reject("bad_signature", `the signature does not verify with key ${e.keyIndex} of partner ${e.partnerId}`);

    if (
      !this.nonces.remember(
        `${e.partnerId}:${Buffer.from(e.nonce.buffer, e.nonce.byteOffset, e.nonce.byteLength).toString("base64")}`,
        nowMs,
      )
    ) {
      return reject("replayed_nonce", "this nonce was already used within the replay window");
    }
    if (!this.take(e.partnerId, p, nowMs)) {
      return reject(
        "rate_limited",
        `partner ${e.partnerId} exceeds ${p.partner.trafficModel.maxRequestsPerSecond} requests/s (burst ${p.capacity})`,
      );
    }
    return ok;
  }

  private take(partnerId: number, p: CompiledPartner, nowMs: number): boolean {
    let bucket = this.buckets.get(partnerId);
    if (bucket === undefined) {
      bucket = { tokens: p.capacity, lastMs: nowMs };
      this.buckets.set(partnerId, bucket);
    } else if (nowMs > bucket.lastMs) {
      bucket.tokens = Math.min(p.capacity, bucket.tokens + (nowMs - bucket.lastMs) * p.ratePerMs);
      bucket.lastMs = nowMs;
    } else {
      bucket.tokens = Math.min(p.capacity, bucket.tokens);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private categoryName(index: number): string {
    const name = this.snapshotValue.categories[index];
    return name === undefined ? `#${index}` : `${index} (${name})`;
  }
}
