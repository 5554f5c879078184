// Proposal actions as Anchor's client encodes them (`{ approvePartner: { endpointSetVersion: 1 } }`):
// what each says in words, and which accounts `execute` needs after its fixed ones
// (programs/lume-registry/src/instructions/execute.rs).
import type { IdlTypes } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { LUME_REGISTRY_PROGRAM_ID, type LumeRegistry } from "./idl.js";
import { type RegistryAddresses, ROLE_NAMES, type RoleName } from "./pda.js";
import { setUpgradeAuthorityRemaining, upgradeProgramRemaining } from "./program-governance.js";
import { enumName, maskToIndices } from "./snapshot.js";

export type ProposalAction = IdlTypes<LumeRegistry>["proposalAction"];
type BNLike = { toNumber(): number; toString(): string };

/** Variant name → fields, loosely typed (the decoded form of every variant). */
type Loose = Record<string, any>;

export const PARTNER_ACTIONS = new Set([
  "approvePartner",
  "rejectApplication",
  "addEndpoint",
  "removeEndpoint",
  "setEndpointCategories",
  "issueKey",
  "revokeKey",
  "suspendPartner",
  "reinstatePartner",
  "revokePartner",
  "setTrafficModel",
]);

export function actionKind(action: object): string {
  return Object.keys(action)[0] ?? "unknown";
}

/** Whether the action applies to one partner (the proposal must name it). */
export function actionTargetsPartner(action: object): boolean {
  return PARTNER_ACTIONS.has(actionKind(action));
}

// describeAction reads an action as Anchor's coder decodes it (BN, PublicKey, `{ http: {} }`)
// and as the indexer stores it (decimal strings, base58 or hex strings, "http"): these read both.

/** A u64/i64 as a BN, bigint, number or decimal string. */
function num(value: BNLike | bigint | number | string): number {
  return Number(value.toString());
}

/** A unit enum variant: `{ http: {} }` (Anchor) or "http" (the indexer). */
function variant(value: object | string): string {
  return typeof value === "string" ? value : enumName<string>(value);
}

/** An address or 32-byte key: a PublicKey, base58 text, 64 hex digits or the bytes. */
function address(value: PublicKey | string | number[]): string {
  if (typeof value === "string")
    return /^[0-9a-f]{64}$/.test(value) ? new PublicKey(Buffer.from(value, "hex")).toBase58() : value;
  if (Array.isArray(value)) return new PublicKey(Buffer.from(value)).toBase58();
  return value.toBase58();
}

function categories(mask: BNLike | string, catalogue: readonly string[]): string {
  const names = maskToIndices(BigInt(mask.toString())).map((i) => catalogue[i] ?? `#${i}`);
  return names.length === 0 ? "no categories" : names.join(", ");
}

function time(seconds: BNLike | string): string {
  return new Date(num(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** The action in plain words; `catalogue` names category bits. */
export function describeAction(action: object, catalogue: readonly string[] = []): string {
  const kind = actionKind(action);
  const a = (action as Loose)[kind] as Loose;
  switch (kind) {
    case "approvePartner":
      return `admit the partner with its endpoint set at version ${a.endpointSetVersion}`;
    case "rejectApplication":
      return `reject the application: "${a.reason}"`;
    case "addEndpoint":
      return `add endpoint ${variant(a.protocol)}://${a.host}:${a.port} for ${categories(a.categories, catalogue)}`;
    case "removeEndpoint":
      return `remove endpoint #${a.index}`;
    case "setEndpointCategories":
      return `set the categories of endpoint #${a.index} to ${categories(a.categories, catalogue)}`;
    case "issueKey": {
      const bound =
        (a.endpoints as number[]).length === 0
          ? "all endpoints"
          : `endpoints ${(a.endpoints as number[]).map((e) => `#${e}`).join(", ")}`;
      const replaces = a.replaces === null || a.replaces === undefined ? "" : `, replacing key #${a.replaces}`;
      return `issue key ${address(a.publicKey)} for ${bound}, valid ${time(a.validFrom)} to ${time(a.validUntil)}${replaces}`;
    }
    case "revokeKey":
      return `revoke key #${a.index} (${variant(a.reason)})`;
    case "suspendPartner":
      return `suspend the partner: "${a.reason}"`;
    case "reinstatePartner":
      return "reinstate the partner";
    case "revokePartner":
      return `revoke the partner for good: "${a.reason}"`;
    case "setTrafficModel": {
      const m = a.model as Loose;
      return `set the traffic model to ${categories(m.allowedCategories, catalogue)}, ${m.maxRequestsPerSecond} req/s (burst ${m.burst}), ${m.maxBandwidthKbps} kbit/s`;
    }
    case "grantRole":
      return `grant ${variant(a.role)} to ${address(a.holder)}`;
    case "revokeRole":
      return `revoke ${variant(a.role)} from ${address(a.holder)}`;
    case "addCategory":
      return `add category "${a.name}"`;
    case "renameCategory":
      return `rename category #${a.index} to "${a.name}"`;
    case "setPolicy":
      return `change the policy (time lock ${a.timeLockSeconds} s, review every ${(a.policy as Loose).reviewIntervalSeconds} s, ...)`;
    case "upgradeProgram":
      return `upgrade the program's code to the build in buffer ${address(a.buffer)} (sha256 ${Buffer.from(a.bufferSha256 as number[]).toString("hex")})`;
    case "setUpgradeAuthority":
      return a.newAuthority === null || a.newAuthority === undefined
        ? "make the program immutable: no one can change its code again"
        : `hand the program's upgrade authority to ${address(a.newAuthority)}`;
    case "setCouncil":
      return `replace the council with ${(a.members as PublicKey[]).length} members (${(a.members as PublicKey[]).map(address).join(", ")}), threshold ${a.threshold}`;
    default:
      return kind;
  }
}

/** What `executeRemainingAccounts` needs to know about the target partner. */
export interface PartnerCounters {
  nextEndpointIndex: number;
  nextKeyIndex: number;
}

/**
 * The accounts `execute` takes after its fixed four, for `action` on `partner` (all writable):
 * partner actions the partner first; AddEndpoint the new endpoint PDA (at the partner's next
 * endpoint index); Remove/SetEndpointCategories the endpoint; IssueKey the new key PDA and the
 * replaced key; RevokeKey the key; Grant/RevokeRole the role PDA.
 */
export function executeRemainingAccounts(
  action: object,
  addresses: RegistryAddresses,
  partner: PublicKey | null,
  counters: PartnerCounters | null,
  /** UpgradeProgram: who gets the buffer's lamports back (the executor). */
  spill: PublicKey | null = null,
  programId: PublicKey = LUME_REGISTRY_PROGRAM_ID,
): PublicKey[] {
  const kind = actionKind(action);
  const a = (action as Loose)[kind] as Loose;
  if (kind === "upgradeProgram") {
    if (spill === null) throw new Error("an UpgradeProgram execution needs the spill account (the executor)");
    return upgradeProgramRemaining(a.buffer as PublicKey, spill, programId).map((m) => m.pubkey);
  }
  if (kind === "setUpgradeAuthority")
    return setUpgradeAuthorityRemaining((a.newAuthority as PublicKey | null) ?? null, programId).map((m) => m.pubkey);
  if (kind === "grantRole" || kind === "revokeRole")
    return [addresses.role(enumName<RoleName>(a.role), a.holder as PublicKey)];
  if (!PARTNER_ACTIONS.has(kind)) return [];
  if (partner === null) throw new Error(`a ${kind} proposal needs its partner`);
  const need = (): PartnerCounters => {
    if (counters === null) throw new Error(`a ${kind} proposal needs the partner's account`);
    return counters;
  };
  switch (kind) {
    case "addEndpoint":
      return [partner, addresses.endpoint(partner, need().nextEndpointIndex)];
    case "removeEndpoint":
    case "setEndpointCategories":
      return [partner, addresses.endpoint(partner, a.index as number)];
    case "issueKey": {
      const accounts = [partner, addresses.key(partner, need().nextKeyIndex)];
      if (a.replaces !== null && a.replaces !== undefined) accounts.push(addresses.key(partner, a.replaces as number));
      return accounts;
    }
    case "revokeKey":
      return [partner, addresses.key(partner, a.index as number)];
    default:
      return [partner];
  }
}

export function roleArg(role: RoleName): Record<RoleName, Record<string, never>> {
  return { [role]: {} } as Record<RoleName, Record<string, never>>;
}

export function parseRoleName(value: string): RoleName | undefined {
  const normalized = value.replace(/[-_ ]/g, "").toLowerCase();
  return ROLE_NAMES.find((r) => r.toLowerCase() === normalized);
}
