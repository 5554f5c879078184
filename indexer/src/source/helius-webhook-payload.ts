// What a Helius raw-transaction webhook POSTs: a JSON array of transactions, each in the shape of
// getTransaction's answer with encoding "json" (message.accountKeys as base58 strings,
// instruction data in base58, meta.innerInstructions with the program's events, meta.loadedAddresses
// for v0). Checked here, then turned into
// web3.js messages so the same code as the RPC source reads signers, instructions and writable
// accounts from them.
import anchor from "@coral-xyz/anchor";
import { Message, MessageV0, PublicKey, type VersionedMessage } from "@solana/web3.js";
import { z } from "zod";
import type { ConfirmedTransaction } from "./raw-transaction.js";

/** A body the receiver must refuse with 400: the message says what is wrong, for Helius' delivery log. */
export class PayloadError extends Error {}

const index = z.number().int().nonnegative();
const base58 = z.string().min(1);

const rawTransactionSchema = z.object({
  slot: index,
  blockTime: z.number().int().nullish(),
  meta: z
    .object({
      err: z.unknown(),
      logMessages: z.array(z.string()).nullish(),
      innerInstructions: z
        .array(
          z.object({
            index,
            instructions: z.array(z.object({ programIdIndex: index, accounts: z.array(index), data: z.string() })),
          }),
        )
        .nullish(),
      loadedAddresses: z.object({ writable: z.array(base58), readonly: z.array(base58) }).nullish(),
    })
    .nullable(),
  transaction: z.object({
    signatures: z.array(base58).min(1),
    message: z.object({
      accountKeys: z.array(base58).min(1),
      header: z.object({
        numRequiredSignatures: index,
        numReadonlySignedAccounts: index,
        numReadonlyUnsignedAccounts: index,
      }),
      recentBlockhash: base58,
      instructions: z.array(z.object({ programIdIndex: index, accounts: z.array(index), data: z.string() })),
      addressTableLookups: z
        .array(z.object({ accountKey: base58, writableIndexes: z.array(index), readonlyIndexes: z.array(index) }))
        .nullish(),
    }),
  }),
  version: z.union([z.literal("legacy"), z.literal(0)]).optional(),
});

type RawWebhookTransaction = z.infer<typeof rawTransactionSchema>;

/** One delivered transaction, ready for toRawTransaction, with every address it loaded. */
export interface WebhookTransaction {
  signature: string;
  confirmed: ConfirmedTransaction;
  /** Static keys and loaded addresses: whether the transaction touched the program at all. */
  accounts: PublicKey[];
}

/** Parses and checks a webhook body (already JSON-decoded); throws PayloadError naming the first problem. */
export function parseWebhookBody(body: unknown): WebhookTransaction[] {
  if (!Array.isArray(body))
    throw new PayloadError("expected a JSON array of transactions (a Helius raw-transaction webhook)");
  return body.map((item, i) => {
    const parsed = rawTransactionSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length > 0 ? issue.path.join(".") : "(the transaction)";
      throw new PayloadError(`transaction ${i}: ${where}: ${issue.message}`);
    }
    try {
      return toWebhookTransaction(parsed.data);
    } catch (err) {
      throw new PayloadError(`transaction ${i}: ${(err as Error).message}`);
    }
  });
}

function publicKey(text: string, what: string): PublicKey {
  try {
    return new PublicKey(text);
  } catch {
    throw new Error(`${what} is not a public key: ${JSON.stringify(text.slice(0, 64))}`);
  }
}

function toWebhookTransaction(tx: RawWebhookTransaction): WebhookTransaction {
  const m = tx.transaction.message;
  const keys = m.accountKeys.map((k, i) => publicKey(k, `accountKeys[${i}]`));
  const instructions = m.instructions.map((ix, i) => {
    if (ix.programIdIndex >= keys.length)
      throw new Error(`instructions[${i}].programIdIndex ${ix.programIdIndex} is past the ${keys.length} account keys`);
    let data: Uint8Array;
    try {
      data = anchor.utils.bytes.bs58.decode(ix.data);
    } catch {
      throw new Error(`instructions[${i}].data is not base58`);
    }
    return { programIdIndex: ix.programIdIndex, accountKeyIndexes: ix.accounts, data };
  });
  if (m.header.numRequiredSignatures > keys.length)
    throw new Error(
      `header.numRequiredSignatures ${m.header.numRequiredSignatures} exceeds the ${keys.length} account keys`,
    );
  const message: VersionedMessage =
    tx.version === 0
      ? new MessageV0({
          header: m.header,
          staticAccountKeys: keys,
          recentBlockhash: m.recentBlockhash,
          compiledInstructions: instructions,
          addressTableLookups: (m.addressTableLookups ?? []).map((l, i) => ({
            ...l,
            accountKey: publicKey(l.accountKey, `addressTableLookups[${i}].accountKey`),
          })),
        })
      : new Message({
          header: m.header,
          accountKeys: keys,
          recentBlockhash: m.recentBlockhash,
          instructions: m.instructions,
        });
  const loaded = tx.meta?.loadedAddresses;
  const writable = (loaded?.writable ?? []).map((k, i) => publicKey(k, `meta.loadedAddresses.writable[${i}]`));
  const readonly = (loaded?.readonly ?? []).map((k, i) => publicKey(k, `meta.loadedAddresses.readonly[${i}]`));
  return {
    signature: tx.transaction.signatures[0]!,
    confirmed: {
      slot: tx.slot,
      blockTime: tx.blockTime ?? null,
      transaction: { message },
      meta:
        tx.meta === null
          ? null
          : {
              err: tx.meta.err ?? null,
              logMessages: tx.meta.logMessages ?? [],
              innerInstructions: tx.meta.innerInstructions ?? [],
              loadedAddresses: { writable, readonly },
            },
    },
    accounts: [...keys, ...writable, ...readonly],
  };
}
