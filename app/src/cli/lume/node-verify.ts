// `lume node verify <envelope>`: what a node would decide about one signed request, with the
// registry snapshot read over RPC (--url) or from an indexer (--indexer), and the partner,
// endpoint and key the envelope names, so an operator can see why a request was refused.

import { UserError } from "../../entry/user-error.js";
import {
  loadRegistrySnapshot,
  type RegistrySnapshot,
  type SnapshotEndpoint,
  type SnapshotKey,
  type SnapshotPartner,
} from "../../sdk/snapshot.js";
import { decodeEnvelope, type Envelope } from "../../verifier/envelope.js";
import { fetchSettledSnapshot } from "../../verifier/indexer-snapshot.js";
import { RequestVerifier, type Verdict } from "../../verifier/verifier.js";
import type { CliContext } from "./context.js";
import { envelopeArg } from "./envelope-input.js";

/** An indexer's GraphQL URL over HTTP(S), checked before anything is sent. */
export function indexerUrlArg(value: string | undefined): string {
  if (value === undefined || value.trim() === "")
    throw new UserError("--indexer needs the indexer's GraphQL URL, e.g. http://127.0.0.1:4000/graphql");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(
      `--indexer must be the indexer's GraphQL URL, e.g. http://127.0.0.1:4000/graphql, got "${value}"`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UserError(
      `--indexer must be an http:// or https:// URL (its WebSocket is derived from it), got "${value}"`,
    );
  }
  return url.toString();
}

export interface SnapshotSource {
  snapshot: RegistrySnapshot;
  /** Where it came from, in words: "RPC http://…" or "indexer http://…". */
  source: string;
}

export async function loadSnapshotFor(ctx: CliContext, indexer: string | undefined): Promise<SnapshotSource> {
  if (indexer === undefined) {
    try {
      const snapshot = await ctx.read("reading the registry snapshot", () =>
        loadRegistrySnapshot(ctx.connection, { programId: ctx.programId }),
      );
      return { snapshot, source: `RPC ${ctx.url}` };
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(
        `reading the registry snapshot from ${ctx.url}: ${(err as Error).message} (check --url and --program-id)`,
      );
    }
  }
  const url = indexerUrlArg(indexer);
  let served: Awaited<ReturnType<typeof fetchSettledSnapshot>>;
  try {
    served = await fetchSettledSnapshot(url);
  } catch (err) {
    throw new UserError(
      `${(err as Error).message}. Is the indexer running (\`npm run indexer -- start\`), and is --indexer its /graphql URL?`,
    );
  }
  // A degraded indexer may be missing changes (a revocation, say): a verdict on it could be wrong.
  if (served.degraded !== null) {
    throw new UserError(
      `the indexer at ${url} is degraded (${served.degraded}): its snapshot may miss changes, so no verdict. Retry later, or verify over RPC (without --indexer)`,
    );
  }
  if (!served.settled)
    throw new UserError(`the indexer at ${url} is still storing the accounts of its newest change: retry in a moment`);
  return { snapshot: served.snapshot, source: `indexer ${url}` };
}

export interface VerifyReport extends Verdict {
  /** The envelope's fields, or null when it does not decode. */
  envelope: {
    partnerId: number;
    endpointIndex: number;
    category: number;
    categoryName: string | null;
    keyIndex: number;
    timestamp: string;
    nonce: string;
    payloadHash: string;
  } | null;
  partner: { id: number; address: string; legalName: string; status: string } | null;
  endpoint: { index: number; host: string; port: number; protocol: string; status: string } | null;
  key: { index: number; publicKey: string; status: string; validFrom: number; validUntil: number } | null;
  snapshot: { source: string; slot: number; changeCount: number };
}

function describeEnvelope(e: Envelope, snapshot: RegistrySnapshot): NonNullable<VerifyReport["envelope"]> {
  return {
    partnerId: e.partnerId,
    endpointIndex: e.endpointIndex,
    category: e.category,
    categoryName: snapshot.categories[e.category] ?? null,
    keyIndex: e.keyIndex,
    timestamp: new Date(e.timestampMs).toISOString(),
    nonce: Buffer.from(e.nonce).toString("hex"),
    payloadHash: Buffer.from(e.payloadHash).toString("hex"),
  };
}

const partnerOf = (p: SnapshotPartner): VerifyReport["partner"] => ({
  id: p.id,
  address: p.address,
  legalName: p.legalName,
  status: p.status,
});
const endpointOf = (e: SnapshotEndpoint): VerifyReport["endpoint"] => ({
  index: e.index,
  host: e.host,
  port: e.port,
  protocol: e.protocol,
  status: e.status,
});
const keyOf = (k: SnapshotKey): VerifyReport["key"] => ({
  index: k.index,
  publicKey: k.publicKey,
  status: k.status,
  validFrom: k.validFrom,
  validUntil: k.validUntil,
});

/** The verdict on `bytes` against `loaded`, with what the envelope names in the snapshot. */
export function verifyEnvelope(bytes: Uint8Array, loaded: SnapshotSource, nowMs = Date.now()): VerifyReport {
  const { snapshot } = loaded;
  // The snapshot was just read: its age is the read's duration, far below the verifier's limit.
  const verdict = new RequestVerifier(snapshot).verify(bytes, nowMs);
  const decoded = decodeEnvelope(bytes);
  const e = "error" in decoded ? null : decoded;
  const partner = e === null ? undefined : snapshot.partners.find((p) => p.id === e.partnerId);
  const endpoint = partner?.endpoints.find((x) => x.index === e!.endpointIndex);
  const key = partner?.keys.find((x) => x.index === e!.keyIndex);
  return {
    ...verdict,
    envelope: e === null ? null : describeEnvelope(e, snapshot),
    partner: partner === undefined ? null : partnerOf(partner),
    endpoint: endpoint === undefined ? null : endpointOf(endpoint),
    key: key === undefined ? null : keyOf(key),
    snapshot: { source: loaded.source, slot: snapshot.slot, changeCount: snapshot.changeCount },
  };
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

export function formatVerifyReport(r: VerifyReport): string {
  const lines = [r.allowed ? `allowed: ${r.detail}` : `refused (${r.reason}): ${r.detail}`];
  const e = r.envelope;
  if (e !== null) {
    const category = e.categoryName === null ? `#${e.category}` : `${e.category} (${e.categoryName})`;
    lines.push(
      r.partner === null
        ? `  partner  ${e.partnerId}: not in the registry`
        : `  partner  ${r.partner.id} ${r.partner.legalName}, ${r.partner.status} (${r.partner.address})`,
      r.endpoint === null
        ? `  endpoint ${e.endpointIndex}: not in the partner's set`
        : `  endpoint ${r.endpoint.index} ${r.endpoint.protocol}://${r.endpoint.host}:${r.endpoint.port}, ${r.endpoint.status}`,
      r.key === null
        ? `  key      ${e.keyIndex}: not issued to the partner`
        : `  key      ${r.key.index} ${r.key.publicKey}, ${r.key.status}, valid ${iso(r.key.validFrom)} to ${iso(r.key.validUntil)}`,
      `  request  category ${category}, signed at ${e.timestamp}, payload sha256 ${e.payloadHash}`,
    );
  }
  lines.push(`  snapshot ${r.snapshot.source}, slot ${r.snapshot.slot}, ${r.snapshot.changeCount} changes`);
  return lines.join("\n");
}

/** Reads the envelope argument and the snapshot, and decides. */
export async function runVerify(ctx: CliContext, envelope: string, indexer: string | undefined): Promise<VerifyReport> {
  const { bytes } = envelopeArg(envelope);
  return verifyEnvelope(bytes, await loadSnapshotFor(ctx, indexer));
}
