// Reads the registry's custom error out of whatever a failed send throws over JSON-RPC.
//
// Why not Anchor's translateError: web3.js 1.98 puts the program logs into the
// SendTransactionError message, so "custom program error:" appears more than once and
// Anchor's ProgramError.parse gives up, leaving a bare SendTransactionError.
import type { PublicKey } from "@solana/web3.js";
import { type IdlErrorInfo, LUME_REGISTRY_ERRORS, LUME_REGISTRY_PROGRAM_ID } from "./idl.js";

export interface RegistryErrorInfo extends IdlErrorInfo {
  logs: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function logsOf(err: unknown): string[] {
  if (!isRecord(err)) return [];
  const logs = Array.isArray(err.logs)
    ? err.logs
    : isRecord(err.transactionError)
      ? err.transactionError.logs
      : undefined;
  return Array.isArray(logs) ? logs.filter((l): l is string => typeof l === "string") : [];
}

/** The custom error code a program returned, from its `Program <id> failed: ...` log line. */
function codeFromLogs(logs: string[], programId: PublicKey): number | undefined {
  const failed = `Program ${programId.toBase58()} failed: custom program error: 0x`;
  // The last such line is the outermost failure (a CPI's failure is logged first).
  const line = [...logs].reverse().find((l) => l.startsWith(failed));
  return line === undefined ? undefined : parseInt(line.slice(failed.length), 16);
}

/**
 * The code from Anchor's errors, a raw TransactionError (`{ InstructionError: [0, { Custom: 6014 }] }`,
 * thrown as is when a transaction sent with skipPreflight fails on chain) or a confirmation
 * error's text (`... {"InstructionError":[0,{"Custom":6014}]}`).
 */
function codeFromError(err: unknown): number | undefined {
  if (!isRecord(err)) return undefined;
  if (typeof err.code === "number" && LUME_REGISTRY_ERRORS.has(err.code)) return err.code; // Anchor ProgramError
  const inner = err.error;
  if (isRecord(inner) && isRecord(inner.errorCode) && typeof inner.errorCode.number === "number") {
    return inner.errorCode.number; // AnchorError
  }
  const instructionError = err.InstructionError;
  if (
    Array.isArray(instructionError) &&
    isRecord(instructionError[1]) &&
    typeof instructionError[1].Custom === "number"
  ) {
    return instructionError[1].Custom;
  }
  // A confirmation error's text, possibly wrapped by Anchor in a SendTransactionError (transactionMessage).
  const text = [err.message, err.transactionMessage].filter((t): t is string => typeof t === "string").join("\n");
  const custom = /"Custom":(\d+)/.exec(text);
  return custom?.[1] === undefined ? undefined : Number(custom[1]);
}

/**
 * The registry error named in `err` (thrown by `rpc()`, `sendTransaction` or a confirmation),
 * or undefined when the failure was something else.
 */
export function registryErrorOf(
  err: unknown,
  programId: PublicKey = LUME_REGISTRY_PROGRAM_ID,
): RegistryErrorInfo | undefined {
  const logs = logsOf(err);
  const code = codeFromLogs(logs, programId) ?? codeFromError(err);
  const info = code === undefined ? undefined : LUME_REGISTRY_ERRORS.get(code);
  return info === undefined ? undefined : { ...info, logs };
}
