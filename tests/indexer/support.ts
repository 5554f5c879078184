// Indexer tests: a private surfnet per suite driven through RegistryFixture (the same action
// shapes as the program tests) over real JSON-RPC, an indexer on a SQLite file in a temp dir,
// and its GraphQL server on an ephemeral port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { freePort } from "../../app/src/entry/free-port.js";
import { signEnvelope } from "../../app/src/verifier/envelope.js";
import { addresses, type FixtureOptions, type PartnerHandle, RegistryFixture } from "../../harness/registry-fixture.js";
import { SOL, type SurfnetSuite, useRegistrySurfnet } from "../../harness/surfnet.js";
import { surfnetRuntime } from "../../harness/surfnet-runtime.js";
import { type ApiServer, startApiServer } from "../../indexer/src/api/server.js";
import type { DecodedEvent, DecodedTransaction } from "../../indexer/src/decoder/decoder.js";
import { Indexer } from "../../indexer/src/indexer.js";

const { BN } = anchor;

/** The registry initialized on the suite's surfnet, driven through RegistryFixture. */
export async function surfnetFixture(net: SurfnetSuite, options: FixtureOptions = {}): Promise<RegistryFixture> {
  const rt = surfnetRuntime(net);
  return RegistryFixture.create(rt, net.upgradeAuthority, { timeLockSeconds: 60, ...options });
}

/** A fresh temp dir for index files (`dbPath` the default one), removed by `remove()`. */
export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), "lume-indexer-"));
  return { dir, dbPath: join(dir, "index.sqlite"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
export type TempDir = { dir: string; dbPath: string; remove(): void };

/**
 * Inside `describe`: a private surfnet with the registry (`net`) and a temp dir (`tmp`) for index files. In
 * `after`, registered before the surfnet's own so it runs while the chain is still up, `stop()` (whatever the
 * suite started on it) runs and the temp dir is removed.
 */
export function useIndexerSurfnet(stop: () => Promise<unknown> | undefined): { net: SurfnetSuite; tmp: TempDir } {
  const tmp = tempDir();
  after(async () => {
    await stop();
    tmp.remove();
  });
  return { net: useRegistrySurfnet(), tmp };
}

/**
 * Inside `describe`: a private surfnet with the registry (`net`), and `serve()` (in a `before`)
 * opens an index of it (not started) and its GraphQL server on a free port. Both stop in `after`,
 * before the surfnet does, and the temp dir `tmp` is removed.
 */
export function useServedIndex(): {
  net: SurfnetSuite;
  /** The index file's temp dir (other index files may go beside it: it is removed with them). */
  tmp: { dir: string; dbPath: string };
  serve(): Promise<{ indexer: Indexer; api: ApiServer }>;
} {
  const served: { indexer?: Indexer; api?: ApiServer } = {};
  const { net, tmp } = useIndexerSurfnet(async () => {
    await served.api?.close();
    await served.indexer?.stop();
  });
  return {
    net,
    tmp,
    async serve() {
      const indexer = newIndexer(net, tmp.dbPath);
      served.indexer = indexer;
      const api = await startApiServer(indexer, { port: 0 });
      served.api = api;
      return { indexer, api };
    },
  };
}

export function newIndexer(net: SurfnetSuite, dbPath: string, staleAfterMs = 15_000): Indexer {
  return new Indexer({
    rpcUrl: net.surfnet.rpcUrl,
    wsUrl: net.surfnet.wsUrl,
    dbPath,
    staleAfterMs,
    finalityPollMs: 500,
  });
}

export async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A GraphQL response body: `T` is the shape of `data`, as the query selects it. */
export interface GqlBody<T> {
  data?: T;
  errors?: { message: string }[];
  extensions?: Record<string, unknown>;
}

/** POSTs a GraphQL query; returns the parsed body (data and errors). */
export async function gql<T = unknown>(
  api: ApiServer,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlBody<T>> {
  const res = await fetch(api.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlBody<T>;
}

/** Like gql, failing on any GraphQL error (and on an answer without data); returns `data`. */
export async function query<T>(api: ApiServer, q: string, variables: Record<string, unknown> = {}): Promise<T> {
  const body = await gql<T>(api, q, variables);
  if (body.errors?.length) throw new Error(`GraphQL errors: ${body.errors.map((e) => e.message).join("; ")}`);
  if (body.data === undefined) throw new Error("GraphQL answer without data");
  return body.data;
}

export function wsClient(api: ApiServer): Client {
  return createClient({ url: api.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
}

export { anchor, Keypair, SOL, startApiServer };

/** Waits until the index holds every change the registry counts, with no hole, and is healthy; returns the count. */
export async function caughtUp(indexer: Indexer, f: RegistryFixture): Promise<number> {
  const expected = Number((await f.registry()).history.changeCount);
  return until(`the index to hold ${expected} changes`, () => {
    const status = indexer.status();
    const whole =
      status.contiguousChangeIndex === expected &&
      status.eventCount === expected &&
      status.onChainChangeCount === expected;
    return whole && status.degraded === null && expected;
  });
}

/** A successful transaction as the decoder gives it, emitting one event (no signer, no instruction, no chain). */
export function syntheticTransaction(
  signature: string,
  slot: number,
  event: Pick<DecodedEvent, "changeIndex" | "name" | "data"> & { raw?: Buffer },
  blockTime: number | null = null,
): DecodedTransaction {
  return {
    signature,
    slot,
    blockTime,
    ok: true,
    err: null,
    programError: null,
    signers: [],
    instructions: [],
    events: [{ signature, slot, raw: Buffer.alloc(16), ...event }],
  };
}

/** A loopback port nothing listens on (free a moment ago). */
export const closedPort = (): Promise<number> => freePort("127.0.0.1");

/** A loopback URL nothing listens on (a port that was free a moment ago). */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}`;
}

/** Passes the council's RevokeKey (compromised) of `partner`'s key `index`. */
export async function revokeKey(f: RegistryFixture, partner: PartnerHandle, index: number): Promise<void> {
  f.assertOk(
    await f.pass({ revokeKey: { index, reason: { compromised: {} } } }, partner.address, [
      partner.address,
      addresses.key(partner.address, index),
    ]),
    "revoke key",
  );
}

/** Passes the council's SetTrafficModel on `partner` (a change to its account, and its event). */
export async function setTrafficModel(f: RegistryFixture, partner: PartnerHandle): Promise<void> {
  const model = { allowedCategories: new BN(0b111), maxRequestsPerSecond: 400, burst: 80, maxBandwidthKbps: 50_000 };
  f.assertOk(await f.pass({ setTrafficModel: { model } }, partner.address, [partner.address]), "set traffic model");
}

/** A request envelope of `partner` signed with `key` (its key `keyIndex`) at the wall clock, as a node checks it. */
export function signedRequest(partner: PartnerHandle, key: Keypair, keyIndex: number, nonce?: Buffer): Buffer {
  return signEnvelope(
    {
      partnerId: partner.id,
      endpointIndex: 0,
      category: 0,
      timestampMs: Date.now(),
      payloadHash: Buffer.alloc(32, 7),
      keyIndex,
      ...(nonce === undefined ? {} : { nonce }),
    },
    key.secretKey.subarray(0, 32),
  );
}
