// One error type for failed transactions in both runtimes, shaped for Anchor's translateError.
import { SendTransactionError } from "@solana/web3.js";
import type { RuntimeKind } from "./types.js";

export interface TxErrorInit {
  runtime: RuntimeKind;
  action: "send" | "simulate";
  signature: string;
  /** web3.js-style text, e.g. "Error processing Instruction 0: custom program error: 0x1770". */
  description: string;
  logs: string[];
  computeUnits: number;
  instructionIndex?: number;
  code?: number;
}

/**
 * A failed transaction. Extends web3's SendTransactionError so `.logs` works as usual, and
 * carries `code` (the custom program error, if any) so tests need not parse strings.
 */
export class TxError extends SendTransactionError {
  readonly runtime: RuntimeKind;
  readonly description: string;
  readonly computeUnits: number;
  readonly instructionIndex: number | undefined;
  readonly code: number | undefined;

  constructor(init: TxErrorInit) {
    super({
      action: init.action,
      signature: init.signature,
      transactionMessage: init.description,
      logs: init.logs,
    });
    this.name = "TxError";
    this.runtime = init.runtime;
    this.description = init.description;
    this.computeUnits = init.computeUnits;
    this.instructionIndex = init.instructionIndex;
    this.code = init.code;
  }

  /**
   * Anchor's ProgramError.parse splits `toString()` on "custom program error: " and gives
   * up unless there is exactly one occurrence; the inherited message also quotes the logs
   * (a second occurrence), so toString keeps to the description.
   */
  override toString(): string {
    return `${this.name}: ${this.description}`;
  }
}

const CUSTOM_ERROR = /Error processing Instruction (\d+): custom program error: 0x([0-9a-fA-F]+)/;
const INSTRUCTION_ERROR = /Error processing Instruction (\d+):/;

/** Reads instruction index and custom code out of a web3/bankrun error description. */
export function parseErrorDescription(description: string): {
  instructionIndex?: number;
  code?: number;
} {
  const custom = CUSTOM_ERROR.exec(description);
  if (custom?.[1] !== undefined && custom[2] !== undefined) {
    return { instructionIndex: Number(custom[1]), code: parseInt(custom[2], 16) };
  }
  const ix = INSTRUCTION_ERROR.exec(description);
  return ix?.[1] !== undefined ? { instructionIndex: Number(ix[1]) } : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * The custom program error code of anything a send can throw: our TxError, Anchor's
 * ProgramError (`.code`) or AnchorError (`.error.errorCode.number`).
 */
export function customErrorCode(err: unknown): number | undefined {
  if (!isRecord(err)) return undefined;
  if (typeof err.code === "number") return err.code;
  const inner = err.error;
  if (isRecord(inner) && isRecord(inner.errorCode) && typeof inner.errorCode.number === "number") {
    return inner.errorCode.number;
  }
  return undefined;
}

/** Program logs carried by a thrown error, or [] if it has none. */
export function errorLogs(err: unknown): string[] {
  if (!isRecord(err) || !Array.isArray(err.logs)) return [];
  return err.logs.filter((l): l is string => typeof l === "string");
}
