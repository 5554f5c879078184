// `authorize`: may `key` of `partner` serve `endpoint` for `category`, per the indexed state?
// Fails closed: anything unknown, and any degraded indexer, answers no.
import { PublicKey } from "@solana/web3.js";
import type { Indexer } from "../indexer.js";

export interface Authorization {
  allowed: boolean;
  reason: string;
  slot: number;
  degraded: boolean;
}

/** Category names of a u64 bitmask (decimal string), per the registry's category list. */
export function categoryNames(mask: string | number, categories: string[]): string[] {
  const bits = BigInt(mask);
  return categories.filter((_, i) => (bits >> BigInt(i)) & 1n);
}

/** Bytes as stored: 32 of them (a hash, a raw key) as hex, others as numbers (decoder/normalize.ts). */
export function hexOf(bytes: string | number[]): string {
  return typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("hex");
}

export function keyToBase58(bytes: string | number[]): string {
  return new PublicKey(Buffer.from(hexOf(bytes), "hex")).toBase58();
}

/** Statuses in which a partner serves traffic. */
const SERVING = new Set(["active", "underAudit"]);

export function authorize(
  indexer: Indexer,
  args: { partner: string; key: string; endpoint: string; category: string },
  registry: { categories: string[] } | null,
  nowSeconds: number,
): Authorization {
  const { store } = indexer;
  const slot = store.indexedSlot();
  const degradation = indexer.degradation;
  const no = (reason: string): Authorization => ({ allowed: false, reason, slot, degraded: degradation !== null });
  if (degradation !== null) return no(`indexer degraded (${degradation}): fail closed`);
  if (registry === null) return no("registry not indexed");

  const partner = store.accountOf("partner", args.partner);
  if (partner === undefined || partner.closed) return no("unknown partner");
  const status = String(partner.data.status);
  if (!SERVING.has(status)) return no(`partner is ${status}`);
  const deadline = Number(partner.data.reverificationDeadline ?? 0);
  if (Number(partner.data.pendingChecks ?? 0) !== 0 && nowSeconds > deadline)
    return no("partner overdue: a re-verification was still pending at its deadline");

  const categoryIndex = /^\d+$/.test(args.category)
    ? Number(args.category)
    : registry.categories.indexOf(args.category);
  if (categoryIndex < 0 || categoryIndex >= registry.categories.length) return no("unknown category");
  const bit = 1n << BigInt(categoryIndex);
  if ((BigInt(partner.data.trafficModel.allowedCategories) & bit) === 0n)
    return no("category not allowed for the partner");

  const [host, port] = args.endpoint.includes(":") ? args.endpoint.split(":") : [args.endpoint, undefined];
  const endpoint = store
    .accountsWhere("endpoint", "partner", args.partner)
    .find((e) => e.data.host === host && (port === undefined || String(e.data.port) === port));
  if (endpoint === undefined) return no("unknown endpoint");
  if (endpoint.data.status !== "active") return no("endpoint removed");
  const changedIn = Math.max(Number(endpoint.data.addedInVersion), Number(endpoint.data.changedInVersion ?? 0));
  const attested = Number(partner.data.technicalEndpointSetVersion);
  if (partner.data.stage === "admitted" && !(changedIn <= attested))
    return no(
      `endpoint pending audit (changed in endpoint-set version ${changedIn}; the technical audit covers version ${attested})`,
    );
  if ((BigInt(endpoint.data.categories) & bit) === 0n) return no("category not allowed for the endpoint");

  let keyHex: string;
  try {
    keyHex = /^[0-9a-f]{64}$/i.test(args.key)
      ? args.key.toLowerCase()
      : new PublicKey(args.key).toBuffer().toString("hex");
  } catch {
    return no("unknown key");
  }
  const key = store.accountsWhere("infraKey", "partner", args.partner).find((k) => k.data.publicKey === keyHex);
  if (key === undefined) return no("unknown key");
  if (key.data.status === "revoked") return no("key revoked");
  if (nowSeconds < Number(key.data.validFrom)) return no("key not yet valid");
  if (nowSeconds >= Number(key.data.validUntil)) return no("key expired");
  if (key.data.status === "rotating" && nowSeconds >= Number(key.data.graceUntil)) return no("key rotated out");
  const allowed = (key.data.endpoints as number[]).slice(0, key.data.endpointCount);
  if (allowed.length > 0 && !allowed.includes(endpoint.data.index)) return no("key not valid for this endpoint");
  return { allowed: true, reason: "ok", slot, degraded: false };
}
