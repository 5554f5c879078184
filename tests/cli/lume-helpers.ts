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
  json<T = any>(): T;
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
    json: () => {
      try {
        return JSON.parse(run.out);
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
