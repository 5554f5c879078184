// Block times and slots on a real surfnet, whose getTransaction reports blockTime as the Unix
// time divided by 1000 (docs/localnet.md): the indexer stores Unix seconds (the block's time as
// the program read it), so GraphQL `blockTime` agrees with getBlockTime and `history(fromTime:)`
// finds changes by their real time. Each event's raw bytes are served too, so the history hash
// chain can be replayed from the API alone.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { RegistryFixture } from "../../harness/registry-fixture.js";
import type { ApiServer } from "../../indexer/src/api/server.js";
import type { Indexer } from "../../indexer/src/indexer.js";
import type { HistoryEvent, Registry, Transaction } from "./graphql-schema.js";
import { caughtUp, query, surfnetFixture, useServedIndex } from "./support.js";

describe("indexer: blockTime in Unix seconds (surfnet)", function () {
  this.timeout(120_000);
  let indexer: Indexer;
  let api: ApiServer;
  const { net, serve } = useServedIndex();
  let f: RegistryFixture;

  before(async function () {
    this.timeout(120_000);
    f = await surfnetFixture(net);
    await f.admittedPartner(); // passes a time lock: the chain's clock moves ahead
    ({ indexer, api } = await serve());
    await indexer.start();
    await caughtUp(indexer, f);
  });

  it("every change's blockTime is the block's Unix time (getBlockTime), also on its transaction", async () => {
    const { history } = await query<{
      history: (Pick<HistoryEvent, "changeIndex" | "slot" | "blockTime" | "data"> & {
        transaction: Pick<Transaction, "blockTime"> | null;
      })[];
    }>(api, "{ history(first: 100) { changeIndex slot blockTime data transaction { blockTime } } }");
    assert.ok(history.length >= 5, `${history.length} changes`);
    const chainNow = Number((await f.now()).toString());
    for (const e of history) {
      assert.equal(e.blockTime, await net.connection.getBlockTime(e.slot), `change #${e.changeIndex}`);
      assert.equal(e.blockTime, Number(e.data?.change?.unixTimestamp), `change #${e.changeIndex}`);
      assert.equal(e.transaction?.blockTime, e.blockTime, `change #${e.changeIndex}'s transaction`);
      assert.ok(e.blockTime > chainNow - 86_400 && e.blockTime <= chainNow, `#${e.changeIndex}: ${e.blockTime}`);
    }
  });

  it("history(fromTime:) finds the changes after a real Unix time (the chain's clock minus a day), none after now", async () => {
    const chainNow = Number((await f.now()).toString());
    type Changes = { history: Pick<HistoryEvent, "changeIndex">[] };
    const all = await query<Changes>(api, "{ history(first: 100) { changeIndex } }");
    const sinceYesterday = await query<Changes>(
      api,
      "query($t: Long) { history(first: 100, fromTime: $t) { changeIndex } }",
      {
        t: chainNow - 86_400,
      },
    );
    assert.ok(all.history.length >= 5);
    assert.deepEqual(sinceYesterday.history, all.history);
    const future = await query<Changes>(api, "query($t: Long) { history(fromTime: $t) { changeIndex } }", {
      t: chainNow + 60,
    });
    assert.deepEqual(future.history, []);
  });

  it("an auditor proves completeness from the API alone: the events' raw bytes replay to the registry's history head", async () => {
    const { registry, history } = await query<{
      registry: Pick<Registry, "changeCount" | "historyHead"> | null;
      history: Pick<HistoryEvent, "changeIndex" | "raw">[];
    }>(api, "{ registry { changeCount historyHead } history(first: 100) { changeIndex raw } }");
    let head = Buffer.alloc(32);
    for (const [i, e] of history.entries()) {
      assert.equal(e.changeIndex, i + 1, "no change missing");
      head = createHash("sha256").update(head).update(Buffer.from(e.raw, "hex")).digest();
    }
    assert.equal(String(history.length), registry?.changeCount);
    assert.equal(head.toString("hex"), registry?.historyHead);
  });
});
