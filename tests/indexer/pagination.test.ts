// Lists page with cursors (no list stops at 100), proposals are found by id, and 64-bit chain
// numbers (slots, change indices) cross GraphQL whole: a surfnet whose slot passed 2^31.
import assert from "node:assert/strict";
import type { RegistryFixture } from "../../harness/registry-fixture.js";
import type { ApiServer } from "../../indexer/src/api/server.js";
import type { Indexer } from "../../indexer/src/indexer.js";
import type { HistoryEvent, IndexerStatus, Proposal } from "./graphql-schema.js";
import { caughtUp, gql, query, surfnetFixture, until, useServedIndex } from "./support.js";

interface ProposalPage {
  totalCount: number;
  edges: { cursor: string; node: { proposalId: number } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe("GraphQL pagination and 64-bit numbers (surfnet)", function () {
  this.timeout(120_000);
  const { net, serve } = useServedIndex();
  let f: RegistryFixture;
  let indexer: Indexer;
  let api: ApiServer;
  const proposalIds: number[] = [];

  before(async () => {
    f = await surfnetFixture(net);
    for (let i = 0; i < 3; i++) {
      const partner = await f.apply({ legalName: `Paged ${i}` });
      proposalIds.push(await f.approved({ rejectApplication: { reason: `not ${i}` } }, partner.address));
    }
    ({ indexer, api } = await serve());
    await indexer.start();
    await caughtUp(indexer, f);
  });

  it("proposals page with cursors, in id order, and one is found by id", async () => {
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const page: ProposalPage = (
        await query<{ proposals: ProposalPage }>(
          api,
          "query($after: String) { proposals(first: 2, after: $after) { totalCount edges { cursor node { proposalId } } pageInfo { hasNextPage endCursor } } }",
          { after },
        )
      ).proposals;
      assert.equal(page.totalCount, proposalIds.length);
      seen.push(...page.edges.map((e) => e.node.proposalId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.deepEqual(seen, proposalIds);
    const one = await query<{ proposal: Pick<Proposal, "proposalId" | "status"> | null }>(
      api,
      "query($id: Long) { proposal(id: $id) { proposalId status } }",
      {
        id: proposalIds[1],
      },
    );
    assert.deepEqual(one.proposal, { proposalId: proposalIds[1], status: "approved" });
    assert.equal(
      (await query<{ proposal: Pick<Proposal, "proposalId"> | null }>(api, "{ proposal(id: 999999) { proposalId } }"))
        .proposal,
      null,
    );
    const bad = await gql(api, '{ proposals(after: "bm9wZQ") { totalCount } }');
    assert.match(bad.errors?.[0]?.message ?? "", /invalid cursor/);
  });

  it("a slot past 2^31 is served whole (status, history, resume points)", async () => {
    const past = 2 ** 31 + 10_000;
    net.surfnet.timeTravel({ slot: past });
    await f.apply({ legalName: "After 2^31" });
    await caughtUp(indexer, f);
    const status = await until("the slot past 2^31 in status", async () => {
      const answer = await gql<{ status: Pick<IndexerStatus, "chainSlot" | "indexedSlot" | "lag"> }>(
        api,
        "{ status { chainSlot indexedSlot lag } }",
      );
      assert.deepEqual(answer.errors, undefined, JSON.stringify(answer.errors));
      return answer.data!.status.indexedSlot > 2 ** 31 && answer.data!.status;
    });
    assert.ok(status.chainSlot >= past);
    const latest = await query<{ history: Pick<HistoryEvent, "changeIndex" | "slot">[] }>(
      api,
      "query($from: Long) { history(fromSlot: $from) { changeIndex slot } }",
      {
        from: past,
      },
    );
    assert.ok(latest.history.length > 0 && latest.history.every((e) => e.slot >= past));
    const tooBig = await gql(api, '{ history(fromSlot: "9007199254740993") { slot } }');
    assert.match(tooBig.errors?.[0]?.message ?? "", /Long must be an integer within/);
  });
});
