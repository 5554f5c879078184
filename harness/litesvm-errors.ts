// Turns litesvm's structured transaction errors into web3.js-style descriptions, so a
// failure reads (and parses) the same as bankrun's.
import type { FailedTransactionMetadata } from "litesvm";

type LiteSvmTxError = ReturnType<FailedTransactionMetadata["err"]>;

// litesvm declares TransactionErrorFieldless as an ambient const enum and does not export
// its values at run time, so the names are repeated here (litesvm 1.5.0 order).
const TRANSACTION_ERROR_NAMES = [
  "AccountInUse",
  "AccountLoadedTwice",
  "AccountNotFound",
  "ProgramAccountNotFound",
  "InsufficientFundsForFee",
  "InvalidAccountForFee",
  "AlreadyProcessed",
  "BlockhashNotFound",
  "CallChainTooDeep",
  "MissingSignatureForFee",
  "InvalidAccountIndex",
  "SignatureFailure",
  "InvalidProgramForExecution",
  "SanitizeFailure",
  "ClusterMaintenance",
  "AccountBorrowOutstanding",
  "WouldExceedMaxBlockCostLimit",
  "UnsupportedVersion",
  "InvalidWritableAccount",
  "WouldExceedMaxAccountCostLimit",
  "WouldExceedAccountDataBlockLimit",
  "TooManyAccountLocks",
  "AddressLookupTableNotFound",
  "InvalidAddressLookupTableOwner",
  "InvalidAddressLookupTableData",
  "InvalidAddressLookupTableIndex",
  "InvalidRentPayingAccount",
  "WouldExceedMaxVoteCostLimit",
  "WouldExceedAccountDataTotalLimit",
  "MaxLoadedAccountsDataSizeExceeded",
  "ResanitizationNeeded",
  "InvalidLoadedAccountsDataSizeLimit",
  "UnbalancedTransaction",
  "ProgramCacheHitMaxLimit",
  "CommitCancelled",
] as const;

export interface DescribedError {
  description: string;
  instructionIndex?: number;
  code?: number;
}

export function describeLiteSvmError(err: LiteSvmTxError): DescribedError {
  if (typeof err === "number") {
    return { description: TRANSACTION_ERROR_NAMES[err] ?? `TransactionError(${err})` };
  }
  if ("err" in err) {
    // TransactionErrorInstructionError
    const index = err.index;
    const inner = err.err();
    if (typeof inner === "object" && "code" in inner) {
      return {
        description: `Error processing Instruction ${index}: custom program error: 0x${inner.code.toString(16)}`,
        instructionIndex: index,
        code: inner.code,
      };
    }
    // toString() is "TransactionErrorInstructionError { index: 0, error: Name }".
    const name = /error: (.+) }$/.exec(err.toString())?.[1] ?? String(inner);
    return { description: `Error processing Instruction ${index}: ${name}`, instructionIndex: index };
  }
  return { description: err.toString() };
}
