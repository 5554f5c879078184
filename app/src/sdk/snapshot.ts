// A registry snapshot: everything a node needs to decide on a partner's request, in plain
// JSON-friendly values (base58 addresses, numbers, category indices). The verifier consumes it;
// `loadRegistrySnapshot` builds it from JSON-RPC, and the indexer can serve the same shape.

import type { IdlAccounts } from "@coral-xyz/anchor";
import anchor from "@coral-xyz/anchor";
import type { Connection, PublicKey } from "@solana/web3.js";
import { catalogueNames, fixedText } from "./fixed-text.js";
import { LUME_REGISTRY_IDL, LUME_REGISTRY_PROGRAM_ID, type LumeRegistry } from "./idl.js";
import { registryAddress } from "./pda.js";

/** 2: endpoints carry `changedInVersion`, partners their technically attested set version and re-verifications. */
export const SNAPSHOT_FORMAT_VERSION = 2;

export type PartnerStatusName = "pending" | "active" | "underAudit" | "reviewOverdue" | "suspended" | "revoked";
export type AdmissionStageName = "applied" | "legalVerified" | "technicallyVerified" | "admitted" | "rejected";
export type KeyStatusName = "active" | "rotating" | "revoked";
export type EndpointStatusName = "active" | "removed";
export type ProtocolName = "https" | "wss" | "quic" | "tcp";
export type CheckName = "legal" | "technical";

/** The re-verifications in a partner's `pending_checks` bits (1 legal, 2 technical). */
export function checkNames(bits: number): CheckName[] {
  const out: CheckName[] = [];
  if (bits & 1) out.push("legal");
  if (bits & 2) out.push("technical");
  return out;
}

export interface SnapshotTrafficModel {
  /** Catalogue indices of the categories the partner may use. */
  allowedCategories: number[];
  maxRequestsPerSecond: number;
  burst: number;
  maxBandwidthKbps: number;
}

export interface SnapshotEndpoint {
  index: number;
  address: string;
  host: string;
  port: number;
  protocol: ProtocolName;
  /** Catalogue indices of the categories this endpoint serves. */
  categories: number[];
  status: EndpointStatusName;
  /**
   * Endpoint-set version in which the endpoint was added or last changed. Once the partner is
   * admitted, an endpoint above the partner's `technicalEndpointSetVersion` is pending audit:
   * nodes refuse it until a technical auditor attests a set that contains it.
   */
  changedInVersion: number;
}

export interface SnapshotKey {
  index: number;
  address: string;
  /** The ed25519 public key, base58 (as Solana prints keys). */
  publicKey: string;
  /** Endpoint indices the key is bound to; empty = every endpoint of the partner. */
  endpoints: number[];
  /** Unix seconds. */
  validFrom: number;
  validUntil: number;
  status: KeyStatusName;
  /** End of the rotation grace (status rotating), unix seconds; 0 otherwise. */
  graceUntil: number;
}

export interface SnapshotPartner {
  id: number;
  address: string;
  authority: string;
  legalName: string;
  status: PartnerStatusName;
  stage: AdmissionStageName;
  trafficModel: SnapshotTrafficModel;
  /** Unix seconds; 0 = none. */
  nextReviewAt: number;
  /** End of a guardian suspension, unix seconds; 0 = none. */
  suspensionExpiresAt: number;
  endpointSetVersion: number;
  /** The endpoint-set version the last technical audit attested. */
  technicalEndpointSetVersion: number;
  /** Re-verifications the partner owes since admission (empty = none). */
  pendingChecks: CheckName[];
  /** When the pending checks are due, unix seconds; 0 = none pending. */
  reverificationDeadline: number;
  keySetVersion: number;
  endpoints: SnapshotEndpoint[];
  keys: SnapshotKey[];
}

export interface RegistrySnapshot {
  formatVersion: typeof SNAPSHOT_FORMAT_VERSION;
  programId: string;
  /** Slot the accounts were read at (at least). */
  slot: number;
  /** The registry's history chain: changes recorded so far and the head hash (hex). */
  changeCount: number;
  historyHead: string;
  /** The category catalogue; index = bit. */
  categories: string[];
  /** Seconds after a missed review date before a partner counts as overdue. */
  reviewGraceSeconds: number;
  partners: SnapshotPartner[];
  /** When the snapshot was read, unix milliseconds (the verifier's freshness clock). */
  fetchedAt: number;
}

type Accounts = IdlAccounts<LumeRegistry>;
type BNLike = { toNumber(): number; toString(): string };

/** The single variant name of an Anchor-decoded enum (`{ active: {} }` → "active"). */
export function enumName<T extends string>(value: object): T {
  return Object.keys(value)[0] as T;
}

/** Bit indices set in a u64 mask. */
export function maskToIndices(mask: BNLike | bigint): number[] {
  let m = typeof mask === "bigint" ? mask : BigInt(mask.toString());
  const out: number[] = [];
  for (let i = 0; m > 0n; i++, m >>= 1n) if (m & 1n) out.push(i);
  return out;
}

export function indicesToMask(indices: readonly number[]): bigint {
  return indices.reduce((m, i) => m | (1n << BigInt(i)), 0n);
}

export function snapshotEndpoint(address: PublicKey, e: Accounts["endpoint"]): SnapshotEndpoint {
  return {
    index: e.index,
    address: address.toBase58(),
    host: fixedText(e.host),
    port: e.port,
    protocol: enumName<ProtocolName>(e.protocol),
    categories: maskToIndices(e.categories),
    status: enumName<EndpointStatusName>(e.status),
    // Endpoints written before `changed_in_version` existed hold 0 there.
    changedInVersion: Math.max(e.addedInVersion, e.changedInVersion),
  };
}

export function snapshotKey(address: PublicKey, k: Accounts["infraKey"]): SnapshotKey {
  return {
    index: k.index,
    address: address.toBase58(),
    publicKey: anchor.utils.bytes.bs58.encode(Buffer.from(k.publicKey)),
    endpoints: k.endpoints.slice(0, k.endpointCount),
    validFrom: k.validFrom.toNumber(),
    validUntil: k.validUntil.toNumber(),
    status: enumName<KeyStatusName>(k.status),
    graceUntil: k.graceUntil.toNumber(),
  };
}

export function snapshotPartner(address: PublicKey, p: Accounts["partner"]): SnapshotPartner {
  return {
    id: p.partnerId.toNumber(),
    address: address.toBase58(),
    authority: p.authority.toBase58(),
    legalName: fixedText(p.legalName),
    status: enumName<PartnerStatusName>(p.status),
    stage: enumName<AdmissionStageName>(p.stage),
    trafficModel: {
      allowedCategories: maskToIndices(p.trafficModel.allowedCategories),
      maxRequestsPerSecond: p.trafficModel.maxRequestsPerSecond,
      burst: p.trafficModel.burst,
      maxBandwidthKbps: p.trafficModel.maxBandwidthKbps,
    },
    nextReviewAt: p.nextReviewAt.toNumber(),
    suspensionExpiresAt: p.suspensionExpiresAt.toNumber(),
    endpointSetVersion: p.endpointSetVersion,
    technicalEndpointSetVersion: p.technicalEndpointSetVersion,
    pendingChecks: checkNames(p.pendingChecks),
    reverificationDeadline: p.reverificationDeadline.toNumber(),
    keySetVersion: p.keySetVersion,
    endpoints: [],
    keys: [],
  };
}

/** The 8-byte Anchor discriminator of account type `name` (as the IDL spells it). */
export function accountDiscriminator(
  name: "Registry" | "Partner" | "Endpoint" | "InfraKey" | "Proposal" | "RoleGrant" | "DeviationReport",
): Buffer {
  const entry = LUME_REGISTRY_IDL.accounts.find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (entry === undefined) throw new Error(`the IDL has no account ${name}`);
  return Buffer.from(entry.discriminator);
}

export interface LoadSnapshotOptions {
  programId?: PublicKey;
  /** The clock stamped into `fetchedAt` (unix ms); Date.now by default. */
  now?: () => number;
}

/**
 * Reads the registry, every partner, endpoint and key with `getProgramAccounts` (memcmp on
 * each account type's discriminator) and decodes them with Anchor's coder.
 */
export async function loadRegistrySnapshot(
  connection: Connection,
  options: LoadSnapshotOptions = {},
): Promise<RegistrySnapshot> {
  const programId = options.programId ?? LUME_REGISTRY_PROGRAM_ID;
  // Program's coder: it knows the camelCase account names ("partner", "infraKey").
  const idl = { ...LUME_REGISTRY_IDL, address: programId.toBase58() };
  const coder = new anchor.Program<LumeRegistry>(idl, { connection } as anchor.Provider).coder.accounts;
  const { bs58 } = anchor.utils.bytes;
  const byType = (name: "Partner" | "Endpoint" | "InfraKey") =>
    connection.getProgramAccounts(programId, {
      commitment: "confirmed",
      filters: [{ memcmp: { offset: 0, bytes: bs58.encode(accountDiscriminator(name)) } }],
    });
  const slot = await connection.getSlot("confirmed");
  const [registryInfo, partners, endpoints, keys] = await Promise.all([
    connection.getAccountInfo(registryAddress(programId), "confirmed"),
    byType("Partner"),
    byType("Endpoint"),
    byType("InfraKey"),
  ]);
  if (registryInfo === null) throw new Error(`the registry of program ${programId.toBase58()} is not initialized`);
  return assembleRegistrySnapshot({
    programId: programId.toBase58(),
    slot,
    registry: coder.decode<Accounts["registry"]>("registry", registryInfo.data),
    partners: partners.map(({ pubkey, account }) => ({
      address: pubkey,
      account: coder.decode<Accounts["partner"]>("partner", account.data),
    })),
    endpoints: endpoints.map(({ pubkey, account }) => ({
      address: pubkey,
      account: coder.decode<Accounts["endpoint"]>("endpoint", account.data),
    })),
    keys: keys.map(({ pubkey, account }) => ({
      address: pubkey,
      account: coder.decode<Accounts["infraKey"]>("infraKey", account.data),
    })),
    fetchedAt: (options.now ?? Date.now)(),
  });
}

/** Decoded accounts with their addresses, from wherever they were read (JSON-RPC, the indexer's store). */
export interface SnapshotAccounts {
  programId: string;
  slot: number;
  registry: Accounts["registry"];
  partners: { address: PublicKey; account: Accounts["partner"] }[];
  endpoints: { address: PublicKey; account: Accounts["endpoint"] }[];
  keys: { address: PublicKey; account: Accounts["infraKey"] }[];
  fetchedAt: number;
}

/** The registry-wide part of a snapshot (what RegistryInitialized, CategoryChanged and PolicyChanged move). */
export function snapshotRegistryFields(
  registry: Accounts["registry"],
): Pick<RegistrySnapshot, "changeCount" | "historyHead" | "categories" | "reviewGraceSeconds"> {
  return {
    changeCount: registry.history.changeCount.toNumber(),
    historyHead: Buffer.from(registry.history.head).toString("hex"),
    categories: catalogueNames(registry),
    reviewGraceSeconds: registry.policy.reviewGraceSeconds,
  };
}

/**
 * One partner's snapshot entry: its account with its endpoints and keys (those of other partners
 * are ignored), each list ordered by index. What a snapshot and a delta both carry.
 */
export function snapshotPartnerEntry(
  partner: { address: PublicKey; account: Accounts["partner"] },
  endpoints: readonly { address: PublicKey; account: Accounts["endpoint"] }[],
  keys: readonly { address: PublicKey; account: Accounts["infraKey"] }[],
): SnapshotPartner {
  const entry = snapshotPartner(partner.address, partner.account);
  for (const e of endpoints)
    if (e.account.partner.equals(partner.address)) entry.endpoints.push(snapshotEndpoint(e.address, e.account));
  for (const k of keys)
    if (k.account.partner.equals(partner.address)) entry.keys.push(snapshotKey(k.address, k.account));
  entry.endpoints.sort((a, b) => a.index - b.index);
  entry.keys.sort((a, b) => a.index - b.index);
  return entry;
}

/** The one place a RegistrySnapshot is assembled: from JSON-RPC (loadRegistrySnapshot) and in the indexer. */
export function assembleRegistrySnapshot(input: SnapshotAccounts): RegistrySnapshot {
  const byAddress = new Map<string, SnapshotPartner>();
  for (const { address, account } of input.partners)
    byAddress.set(address.toBase58(), snapshotPartner(address, account));
  for (const { address, account } of input.endpoints)
    byAddress.get(account.partner.toBase58())?.endpoints.push(snapshotEndpoint(address, account));
  for (const { address, account } of input.keys)
    byAddress.get(account.partner.toBase58())?.keys.push(snapshotKey(address, account));
  const list = [...byAddress.values()].sort((a, b) => a.id - b.id);
  for (const p of list) {
    p.endpoints.sort((a, b) => a.index - b.index);
    p.keys.sort((a, b) => a.index - b.index);
  }
  return {
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    programId: input.programId,
    slot: input.slot,
    ...snapshotRegistryFields(input.registry),
    partners: list,
    fetchedAt: input.fetchedAt,
  };
}
