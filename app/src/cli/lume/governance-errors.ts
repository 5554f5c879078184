// SPL Governance's own errors in words: a transaction it refuses fails simulation, and web3.js
// only says "Simulation failed"; the program's log line names the custom error code.
import { GovernanceError } from "@solana/spl-governance";
import type { PublicKey } from "@solana/web3.js";

/** SPL Governance numbers its errors from 500 (GovernanceError[code - 500]). */
const GOVERNANCE_ERROR_OFFSET = 500;

/** The logs a failed send carries (SendTransactionError keeps them beside its message). */
function logsOf(err: unknown): string {
  const e = err as { message?: string; logs?: unknown; transactionLogs?: unknown };
  const logs = Array.isArray(e?.logs) ? e.logs : Array.isArray(e?.transactionLogs) ? e.transactionLogs : [];
  return `${e?.message ?? ""}\n${logs.join("\n")}`;
}

/** "Invalid Proposal state (SPL Governance error 522)" when `err` is SPL Governance's refusal, else undefined. */
export function governanceErrorOf(err: unknown, governanceProgramId: PublicKey): string | undefined {
  const pattern = new RegExp(
    `Program ${governanceProgramId.toBase58()} failed: custom program error: 0x([0-9a-f]+)`,
    "i",
  );
  const match = pattern.exec(logsOf(err));
  if (match === null) return undefined;
  const code = Number.parseInt(match[1]!, 16);
  const words = GovernanceError[code - GOVERNANCE_ERROR_OFFSET];
  return `${words ?? "unknown error"} (SPL Governance error ${code})`;
}
