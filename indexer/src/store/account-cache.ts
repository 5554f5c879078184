// Decoded account data, cached per address and content. Accounts are stored as raw bytes and
// decoded when read; a registry is read far more often than it changes, so the decoded form of
// each address's latest bytes is kept. Malformed data is reported once per address and content
// and answered as undefined (readers leave such a row out rather than guess at it).
import type { Json } from "../decoder/normalize.js";

export interface AccountDataDecoder {
  /** Normalized data of a `kind` account; throws when the bytes are malformed. */
  decode(kind: string, raw: Buffer): Json;
  /** Called once per address and content that failed to decode. */
  malformed(pubkey: string, slot: number, kind: string, err: unknown): void;
}

interface Entry {
  raw: Buffer;
  data: Json | undefined;
}

/** Enough for every account of a large registry; past it the cache starts over. */
const DEFAULT_LIMIT = 50_000;

export class AccountDataCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly decoder: AccountDataDecoder,
    private readonly limit = DEFAULT_LIMIT,
  ) {}

  /** The decoded data of `raw`, or undefined when it is malformed. */
  data(pubkey: string, slot: number, kind: string, raw: Buffer): Json | undefined {
    const cached = this.entries.get(pubkey);
    if (cached !== undefined && (cached.raw === raw || cached.raw.equals(raw))) {
      this.hits += 1;
      return cached.data;
    }
    this.misses += 1;
    let data: Json | undefined;
    try {
      // Shared by every reader from now on: frozen, so no reader can change what another sees.
      data = deepFreeze(this.decoder.decode(kind, raw));
    } catch (err) {
      this.decoder.malformed(pubkey, slot, kind, err);
      data = undefined;
    }
    if (cached === undefined && this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(pubkey, { raw, data });
    return data;
  }
}

function deepFreeze(value: Json): Json {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child as Json);
  }
  return value;
}
