// Decoding of sysvar accounts, to check what a program would actually read on-chain.
import { SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";
import type { ClockState } from "./types.js";

export { SYSVAR_CLOCK_PUBKEY };

/** Clock sysvar layout: slot u64, epoch_start_timestamp i64, epoch u64, leader_schedule_epoch u64, unix_timestamp i64. */
export function decodeClockSysvar(data: Buffer): ClockState {
  if (data.length < 40) throw new Error(`Clock sysvar too short: ${data.length} bytes`);
  return {
    slot: data.readBigUInt64LE(0),
    epochStartTimestamp: data.readBigInt64LE(8),
    epoch: data.readBigUInt64LE(16),
    leaderScheduleEpoch: data.readBigUInt64LE(24),
    unixTimestamp: data.readBigInt64LE(32),
  };
}
