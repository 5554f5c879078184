// Running `lume` in-process against a private surfnet, with captured output.

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CreateProposalArgs,
  deserializeBorsh,
  getGovernanceInstructionSchema,
  InsertTransactionArgs,
} from "@solana/spl-governance";
import type { Keypair } from "@solana/web3.js";
import { type RunOptions, runLume } from "../../app/src/cli/lume/program.js";
import { writeKeypairFile } from "../../app/src/sdk/keypair-file.js";
import type { SurfnetSuite } from "../../harness/surfnet.js";

export interface LumeRun {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = unknown>(): T;
}

export async function lume(argv: string[], options: Omit<RunOptions, "io"> = {}): Promise<LumeRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLume(argv, {
    retryBaseMs: 10,
    ...options,
    io: { out: (s) => out.push(s), err: (s) => err.push(s) },
  });
  const run: LumeRun = {
    code,
    out: out.join("\n"),
    err: err.join("\n"),
    json: <T>(): T => {
      try {
        return JSON.parse(run.out) as T;
      } catch {
        throw new Error(`not JSON (exit ${code}):\n${run.out}\n${run.err}`);
      }
    },
  };
  return run;
}

/** Writes `keypair` to `<dir>/<name>.json` and returns the path. */
export function keyFile(dir: string, name: string, keypair: Keypair): string {
  const path = join(dir, `${name}.json`);
  writeKeypairFile(path, keypair);
  return path;
}

export type Ix = {
  programId: string;
  keys: { pubkey: string; isSigner: boolean; isWritable: boolean }[];
  data: string;
};

// What `lume --json` prints, as far as the tests read it (each command builds its object in
// app/src/cli/lume/): the type argument of LumeRun.json.

/** `propose <action>` and `partner request ...`: the new proposal. */
export interface ProposedJson {
  proposalId: number;
  action: string;
  partner: string | null;
  signature: string;
}

/** `approve`, `reject`, `cancel`, `execute`, `review record`, `guardian suspend`: the status after it. */
export interface StatusJson {
  status: string;
}

/** `proposals list`: one row per proposal. */
export interface ProposalRowJson {
  id: number;
  status: string;
  action: string;
  evidence: { uri: string; sha256: string };
}

/** `partner status`. */
export interface PartnerStatusJson {
  status: string;
  stage: string;
  nextReviewAt: string | null;
  suspensionExpiresAt: string | null;
  attestations: Record<
    "legal" | "technical",
    { by: string; at: string | null; evidenceUri: string; sha256: string } | null
  >;
  reverification: { pendingChecks: string[]; deadline: string | null; thenStatus: string } | null;
  endpointSetVersion: number;
  technicallyAttestedSetVersion: number;
  endpoints: { index: number; status: string; pendingAudit: boolean }[];
  keys: { index: number; status: string; endpoints: string }[];
}

/** `program verify`. */
export interface ProgramVerifyJson {
  match: boolean;
  deployedSha256: string;
  /** A decimal string (a u64). */
  lastUpgradeSlot: string;
  upgradeAuthority: string | null;
  upgradeAuthorityHolder: string;
}

/** `governance propose ... --json` (with or without --dry-run). */
export interface GovernanceProposalJson {
  proposal: string;
  tokenOwnerRecord: string;
  member: string;
  registryAction: string;
  instructions: Ix[];
}

/** The CreateProposal and InsertTransaction instructions of `lume governance propose --json`, decoded by spl-governance. */
export function decodeGovernance(ixs: Ix[]): { create: CreateProposalArgs; insert: InsertTransactionArgs } {
  const schema = getGovernanceInstructionSchema(3);
  return {
    create: deserializeBorsh(schema, CreateProposalArgs, Buffer.from(ixs[0]!.data, "base64")) as CreateProposalArgs,
    insert: deserializeBorsh(
      schema,
      InsertTransactionArgs,
      Buffer.from(ixs[1]!.data, "base64"),
    ) as InsertTransactionArgs,
  };
}

/** `lume` on the suite's surfnet, signing with the key file `keypair`, every prompt answered yes. */
export function lumeAs(net: SurfnetSuite, keypair: string, ...args: string[]): Promise<LumeRun> {
  return lume(["--url", net.surfnet.rpcUrl, "--ws-url", net.surfnet.wsUrl, "--keypair", keypair, "--yes", ...args]);
}

/** Asserts `run` exited 0 (its output in the message otherwise) and returns it. */
export function ok(run: LumeRun): LumeRun {
  assert.equal(run.code, 0, `exit ${run.code}\nstdout: ${run.out}\nstderr: ${run.err}`);
  return run;
}
