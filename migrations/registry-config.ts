// The registry's initial configuration as a JSON file (format: migrations/README.md),
// validated field by field before any transaction is sent.
//
// The limits mirror initialize_registry's checks (programs/lume-registry/src/instructions/
// initialize_registry.rs), which stay the authority: this only turns a program error code
// into a message that names the field.
import { readFileSync } from "node:fs";
import type { IdlTypes } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { z } from "zod";
import { UserError } from "../app/src/entry/user-error.js";
import type { LumeRegistry } from "../app/src/sdk/idl.js";

const DAY = 86_400;
export const CONFIG_LIMITS = {
  maxCouncil: 16,
  maxTimeLockSeconds: 30 * DAY,
  maxCategories: 64,
  maxCategoryBytes: 31,
  reviewIntervalSeconds: [DAY, 5 * 366 * DAY],
  deviationWindowSeconds: [60, 366 * DAY],
  guardianSuspensionSeconds: [60, 30 * DAY],
  proposalLifetimeSeconds: [60, 366 * DAY],
  maxKeyRotationGraceSeconds: 90 * DAY,
  guardianResuspensionCooldownSeconds: [60, 366 * DAY],
} as const;

/** The registry policy as Anchor's client types it from the IDL. */
export type RegistryPolicy = IdlTypes<LumeRegistry>["policy"];

/** The arguments of initialize_registry, in the order the instruction takes them. */
export interface RegistryConfig {
  council: PublicKey[];
  threshold: number;
  timeLockSeconds: number;
  policy: RegistryPolicy;
  categories: string[];
}

export class ConfigError extends UserError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid registry config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

function duration(seconds: number): string {
  return seconds % DAY === 0 && seconds >= DAY ? `${seconds} (${seconds / DAY} days)` : `${seconds}`;
}

function seconds(min: number, max: number) {
  return z
    .int({ error: "must be a whole number of seconds" })
    .min(min, `must be at least ${duration(min)} seconds`)
    .max(max, `must be at most ${duration(max)} seconds`);
}

const pubkey = z.string({ error: "must be a base58 public key (a string)" }).transform((value, ctx) => {
  try {
    const key = new PublicKey(value);
    if (key.equals(PublicKey.default))
      ctx.addIssue({ code: "custom", message: "the all-zero address cannot be a council member" });
    return key;
  } catch {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a base58 public key` });
    return z.NEVER;
  }
});

const category = z
  .string({ error: "must be a string" })
  .refine((name) => name.length > 0, "must not be empty")
  .refine((name) => Buffer.byteLength(name, "utf8") <= CONFIG_LIMITS.maxCategoryBytes, {
    message: `must be at most ${CONFIG_LIMITS.maxCategoryBytes} bytes of UTF-8`,
  });

const policySchema = z.strictObject({
  reviewIntervalSeconds: seconds(...CONFIG_LIMITS.reviewIntervalSeconds),
  reviewGraceSeconds: seconds(0, CONFIG_LIMITS.reviewIntervalSeconds[1]),
  deviationThreshold: z
    .int({ error: "must be a whole number of reports" })
    .min(1, "must be at least 1")
    .max(65_535, "must be at most 65535 (u16)"),
  deviationWindowSeconds: seconds(...CONFIG_LIMITS.deviationWindowSeconds),
  guardianSuspensionSeconds: seconds(...CONFIG_LIMITS.guardianSuspensionSeconds),
  proposalLifetimeSeconds: seconds(...CONFIG_LIMITS.proposalLifetimeSeconds),
  keyRotationGraceSeconds: seconds(0, CONFIG_LIMITS.maxKeyRotationGraceSeconds),
  guardianResuspensionCooldownSeconds: seconds(...CONFIG_LIMITS.guardianResuspensionCooldownSeconds),
});

// List-level rules run even when some items are invalid (`when`), skipping those items, so
// every problem is reported at once.
const always = { when: () => true };

/** Distinct members. */
const council = z
  .array(pubkey, { error: "must be a list of base58 public keys" })
  .min(1, "must have at least one member")
  .max(CONFIG_LIMITS.maxCouncil, `must have at most ${CONFIG_LIMITS.maxCouncil} members`)
  .superRefine((members, ctx) => {
    const seen = new Set<string>();
    members.forEach((member, i) => {
      if (!(member instanceof PublicKey)) return;
      const key = member.toBase58();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i], message: `${key} appears twice` });
      seen.add(key);
    });
  }, always);

// Category i is bit i of every category mask, so the order is part of the registry's meaning;
// strictly ascending bytes also rules out duplicates.
const categories = z
  .array(category, { error: "must be a list of category names" })
  .max(CONFIG_LIMITS.maxCategories, `must have at most ${CONFIG_LIMITS.maxCategories} names`)
  .superRefine((names, ctx) => {
    names.forEach((name, i) => {
      const previous = names[i - 1];
      if (typeof name !== "string" || typeof previous !== "string" || !name || !previous) return;
      if (Buffer.compare(Buffer.from(previous), Buffer.from(name)) >= 0) {
        const message =
          previous === name
            ? `"${name}" appears twice`
            : `"${name}" must come after "${previous}" (names are in strictly ascending byte order)`;
        ctx.addIssue({ code: "custom", path: [i], message });
      }
    });
  }, always);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

export const registryConfigSchema = z
  .strictObject({
    council,
    threshold: z.int({ error: "must be a whole number of approvals" }).min(1, "must be at least 1"),
    timeLockSeconds: seconds(0, CONFIG_LIMITS.maxTimeLockSeconds),
    policy: policySchema,
    categories,
  })
  // Cross-field rules run whenever the fields they read are valid (`when`), even if others are not.
  .superRefine(
    (c, ctx) => {
      if (c.threshold > c.council.length) {
        ctx.addIssue({
          code: "custom",
          path: ["threshold"],
          message: `must be at most the council size (${c.council.length})`,
        });
      }
    },
    { when: (p) => isRecord(p.value) && Array.isArray(p.value.council) && Number.isInteger(p.value.threshold) },
  )
  .refine((c) => c.policy.reviewGraceSeconds <= c.policy.reviewIntervalSeconds, {
    path: ["policy", "reviewGraceSeconds"],
    message: "must be at most policy.reviewIntervalSeconds",
    when: (p) =>
      isRecord(p.value) &&
      isRecord(p.value.policy) &&
      Number.isInteger(p.value.policy.reviewGraceSeconds) &&
      Number.isInteger(p.value.policy.reviewIntervalSeconds),
  });

const FIELDS = "council, threshold, timeLockSeconds, policy, categories";

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const where = pathText(issue.path);
    return `${where ? `${where}: ` : ""}unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  if (issue.path.length === 0 && issue.code === "invalid_type") return `must be a JSON object with ${FIELDS}`;
  const where = pathText(issue.path);
  return where ? `${where}: ${issue.message}` : issue.message;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    "",
  );
}

/** Validates a parsed config; `source` names it in errors (a file path). */
export function parseRegistryConfig(value: unknown, source = "config"): RegistryConfig {
  const result = registryConfigSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(source, result.error.issues.map(issueText));
  }
  return result.data;
}

export function loadRegistryConfig(path: string): RegistryConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(path, [`cannot read it: ${(err as Error).message}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(path, [`not JSON: ${(err as Error).message}`]);
  }
  return parseRegistryConfig(value, path);
}

/** The JSON form of a config (public keys as base58), as the file holds it. */
export function registryConfigToJson(config: RegistryConfig): unknown {
  return { ...config, council: config.council.map((k) => k.toBase58()) };
}
