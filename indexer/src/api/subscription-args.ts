// Checks the arguments of the subscriptions before a stream starts: a subscriber with a typo
// gets one clear BAD_USER_INPUT error instead of a stream that silently never delivers.
import { PublicKey } from "@solana/web3.js";
import { GraphQLError } from "graphql";
import type { Indexer } from "../indexer.js";
import type { ResumePoint } from "./subscriptions.js";

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

/** The resume point: fromChangeIndex (the last index seen) or fromSlot (first slot wanted), never both. */
export function resumePoint(args: { fromChangeIndex?: number | null; fromSlot?: number | null }): ResumePoint {
  const { fromChangeIndex, fromSlot } = args;
  const hasIndex = fromChangeIndex !== undefined && fromChangeIndex !== null;
  const hasSlot = fromSlot !== undefined && fromSlot !== null;
  if (hasIndex && hasSlot)
    throw badInput("give fromChangeIndex or fromSlot, not both: they are two ways to say where to resume");
  if (hasIndex) {
    if (fromChangeIndex < 0)
      throw badInput(`fromChangeIndex must be 0 or more (the last change index you saw), got ${fromChangeIndex}`);
    return { afterChangeIndex: fromChangeIndex };
  }
  if (hasSlot) {
    if (fromSlot < 0) throw badInput(`fromSlot must be 0 or more, got ${fromSlot}`);
    return { fromSlot };
  }
  return null;
}

/** A partner account address in base58 (32 bytes), as the history stores it. */
export function partnerAddress(partner: string | null | undefined): string | null {
  if (partner === undefined || partner === null) return null;
  try {
    new PublicKey(partner); // throws unless base58 of exactly 32 bytes
  } catch {
    throw badInput(`partner must be a partner account address in base58 (32 bytes), got "${partner}"`);
  }
  return partner;
}

/** Event names as the history stores them (the IDL's, camelCase), plus "unknown" for undecodable events. */
export function eventNames(indexer: Indexer, names: string[] | null | undefined): string[] | null {
  if (names === undefined || names === null) return null;
  const known = new Set([
    "unknown",
    ...(indexer.decoder.idl.events ?? []).map((e) => e.name.charAt(0).toLowerCase() + e.name.slice(1)),
  ]);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw badInput(
      `unknown event name ${unknown.map((n) => `"${n}"`).join(", ")}; the registry's events are ${[...known].join(", ")}`,
    );
  return names;
}
