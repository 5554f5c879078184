// `verify`: proves the index against the chain. (1) Re-reads every program account and diffs
// it with SQLite (raw bytes and decoded JSON). (2) Replays the stored events through the
// registry's hash chain, head = sha256(head || event bytes) from 32 zero bytes, and compares
// with the head and change count the registry account holds on-chain.
import { createHash } from "node:crypto";
import type { Commitment, Connection, PublicKey } from "@solana/web3.js";
import { LUME_REGISTRY_PROGRAM_ID } from "../../../app/src/sdk/idl.js";
import { registryAddress } from "../../../app/src/sdk/pda.js";
import { RegistryDecoder } from "../decoder/decoder.js";
import { eventPartner, type IndexerStore } from "../store/store.js";

/** One field of decoded data, compared as JSON whatever the account's kind. */
const fieldOf = (data: unknown, key: string): unknown => (data as Record<string, unknown> | null)?.[key];
export interface VerifyReport {
  ok: boolean;
  slot: number;
  accountsChecked: number;
  eventsReplayed: number;
  onChainChangeCount: number | null;
  onChainHead: string | null;
  replayedHead: string;
  differences: string[];
}

export interface VerifyOptions {
  connection: Connection;
  store: IndexerStore;
  programId?: PublicKey;
  commitment?: Commitment;
}

export async function verify(options: VerifyOptions): Promise<VerifyReport> {
  const programId = options.programId ?? LUME_REGISTRY_PROGRAM_ID;
  const decoder = new RegistryDecoder(programId);
  const { store } = options;
  const differences: string[] = [];

  const { context, value } = await options.connection.getProgramAccounts(programId, {
    commitment: options.commitment ?? "confirmed",
    withContext: true,
  });
  const onChain = new Map(value.map((a) => [a.pubkey.toBase58(), a.account]));
  for (const [pubkey, account] of onChain) {
    const row = store.account(pubkey);
    if (row === undefined || row.closed) {
      differences.push(`account ${pubkey}: on chain, missing from the index`);
      continue;
    }
    const raw = store.accountRaw(pubkey);
    if (raw === null || !raw.equals(account.data))
      differences.push(
        `account ${pubkey} (${row.kind}): stored bytes differ from the chain (indexed at slot ${row.slot})`,
      );
    // The lookup keys readers find it by (its type, partner, number) must be the chain's too.
    const keys = store.accountKeys(pubkey);
    const expected = decoder.identify({ pubkey, slot: context.slot, lamports: account.lamports, data: account.data });
    if (keys !== undefined && expected !== undefined) {
      for (const key of ["kind", "owner", "seq"] as const) {
        if (keys[key] !== expected[key])
          differences.push(
            `account ${pubkey} (${row.kind}): stored ${key} ${String(keys[key])} != ${String(expected[key])} on chain`,
          );
      }
    }
    const decoded = decoder.account({ pubkey, slot: context.slot, lamports: account.lamports, data: account.data });
    if (decoded !== undefined && JSON.stringify(decoded.data) !== JSON.stringify(row.data)) {
      const fields = Object.keys(decoded.data as object).filter(
        (k) => JSON.stringify(fieldOf(decoded.data, k)) !== JSON.stringify(fieldOf(row.data, k)),
      );
      differences.push(`account ${pubkey} (${row.kind}): stored fields differ from the chain: ${fields.join(", ")}`);
    }
  }
  for (const row of store.accounts()) {
    if (!row.closed && !onChain.has(row.pubkey))
      differences.push(`account ${row.pubkey} (${row.kind}): in the index, not on chain`);
  }

  const events = store.storedEvents();
  let head = Buffer.alloc(32);
  events.forEach((event, i) => {
    // What is served comes from the bytes; columns that say otherwise were edited (or are stale).
    const fromBytes = decoder.event(event.raw, event.signature, event.slot);
    if (fromBytes !== undefined) {
      const columns = {
        name: [event.name, fromBytes.name],
        partner: [event.partner, eventPartner(fromBytes)],
        data: [JSON.stringify(event.data), JSON.stringify(fromBytes.data)],
      };
      const edited = Object.entries(columns).filter(([, [stored, proven]]) => stored !== proven);
      if (edited.length > 0)
        differences.push(
          `history: change ${event.changeIndex}: stored ${edited.map(([column]) => column).join(", ")} differ from its bytes`,
        );
    }
    if (event.changeIndex !== i + 1)
      differences.push(`history: change ${i + 1} missing (next stored is ${event.changeIndex})`);
    if (event.raw.length >= 16 && Number(event.raw.readBigUInt64LE(8)) !== event.changeIndex) {
      differences.push(
        `history: change ${event.changeIndex}: its bytes carry change index ${event.raw.readBigUInt64LE(8)}`,
      );
    }
    head = createHash("sha256").update(head).update(event.raw).digest();
  });
  const registryAccount = onChain.get(registryAddress(programId).toBase58());
  let onChainChangeCount: number | null = null;
  let onChainHead: string | null = null;
  if (registryAccount !== undefined) {
    const registry = decoder.coder.accounts.decode("registry", registryAccount.data) as {
      history: { changeCount: { toString(): string }; head: number[] };
    };
    onChainChangeCount = Number(registry.history.changeCount.toString());
    onChainHead = Buffer.from(registry.history.head).toString("hex");
    if (onChainChangeCount !== events.length)
      differences.push(
        `history: the chain counts ${onChainChangeCount} changes, the index holds ${events.length} events`,
      );
    if (onChainHead !== head.toString("hex"))
      differences.push(`history: replayed head ${head.toString("hex")} != on-chain head ${onChainHead}`);
  } else if (events.length > 0) {
    differences.push("history: events stored but no registry account on chain");
  }

  return {
    ok: differences.length === 0,
    slot: context.slot,
    accountsChecked: onChain.size,
    eventsReplayed: events.length,
    onChainChangeCount,
    onChainHead,
    replayedHead: head.toString("hex"),
    differences,
  };
}
