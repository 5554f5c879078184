// The few read-only Connection methods Anchor's Program uses (account fetch, account
// resolution, rent), answered from the in-process runtime instead of JSON-RPC.
import type { AccountInfo, Connection, PublicKey, RpcResponseAndContext } from "@solana/web3.js";
import { rentExemptLamports } from "./loader.js";
import type { AccountState } from "./types.js";

export interface RuntimeReader {
  getAccount(address: PublicKey): Promise<AccountState | null>;
  latestBlockhash(): Promise<string>;
  slot(): Promise<bigint>;
}

function toAccountInfo(account: AccountState | null): AccountInfo<Buffer> | null {
  if (account === null) return null;
  return {
    lamports: Number(account.lamports),
    owner: account.owner,
    data: account.data,
    executable: account.executable,
    rentEpoch: 0,
  };
}

export class RuntimeConnection {
  constructor(private readonly reader: RuntimeReader) {}

  // Missing accounts are null, as over RPC (anchor-bankrun's proxy throws instead,
  // which breaks Anchor's fetchNullable).
  async getAccountInfo(address: PublicKey): Promise<AccountInfo<Buffer> | null> {
    return toAccountInfo(await this.reader.getAccount(address));
  }

  async getAccountInfoAndContext(address: PublicKey): Promise<RpcResponseAndContext<AccountInfo<Buffer> | null>> {
    return { context: { slot: Number(await this.reader.slot()) }, value: await this.getAccountInfo(address) };
  }

  async getMultipleAccountsInfo(addresses: PublicKey[]): Promise<(AccountInfo<Buffer> | null)[]> {
    return Promise.all(addresses.map((a) => this.getAccountInfo(a)));
  }

  async getMultipleAccountsInfoAndContext(
    addresses: PublicKey[],
  ): Promise<RpcResponseAndContext<(AccountInfo<Buffer> | null)[]>> {
    return {
      context: { slot: Number(await this.reader.slot()) },
      value: await this.getMultipleAccountsInfo(addresses),
    };
  }

  async getBalance(address: PublicKey): Promise<number> {
    return Number((await this.reader.getAccount(address))?.lamports ?? 0n);
  }

  async getMinimumBalanceForRentExemption(dataLength: number): Promise<number> {
    return Number(rentExemptLamports(dataLength));
  }

  async getSlot(): Promise<number> {
    return Number(await this.reader.slot());
  }

  async getLatestBlockhash(): Promise<{ blockhash: string; lastValidBlockHeight: number }> {
    return { blockhash: await this.reader.latestBlockhash(), lastValidBlockHeight: Number.MAX_SAFE_INTEGER };
  }

  /** Typed as a full Connection for Anchor; any other method is absent and fails loudly. */
  asConnection(): Connection {
    return this as unknown as Connection;
  }
}
