// The chain's clock as the program sees it: the Clock sysvar's unix_timestamp (on a local chain
// it moves ahead of the wall clock with every time travel).
import { type Commitment, type Connection, SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";

/** Byte offset of `unix_timestamp` (i64) in the Clock sysvar: slot, epoch_start_timestamp, epoch, leader_schedule_epoch. */
const UNIX_TIMESTAMP_OFFSET = 32;

/** The Clock sysvar's unix_timestamp in seconds. */
export async function chainUnixTime(connection: Connection, commitment: Commitment = "confirmed"): Promise<number> {
  const clock = await connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY, commitment);
  if (clock === null) throw new Error("the Clock sysvar is missing");
  return Number(clock.data.readBigInt64LE(UNIX_TIMESTAMP_OFFSET));
}
