// The Helius source (helius-sdk Enhanced WebSockets) against a local server speaking the same
// protocol, fed by a private surfnet: live transactions and accounts, a dropped connection, a
// silent stream caught by the registry poll.
import assert from "node:assert/strict";
import { LUME_REGISTRY_PROGRAM_ID } from "../../app/src/sdk/idl.js";
import type { RegistryFixture } from "../../harness/registry-fixture.js";
import { Indexer } from "../../indexer/src/indexer.js";
import { HeliusSource } from "../../indexer/src/source/helius-source.js";
import { verify } from "../../indexer/src/verify/verify.js";
import { HeliusMock } from "./helius-mock.js";
import { caughtUp, surfnetFixture, until, useIndexerSurfnet } from "./support.js";

describe("indexer Helius source (local Enhanced WebSocket server, surfnet)", function () {
  this.timeout(120_000);
  let indexer: Indexer | undefined;
  let mock: HeliusMock | undefined;
  const { net, tmp } = useIndexerSurfnet(async () => {
    await indexer?.stop();
    await mock?.stop();
  });
  let f: RegistryFixture;

  before(async () => {
    f = await surfnetFixture(net);
    await f.apply({ legalName: "Before Start" });
    mock = await HeliusMock.start(net.surfnet.rpcUrl, net.surfnet.wsUrl, LUME_REGISTRY_PROGRAM_ID);
    indexer = new Indexer({ rpcUrl: net.surfnet.rpcUrl, dbPath: tmp.dbPath, heliusWsUrl: mock.url, staleAfterMs: 500 });
    assert.ok(indexer.source instanceof HeliusSource);
    await indexer.start();
    await caughtUp(indexer!, f);
  });

  it("subscribes with transactionSubscribe on the program, then indexes live transactions and the accounts they touched", async () => {
    const subscribe = mock!.requests.find((r) => r.method === "transactionSubscribe");
    assert.ok(subscribe, "no transactionSubscribe request");
    assert.deepEqual((subscribe.params as [{ accountInclude: string[] }])[0].accountInclude, [
      LUME_REGISTRY_PROGRAM_ID.toBase58(),
    ]);
    const partner = await f.apply({ legalName: "Via Helius KG" });
    const row = await until("the partner, via the Helius stream", () =>
      indexer!.store.account(partner.address.toBase58()),
    );
    assert.equal(row.data?.legalName, "Via Helius KG");
    await caughtUp(indexer!, f);
    const checkpoint = indexer!.store.checkpoint("helius:transactions");
    assert.ok(checkpoint && checkpoint.slot > 0, "the Helius source has its own checkpoint");
  });

  it("a dropped connection reconnects, re-subscribes and re-backfills what it missed", async () => {
    const subscribes = mock!.requests.filter((r) => r.method === "transactionSubscribe").length;
    mock!.dropConnections();
    const missed = await f.apply({ legalName: "During The Drop" });
    await until("the missed partner", () => indexer!.store.account(missed.address.toBase58()));
    await caughtUp(indexer!, f);
    assert.ok(mock!.requests.filter((r) => r.method === "transactionSubscribe").length > subscribes, "re-subscribed");
  });

  it("a silent stream: the registry poll shows the chain moved on, and the gap check re-backfills", async () => {
    mock!.silent = true;
    try {
      const unseen = await f.apply({ legalName: "Never Streamed" });
      await until("the unstreamed partner, via the poll and re-backfill", () =>
        indexer!.store.account(unseen.address.toBase58()),
      );
      await caughtUp(indexer!, f);
    } finally {
      mock!.silent = false;
    }
    const report = await verify({ connection: net.connection, store: indexer!.store });
    assert.deepEqual(report.differences, []);
  });
});
