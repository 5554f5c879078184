// Proposal actions as Anchor's client encodes them (`{ approvePartner: { endpointSetVersion: 1 } }`):
// what each says in words, and which accounts `execute` needs after its fixed ones
// (programs/lume-registry/src/instructions/execute.rs).
import type { IdlTypes } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { LUME_REGISTRY_PROGRAM_ID, type LumeRegistry } from "./idl.js";
import type { KeysOfUnion, Normalized } from "./normalized.js";
import { type RegistryAddresses, ROLE_NAMES, type RoleName } from "./pda.js";
import { setUpgradeAuthorityRemaining, upgradeProgramRemaining } from "./program-governance.js";
import { enumName, maskToIndices } from "./snapshot.js";

export type ProposalAction = IdlTypes<LumeRegistry>["proposalAction"];
type BNLike = { toNumber(): number; toString(): string };

/** The name of a proposal action's variant (`approvePartner`, …). */
type ActionKind = KeysOfUnion<ProposalAction> & string;
/**
 * The fields of variant `K` as Anchor's coder decodes them (BN, PublicKey, `{ https: {} }`) or as
 * the indexer stores them (decimal strings, base58 or hex, "https").
 */
type Fields<K extends ActionKind> = K extends ActionKind
  ? Extract<ProposalAction, Record<K, unknown>>[K] | Extract<Normalized<ProposalAction>, Record<K, unknown>>[K]
  : never;

/** The fields of `action`, whose variant is `kind`. */
function fields<K extends ActionKind>(action: object, kind: K): Fields<K> {
  return (action as Record<K, Fields<K>>)[kind];
}

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
  "requireReverification",
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
  switch (kind) {
    case "approvePartner":
      return `admit the partner with its endpoint set at version ${fields(action, kind).endpointSetVersion}`;
    case "rejectApplication":
      return `reject the application: "${fields(action, kind).reason}"`;
    case "addEndpoint": {
      const a = fields(action, kind);
      return `add endpoint ${variant(a.protocol)}://${a.host}:${a.port} for ${categories(a.categories, catalogue)}`;
    }
    case "removeEndpoint":
      return `remove endpoint #${fields(action, kind).index}`;
    case "setEndpointCategories": {
      const a = fields(action, kind);
      return `set the categories of endpoint #${a.index} to ${categories(a.categories, catalogue)}`;
    }
    case "issueKey": {
      const a = fields(action, kind);
      const endpoints = a.endpoints as number[];
      const bound = endpoints.length === 0 ? "all endpoints" : `endpoints ${endpoints.map((e) => `#${e}`).join(", ")}`;
      const replaces = a.replaces === null || a.replaces === undefined ? "" : `, replacing key #${a.replaces}`;
      return `issue key ${address(a.publicKey)} for ${bound}, valid ${time(a.validFrom)} to ${time(a.validUntil)}${replaces}`;
    }
    case "revokeKey": {
      const a = fields(action, kind);
      return `revoke key #${a.index} (${variant(a.reason)})`;
    }
    case "suspendPartner":
      return `suspend the partner: "${fields(action, kind).reason}"`;
    case "reinstatePartner":
      return "reinstate the partner";
    case "revokePartner":
      return `revoke the partner for good: "${fields(action, kind).reason}"`;
    case "setTrafficModel": {
      const m = fields(action, kind).model;
      return `set the traffic model to ${categories(m.allowedCategories, catalogue)}, ${m.maxRequestsPerSecond} req/s (burst ${m.burst}), ${m.maxBandwidthKbps} kbit/s`;
    }
    case "grantRole": {
      const a = fields(action, kind);
      return `grant ${variant(a.role)} to ${address(a.holder)}`;
    }
    case "revokeRole": {
      const a = fields(action, kind);
      return `revoke ${variant(a.role)} from ${address(a.holder)}`;
    }
    case "addCategory":
      return `add category "${fields(action, kind).name}"`;
    case "renameCategory": {
      const a = fields(action, kind);
      return `rename category #${a.index} to "${a.name}"`;
    }
    case "setPolicy": {
      const a = fields(action, kind);
      return `change the policy (time lock ${a.timeLockSeconds} s, review every ${a.policy.reviewIntervalSeconds} s, ...)`;
    }
    case "requireReverification": {
      const a = fields(action, kind);
      const checks = [a.legal ? "legal" : null, a.technical ? "technical" : null].filter((c) => c !== null);
      return `require a new ${checks.join(" and ")} verification of the partner by ${time(a.deadline)}: "${a.reason}"`;
    }
    case "upgradeProgram": {
      const a = fields(action, kind);
      return `upgrade the program's code to the build in buffer ${address(a.buffer)} (sha256 ${Buffer.from(a.bufferSha256).toString("hex")})`;
    }
    case "setUpgradeAuthority": {
      const a = fields(action, kind);
      return a.newAuthority === null || a.newAuthority === undefined
        ? "make the program immutable: no one can change its code again"
        : `hand the program's upgrade authority to ${address(a.newAuthority)}`;
    }
    case "setCouncil": {
      const a = fields(action, kind);
      const members: (PublicKey | string)[] = a.members;
      return `replace the council with ${members.length} members (${members.map(address).join(", ")}), threshold ${a.threshold}`;
    }
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
  if (kind === "upgradeProgram") {
    if (spill === null) throw new Error("an UpgradeProgram execution needs the spill account (the executor)");
    const a = fields(action, kind);
    return upgradeProgramRemaining(a.buffer as PublicKey, spill, programId).map((m) => m.pubkey);
  }
  if (kind === "setUpgradeAuthority") {
    const a = fields(action, kind);
    return setUpgradeAuthorityRemaining((a.newAuthority as PublicKey | null) ?? null, programId).map((m) => m.pubkey);
  }
  if (kind === "grantRole" || kind === "revokeRole") {
    // Built by the CLI from Anchor's decoded proposal: the role is `{ auditor: {} }`, the holder a key.
    const a = fields(action, kind);
    return [addresses.role(enumName<RoleName>(a.role as object), a.holder as PublicKey)];
  }
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
      return [partner, addresses.endpoint(partner, fields(action, kind).index)];
    case "issueKey": {
      const accounts = [partner, addresses.key(partner, need().nextKeyIndex)];
      const { replaces } = fields(action, kind);
      if (replaces !== null && replaces !== undefined) accounts.push(addresses.key(partner, replaces));
      return accounts;
    }
    case "revokeKey":
      return [partner, addresses.key(partner, fields(action, kind).index)];
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
