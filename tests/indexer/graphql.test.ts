// The GraphQL API over real HTTP and WebSocket, on an index of a private surfnet: every query,
// pagination, authorize, subscriptions with resume, and hostile queries.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import type { IntrospectionQuery } from "graphql";
import type { Client } from "graphql-ws";
import type { RegistrySnapshot } from "../../app/src/sdk/snapshot.js";
import { addresses, type PartnerHandle, type RegistryFixture } from "../../harness/registry-fixture.js";
import type { ApiServer } from "../../indexer/src/api/server.js";
import type { Indexer } from "../../indexer/src/indexer.js";
import type {
  Attestation,
  Authorization,
  Connection,
  DeviationReport,
  Endpoint,
  HistoryEvent,
  IndexerStatus,
  InfraKey,
  NodeSnapshot,
  PageInfo,
  Partner,
  Proposal,
  Registry,
  Reverification,
  Review,
  Transaction,
} from "./graphql-schema.js";
import { gql, query, surfnetFixture, until, useServedIndex, wsClient } from "./support.js";

const { BN } = anchor;
const YEAR = 365 * 86_400;

const issueKey = (publicKey: Keypair, validFrom: number, endpoints: number[] = []) => ({
  issueKey: {
    publicKey: Array.from(publicKey.publicKey.toBuffer()),
    endpoints,
    validFrom: new BN(validFrom),
    validUntil: new BN(validFrom + YEAR),
    replaces: null,
  },
});

describe("indexer GraphQL API (surfnet, HTTP + WebSocket)", function () {
  this.timeout(180_000);
  const { net, serve } = useServedIndex();
  let f: RegistryFixture;
  let indexer: Indexer;
  let api: ApiServer;
  let active: PartnerHandle;
  let suspended: PartnerHandle;
  let pending: PartnerHandle;
  const goodKey = Keypair.generate();
  const revokedKey = Keypair.generate();
  const suspendedKey = Keypair.generate();
  let auditor: Keypair;
  let reportingNode: Keypair;

  before(async function () {
    this.timeout(180_000);
    f = await surfnetFixture(net);
    active = await f.admittedPartner();
    suspended = await f.admittedPartner();
    pending = await f.apply({ legalName: "Pending Search Ltd", jurisdiction: "GB" });
    const now = await f.now();
    for (const [partner, key, index] of [
      [active, goodKey, 0],
      [active, revokedKey, 1],
      [suspended, suspendedKey, 0],
    ] as const) {
      f.assertOk(
        await f.pass(issueKey(key, now), partner.address, [partner.address, addresses.key(partner.address, index)]),
        "issue key",
      );
    }
    f.assertOk(
      await f.pass({ revokeKey: { index: 1, reason: { compromised: {} } } }, active.address, [
        active.address,
        addresses.key(active.address, 1),
      ]),
      "revoke key",
    );
    f.assertOk(
      await f.pass({ suspendPartner: { reason: "audit" } }, suspended.address, [suspended.address]),
      "suspend",
    );
    auditor = await f.grantRole("auditor");
    reportingNode = await f.grantRole("reportingNode");
    f.assertOk(
      await f.recordReview(auditor, active.address, "passed", { evidenceUri: "https://audit.example/2026-q4.pdf" }),
      "review",
    );
    f.assertOk((await f.reportDeviation(reportingNode, active.address, 1, 900)).result, "deviation report");

    ({ indexer, api } = await serve());
    await indexer.start();
    const expected = Number((await f.registry()).history.changeCount);
    await until("the backfill", () => indexer.status().contiguousChangeIndex === expected);
  });
  it("registry and council", async () => {
    const data = await query<{
      registry: Pick<
        Registry,
        "address" | "council" | "threshold" | "categories" | "changeCount" | "historyHead" | "slot"
      > | null;
      council: string[];
    }>(api, "{ registry { address council threshold categories changeCount historyHead slot } council }");
    const onChain = await f.registry();
    assert.ok(data.registry !== null, "the registry is indexed");
    assert.deepEqual(
      data.registry.council,
      f.council.map((k) => k.publicKey.toBase58()),
    );
    assert.deepEqual(data.council, data.registry.council);
    assert.equal(data.registry.threshold, 2);
    assert.deepEqual(data.registry.categories, f.options.categories);
    assert.equal(data.registry.changeCount, onChain.history.changeCount.toString());
    assert.equal(data.registry.historyHead, Buffer.from(onChain.history.head).toString("hex"));
    assert.ok(data.registry.slot > 0);
  });

  it("partners: Relay cursor pagination in id order, with a page-size cap", async () => {
    const page1 = await query<{ partners: Connection<Pick<Partner, "partnerId">> }>(
      api,
      "{ partners(first: 2) { totalCount edges { cursor node { partnerId } } pageInfo { hasNextPage hasPreviousPage endCursor } } }",
    );
    assert.equal(page1.partners.totalCount, 3);
    assert.deepEqual(
      page1.partners.edges.map((e) => e.node.partnerId),
      [0, 1],
    );
    assert.equal(page1.partners.pageInfo.hasNextPage, true);
    assert.equal(page1.partners.pageInfo.hasPreviousPage, false);
    const page2 = await query<{
      partners: {
        edges: { node: Pick<Partner, "partnerId" | "legalName"> }[];
        pageInfo: Pick<PageInfo, "hasNextPage" | "hasPreviousPage">;
      };
    }>(
      api,
      "query($after: String) { partners(first: 2, after: $after) { edges { node { partnerId legalName } } pageInfo { hasNextPage hasPreviousPage } } }",
      {
        after: page1.partners.pageInfo.endCursor,
      },
    );
    assert.deepEqual(
      page2.partners.edges.map((e) => e.node.partnerId),
      [2],
    );
    assert.deepEqual(page2.partners.pageInfo, { hasNextPage: false, hasPreviousPage: true });
    const tooMany = await gql(api, "{ partners(first: 1000) { totalCount } }");
    assert.match(tooMany.errors?.[0]?.message ?? "", /first must be between 0 and 100/);
    const badCursor = await gql(api, '{ partners(after: "bm9wZQ") { totalCount } }');
    assert.match(badCursor.errors?.[0]?.message ?? "", /invalid cursor/);
  });

  it("partners: filters by status, stage, jurisdiction, category and text (name or host)", async () => {
    const ids = async (args: string) =>
      (
        await query<{ partners: { edges: { node: Pick<Partner, "partnerId"> }[] } }>(
          api,
          `{ partners(${args}) { edges { node { partnerId } } } }`,
        )
      ).partners.edges.map((e) => e.node.partnerId);
    assert.deepEqual(await ids('status: "active"'), [0]);
    assert.deepEqual(await ids('status: "suspended"'), [1]);
    assert.deepEqual(await ids('stage: "applied"'), [2]);
    assert.deepEqual(await ids('jurisdiction: "GB"'), [2]);
    assert.deepEqual(await ids('category: "content-fetch"'), [0, 1, 2]);
    assert.deepEqual(await ids('category: "price-feed"'), []);
    assert.deepEqual(await ids('search: "pending search"'), [2]);
    assert.deepEqual(await ids('search: "api.partner.example"'), [0, 1]);
  });

  it("partner with endpoints, keys, proposals and history (who approved, in which transaction)", async () => {
    const data = await query<{
      partner:
        | (Pick<Partner, "partnerId" | "status" | "stage" | "legalName" | "allowedCategories" | "revision"> & {
            endpoints: Pick<Endpoint, "index" | "host" | "port" | "protocol" | "categories" | "status">[];
            keys: Pick<InfraKey, "index" | "publicKey" | "status" | "endpoints" | "revocationReason">[];
            proposals: (Pick<Proposal, "proposalId" | "status" | "action"> & {
              votes: (Pick<Proposal["votes"][number], "data"> & { transaction: Pick<Transaction, "signers"> | null })[];
            })[];
            history: (Pick<HistoryEvent, "changeIndex" | "name" | "slot" | "signature"> & {
              transaction: Pick<Transaction, "signature" | "instructions"> | null;
            })[];
          })
        | null;
    }>(
      api,
      `query($address: String) { partner(address: $address) {
         partnerId status stage legalName allowedCategories revision
         endpoints { index host port protocol categories status }
         keys { index publicKey status endpoints revocationReason }
         proposals { proposalId status action votes { data transaction { signers } } }
         history { changeIndex name slot signature transaction { signature instructions } }
       } }`,
      { address: active.address.toBase58() },
    );
    const p = data.partner!;
    assert.equal(p.status, "active");
    assert.equal(p.stage, "admitted");
    assert.deepEqual(p.allowedCategories, ["api-read", "api-write", "content-fetch"]);
    assert.deepEqual(p.endpoints, [
      {
        index: 0,
        host: "api.partner.example",
        port: 443,
        protocol: "https",
        categories: ["api-read", "api-write"],
        status: "active",
      },
    ]);
    assert.deepEqual(
      p.keys.map((k) => [k.index, k.publicKey, k.status, k.revocationReason]),
      [
        [0, goodKey.publicKey.toBase58(), "active", "unspecified"],
        [1, revokedKey.publicKey.toBase58(), "revoked", "compromised"],
      ],
    );
    const approval = p.proposals.find((x) => typeof x.action !== "string" && x.action.approvePartner !== undefined)!;
    assert.equal(approval.status, "executed");
    assert.equal(approval.votes.length, 2);
    assert.deepEqual(
      approval.votes.map((v) => v.data?.member).sort(),
      f.council
        .slice(0, 2)
        .map((k) => k.publicKey.toBase58())
        .sort(),
    );
    assert.ok(approval.votes.every((v) => v.data !== null && v.transaction?.signers.includes(v.data.member)));
    const names = p.history.map((e) => e.name);
    for (const name of [
      "partnerApplied",
      "endpointAdded",
      "verificationAttested",
      "partnerStatusChanged",
      "keyIssued",
      "keyRevoked",
    ])
      assert.ok(names.includes(name), `${name} in ${names}`);
    assert.ok(p.history.every((e) => e.transaction?.signature === e.signature));

    // Reviews and deviation reports, for auditors.
    const monitoring = await query<{
      partner: {
        reviews: (Pick<Review, "auditor" | "outcome" | "evidenceUri" | "evidenceHash" | "status"> & {
          transaction: Pick<Transaction, "signers"> | null;
        })[];
        reports: Pick<DeviationReport, "reporter" | "category" | "observed" | "evidenceHash" | "windowStart">[];
      } | null;
    }>(
      api,
      `query($address: String) { partner(address: $address) {
         reviews { auditor outcome evidenceUri evidenceHash status transaction { signers } }
         reports { reporter category observed evidenceHash windowStart }
       } }`,
      { address: active.address.toBase58() },
    );
    assert.deepEqual(
      monitoring.partner!.reviews.map((r) => [r.auditor, r.outcome, r.evidenceUri, r.evidenceHash, r.status]),
      [[auditor.publicKey.toBase58(), "passed", "https://audit.example/2026-q4.pdf", "5e".repeat(32), "active"]],
    );
    assert.ok(monitoring.partner!.reviews[0]!.transaction?.signers.includes(auditor.publicKey.toBase58()));
    assert.deepEqual(
      monitoring.partner!.reports.map((r) => [r.reporter, r.category, r.observed, r.evidenceHash]),
      [[reportingNode.publicKey.toBase58(), f.options.categories[1], "900", "de".repeat(32)]],
    );
    const others = await query<{
      partner: { reviews: Pick<Review, "outcome">[]; reports: Pick<DeviationReport, "reporter">[] } | null;
    }>(api, `{ partner(address: "${suspended.address.toBase58()}") { reviews { outcome } reports { reporter } } }`);
    assert.deepEqual(others.partner, { reviews: [], reports: [] });

    const byId = await query<{ partner: Pick<Partner, "address" | "status"> | null }>(
      api,
      "{ partner(id: 1) { address status } }",
    );
    assert.deepEqual(byId.partner, { address: suspended.address.toBase58(), status: "suspended" });
    assert.equal(
      (
        await query<{ partner: Pick<Partner, "partnerId"> | null }>(
          api,
          `{ partner(address: "${Keypair.generate().publicKey.toBase58()}") { partnerId } }`,
        )
      ).partner,
      null,
    );
  });

  it("proposals by status; history by slot range and by time range; transaction; status", async () => {
    type ProposalNodes<Node> = { proposals: { edges: { node: Node }[] } };
    const executed = (
      await query<
        ProposalNodes<
          Pick<Proposal, "proposalId" | "status" | "approvalCount"> & { votes: Pick<HistoryEvent, "name">[] }
        >
      >(
        api,
        '{ proposals(status: "executed", first: 100) { edges { node { proposalId status approvalCount votes { name } } } } }',
      )
    ).proposals.edges.map((e) => e.node);
    assert.ok(executed.length >= 10);
    assert.ok(executed.every((p) => p.status === "executed" && p.approvalCount >= 2 && p.votes.length >= 2));
    assert.deepEqual(
      (
        await query<ProposalNodes<Pick<Proposal, "proposalId">>>(
          api,
          '{ proposals(status: "open") { edges { node { proposalId } } } }',
        )
      ).proposals.edges,
      [],
    );

    type Events<K extends keyof HistoryEvent> = { history: Pick<HistoryEvent, K>[] };
    const all = (await query<Events<"changeIndex" | "slot">>(api, "{ history(first: 100) { changeIndex slot } }"))
      .history;
    assert.deepEqual(
      all.map((e) => e.changeIndex),
      all.map((_, i) => i + 1),
    );
    const middle = all[Math.floor(all.length / 2)]!.slot;
    const ranged = (
      await query<Events<"slot">>(api, "query($s: Long) { history(fromSlot: $s, toSlot: $s) { slot } }", {
        s: middle,
      })
    ).history;
    assert.ok(ranged.length >= 1 && ranged.every((e) => e.slot === middle));
    // By time range (block time, inclusive): exactly the events whose block time lies inside.
    // (surfpool stamps every transaction of a 1,000-second window with one block time — see
    // docs/localnet.md — so the range semantics are tested on distinct times in store.test.ts.)
    const timed = (
      await query<Events<"changeIndex" | "blockTime">>(api, "{ history(first: 100) { changeIndex blockTime } }")
    ).history;
    assert.ok(
      timed.every((e) => typeof e.blockTime === "number"),
      "every event has a block time",
    );
    const first = Math.min(...timed.map((e) => e.blockTime!));
    const inRange = (
      await query<Events<"changeIndex" | "blockTime">>(
        api,
        "query($f: Long, $t: Long) { history(fromTime: $f, toTime: $t) { changeIndex blockTime } }",
        {
          f: first,
          t: first,
        },
      )
    ).history;
    assert.deepEqual(
      inRange.map((e) => e.changeIndex),
      timed.filter((e) => e.blockTime === first).map((e) => e.changeIndex),
    );
    assert.ok(inRange.length >= 1);
    assert.deepEqual(
      (await query<Events<"blockTime">>(api, "query($t: Long) { history(toTime: $t) { blockTime } }", { t: first - 1 }))
        .history,
      [],
    );
    const after = (
      await query<Events<"blockTime">>(api, "query($f: Long) { history(fromTime: $f) { blockTime } }", {
        f: Math.max(...timed.map((e) => e.blockTime!)) + 1,
      })
    ).history;
    assert.deepEqual(after, []);
    const partnerHistory = (
      await query<Events<"name">>(api, `{ history(partner: "${pending.address.toBase58()}") { name } }`)
    ).history;
    assert.deepEqual(
      partnerHistory.map((e) => e.name),
      ["partnerApplied"],
    );

    const status = (
      await query<{
        status: Pick<
          IndexerStatus,
          | "indexedSlot"
          | "chainSlot"
          | "lag"
          | "syncedSlot"
          | "finalizedSlot"
          | "degraded"
          | "eventCount"
          | "onChainChangeCount"
        > & { checkpoints: Pick<IndexerStatus["checkpoints"][number], "source" | "slot">[] };
      }>(
        api,
        "{ status { indexedSlot chainSlot lag syncedSlot finalizedSlot degraded eventCount onChainChangeCount checkpoints { source slot } } }",
      )
    ).status;
    assert.equal(status.degraded, null);
    assert.ok(
      status.syncedSlot >= status.indexedSlot && status.lag === Math.max(0, status.chainSlot - status.syncedSlot),
    );
    assert.ok(status.finalizedSlot === null || status.finalizedSlot <= status.chainSlot);
    assert.equal(status.eventCount, status.onChainChangeCount);
    assert.deepEqual(
      status.checkpoints.map((c) => c.source),
      ["rpc:accounts", "rpc:transactions"],
    );
  });

  it("authorize: allowed, revoked key, unknown endpoint, wrong category, suspended partner", async () => {
    const ask = async (partner: PartnerHandle, key: Keypair, endpoint: string, category: string) =>
      (
        await query<{ authorize: Authorization }>(
          api,
          "query($p: String!, $k: String!, $e: String!, $c: String!) { authorize(partner: $p, key: $k, endpoint: $e, category: $c) { allowed reason slot degraded } }",
          {
            p: partner.address.toBase58(),
            k: key.publicKey.toBase58(),
            e: endpoint,
            c: category,
          },
        )
      ).authorize;
    const ok = await ask(active, goodKey, "api.partner.example", "api-read");
    assert.deepEqual(
      { allowed: ok.allowed, reason: ok.reason, degraded: ok.degraded },
      { allowed: true, reason: "ok", degraded: false },
    );
    assert.ok(ok.slot > 0);
    assert.equal((await ask(active, goodKey, "api.partner.example:443", "api-write")).allowed, true);
    assert.deepEqual([(await ask(active, revokedKey, "api.partner.example", "api-read")).reason], ["key revoked"]);
    assert.equal((await ask(active, goodKey, "unknown.example", "api-read")).reason, "unknown endpoint");
    assert.equal((await ask(active, goodKey, "api.partner.example:8443", "api-read")).reason, "unknown endpoint");
    assert.equal(
      (await ask(active, goodKey, "api.partner.example", "content-fetch")).reason,
      "category not allowed for the endpoint",
    );
    assert.equal(
      (await ask(active, goodKey, "api.partner.example", "price-feed")).reason,
      "category not allowed for the partner",
    );
    assert.equal((await ask(active, goodKey, "api.partner.example", "no-such-category")).reason, "unknown category");
    assert.equal((await ask(active, Keypair.generate(), "api.partner.example", "api-read")).reason, "unknown key");
    assert.equal(
      (await ask(suspended, suspendedKey, "api.partner.example", "api-read")).reason,
      "partner is suspended",
    );
    assert.equal((await ask(pending, goodKey, "api.partner.example", "api-read")).reason, "partner is pending");
    assert.equal((await ask(suspended, suspendedKey, "api.partner.example", "api-read")).allowed, false);
  });

  it("registryChanged: a subscriber receives a new change live, and a reconnecting one resumes from a change index", async () => {
    const client: Client = wsClient(api);
    try {
      const head = indexer.store.contiguousChangeIndex();
      const live = client.iterate<{
        registryChanged: { changeIndex: number; name: string; slot: number; partner: string | null };
      }>({
        query: "subscription { registryChanged { changeIndex name slot partner } }",
      });
      // Let the server register the subscription before the change happens.
      await new Promise((r) => setTimeout(r, 300));
      const newcomer = await f.apply({ legalName: "Subscribed Oy", jurisdiction: "FI" });
      const first = await live.next();
      assert.equal(first.done, false);
      const event = first.value!.data!.registryChanged;
      assert.deepEqual(
        [event.changeIndex, event.name, event.partner],
        [head + 1, "partnerApplied", newcomer.address.toBase58()],
      );
      assert.ok(event.slot > 0);
      await live.return?.();

      // A node that saw change `head - 2` reconnects: it gets head-1, head, head+1 in order, then live ones.
      const resumed = client.iterate<{ registryChanged: { changeIndex: number } }>({
        query: "subscription($from: Long) { registryChanged(fromChangeIndex: $from) { changeIndex } }",
        variables: { from: head - 2 },
      });
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) seen.push((await resumed.next()).value!.data!.registryChanged.changeIndex);
      assert.deepEqual(seen, [head - 1, head, head + 1]);
      await f.apply();
      assert.equal((await resumed.next()).value!.data!.registryChanged.changeIndex, head + 2);
      await resumed.return?.();
    } finally {
      await client.dispose();
    }
  });

  it("registryChanged narrowed by event name (key revocations) replays only those", async () => {
    const client: Client = wsClient(api);
    try {
      const revocations = client.iterate<{
        registryChanged: { name: string; partner: string; data: { index: number; reason: string } };
      }>({
        query: 'subscription { registryChanged(fromChangeIndex: 0, names: ["keyRevoked"]) { name partner data } }',
      });
      const first = (await revocations.next()).value!.data!.registryChanged;
      assert.deepEqual(
        [first.name, first.partner, first.data.index, first.data.reason],
        ["keyRevoked", active.address.toBase58(), 1, "compromised"],
      );
      await revocations.return?.();
    } finally {
      await client.dispose();
    }
  });

  it("snapshot: the SDK's RegistrySnapshot, equal to one loaded over RPC, with the chain's history head", async () => {
    const { loadRegistrySnapshot } = await import("../../app/src/sdk/snapshot.js");
    const data = await query<{
      snapshot: Pick<NodeSnapshot, "degraded" | "slot" | "changeCount" | "historyHead" | "snapshot"> | null;
    }>(api, "{ snapshot { degraded slot changeCount historyHead snapshot } }");
    const fromChain = await loadRegistrySnapshot(net.connection);
    const served = data.snapshot!;
    assert.equal(served.degraded, null);
    assert.equal(served.changeCount, fromChain.changeCount);
    assert.equal(served.historyHead, fromChain.historyHead);
    const strip = (s: RegistrySnapshot) => ({ ...s, slot: 0, fetchedAt: 0 });
    assert.deepEqual(strip(served.snapshot), strip(fromChain));
    assert.ok(served.slot > 0);
  });

  it("feeds a node's request verifier: allowed, revoked key, wrong category, suspended partner", async () => {
    const { RequestVerifier } = await import("../../app/src/verifier/verifier.js");
    const { signEnvelope } = await import("../../app/src/verifier/envelope.js");
    const served = (
      await query<{ snapshot: Pick<NodeSnapshot, "degraded" | "snapshot"> | null }>(
        api,
        "{ snapshot { degraded snapshot } }",
      )
    ).snapshot!;
    assert.equal(served.degraded, null);
    // Time travel moved the local chain's clock hours past the wall clock: the node here
    // lives on chain time, so the snapshot is stamped with it too.
    const nowMs = (await f.now()) * 1000;
    const verifier = new RequestVerifier({ ...served.snapshot, fetchedAt: nowMs });
    const request = (partner: PartnerHandle, key: Keypair, keyIndex: number, category = 0) =>
      signEnvelope(
        {
          partnerId: partner.id,
          endpointIndex: 0,
          category,
          timestampMs: nowMs,
          payloadHash: Buffer.alloc(32, 7),
          keyIndex,
        },
        key.secretKey.subarray(0, 32),
      );
    assert.equal(verifier.verify(request(active, goodKey, 0), nowMs).reason, "allowed");
    assert.equal(verifier.verify(request(active, revokedKey, 1), nowMs).reason, "key_revoked");
    assert.equal(verifier.verify(request(active, goodKey, 0, 2), nowMs).reason, "category_not_allowed");
    assert.equal(verifier.verify(request(suspended, suspendedKey, 0), nowMs).reason, "partner_not_active");
  });

  it("hostile queries get a clean GraphQL error and the server keeps serving", async () => {
    const deep = await gql(api, "{ partners { edges { node { proposals { votes { transaction { signers } } } } } } }");
    assert.match(deep.errors?.[0]?.message ?? "", /depth/i);
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: council`).join(" ");
    const aliased = await gql(api, `{ ${aliases} }`);
    assert.match(aliased.errors?.[0]?.message ?? "", /alias/i);
    const fields =
      "partnerId legalName status stage data endpoints { host port protocol status categories } keys { publicKey status validFrom validUntil } history { changeIndex name slot signature data }";
    const wide = Array.from(
      { length: 15 },
      (_, i) =>
        `p${i}: partners(first: 100) { edges { cursor node { ${fields} } } pageInfo { hasNextPage endCursor } }`,
    ).join(" ");
    const costly = await gql(api, `{ ${wide} }`);
    assert.match(costly.errors?.[0]?.message ?? "", /cost/i);
    const suggestion = await gql(api, "{ registri { address } }");
    assert.ok(
      suggestion.errors?.length && !/Did you mean/.test(suggestion.errors[0]!.message),
      suggestion.errors?.[0]?.message,
    );
    // The same limits hold for subscriptions over WebSocket.
    const client: Client = wsClient(api);
    try {
      const manyAliases = Array.from({ length: 20 }, (_, i) => `a${i}: name`).join(" ");
      const hostile = client.iterate({ query: `subscription { registryChanged { ${manyAliases} } }` });
      await assert.rejects(
        hostile.next(),
        (err: unknown) => Array.isArray(err) && /Aliases limit of 15 exceeded/.test(String(err[0]?.message)),
      );
      // The socket stays open: the same client subscribes fine afterwards.
      const fine = client.iterate<{ registryChanged: { changeIndex: number } }>({
        query: "subscription { registryChanged(fromChangeIndex: 0) { changeIndex } }",
      });
      assert.equal((await fine.next()).value?.data?.registryChanged.changeIndex, 1);
      await fine.return?.();
    } finally {
      await client.dispose();
    }
    // Still serving.
    assert.equal(
      (await query<{ registry: Pick<Registry, "threshold"> | null }>(api, "{ registry { threshold } }")).registry
        ?.threshold,
      2,
    );
  });

  it("subscriptions over SSE too (graphql-yoga's text/event-stream), for nodes without WebSocket", async () => {
    const from = indexer.store.contiguousChangeIndex() - 1;
    const controller = new AbortController();
    const response = await fetch(api.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({
        query: `subscription { registryChanged(fromChangeIndex: ${from}) { changeIndex name } }`,
      }),
      signal: controller.signal,
    });
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = response.body!.getReader();
    let text = "";
    while (!/"changeIndex":\d+/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    assert.match(text, new RegExp(`"changeIndex":${from + 1}`));
    // Subscribers that went away (this one, and the WebSocket ones above) hold no listener.
    await until("subscribers released", () => indexer.bus.listenerCount("event") === 0);
  });

  it("GraphiQL's introspection fits the limits (auditors can browse the schema)", async () => {
    const { getIntrospectionQuery } = await import("graphql");
    const body = await gql<IntrospectionQuery>(api, getIntrospectionQuery());
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.ok(body.data?.__schema.types.some((t) => t.name === "Partner"));
  });

  it("serves GraphiQL, /healthz and /metrics", async () => {
    const page = await fetch(api.url, { headers: { accept: "text/html" } });
    assert.match(await page.text(), /graphiql/i);
    const health = await fetch(api.url.replace("/graphql", "/healthz"));
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { ok: boolean }).ok, true);
    const metrics = await (await fetch(api.url.replace("/graphql", "/metrics"))).text();
    for (const name of [
      "lume_indexer_indexed_slot",
      "lume_indexer_chain_slot",
      "lume_indexer_lag_slots",
      "lume_indexer_events_total",
      "lume_indexer_decode_errors_total",
    ]) {
      assert.match(metrics, new RegExp(`^${name} `, "m"));
    }
  });
  it("re-verification: pending checks, their deadline, attestations with evidence, endpoints pending audit (and authorize refusing them)", async () => {
    const partner = await f.admittedPartner();
    const key = Keypair.generate();
    const now = await f.now();
    f.assertOk(
      await f.pass(issueKey(key, now - 60), partner.address, [partner.address, addresses.key(partner.address, 0)]),
      "issue key",
    );
    const late = { host: "late.partner.example", port: 443, protocol: { https: {} }, categories: new BN(0b001) };
    f.assertOk(
      await f.pass({ addEndpoint: late }, partner.address, [partner.address, addresses.endpoint(partner.address, 1)]),
      "add endpoint",
    );
    const deadline = (await f.now()) + 30 * 86_400;
    const requirement = {
      requireReverification: { legal: true, technical: true, reason: "deviation reports", deadline: new BN(deadline) },
    };
    f.assertOk(await f.pass(requirement, partner.address, [partner.address]), "require re-verification");
    const caughtUp = async () => {
      const expected = Number((await f.registry()).history.changeCount);
      await until("the index", () => indexer.status().contiguousChangeIndex === expected);
    };
    await caughtUp();
    const read = async () =>
      (
        await query<{
          partner:
            | (Pick<
                Partner,
                | "status"
                | "pendingChecks"
                | "reverificationDeadline"
                | "statusAfterReverification"
                | "technicalEndpointSetVersion"
                | "endpointSetVersion"
              > & {
                endpoints: Pick<Endpoint, "index" | "pendingAudit" | "changedInVersion">[];
                attestations: Pick<Attestation, "kind" | "stage" | "evidenceUri" | "endpointSetVersion">[];
                reverifications: Pick<Reverification, "what" | "deadline" | "reason" | "proposalId" | "newStatus">[];
              })
            | null;
        }>(
          api,
          `query($a: String!) { partner(address: $a) { status pendingChecks reverificationDeadline statusAfterReverification
            technicalEndpointSetVersion endpointSetVersion endpoints { index pendingAudit changedInVersion }
            attestations { kind stage evidenceUri endpointSetVersion } reverifications { what deadline reason proposalId newStatus } } }`,
          { a: partner.address.toBase58() },
        )
      ).partner!;
    const ask = async (endpoint: string) =>
      (
        await query<{ authorize: Pick<Authorization, "allowed" | "reason"> }>(
          api,
          'query($p: String!, $k: String!, $e: String!) { authorize(partner: $p, key: $k, endpoint: $e, category: "api-read") { allowed reason } }',
          { p: partner.address.toBase58(), k: key.publicKey.toBase58(), e: endpoint },
        )
      ).authorize;

    let p = await read();
    assert.equal(p.status, "underAudit");
    assert.deepEqual(p.pendingChecks, ["legal", "technical"]);
    assert.equal(p.reverificationDeadline, String(deadline));
    assert.equal(p.statusAfterReverification, "active");
    assert.deepEqual(
      p.endpoints.map((e) => [e.index, e.pendingAudit]),
      [
        [0, false],
        [1, true],
      ],
    );
    assert.equal(p.endpoints[1]!.changedInVersion, p.endpointSetVersion);
    assert.deepEqual(
      p.reverifications.map((r) => [r.what, r.deadline, r.reason]),
      [["required", String(deadline), "deviation reports"]],
    );
    assert.ok(p.reverifications[0]!.proposalId > 0);
    assert.equal((await ask("api.partner.example")).allowed, true, "under audit, the audited endpoint serves");
    const refused = await ask("late.partner.example");
    assert.equal(refused.allowed, false);
    assert.match(
      refused.reason,
      /^endpoint pending audit \(changed in endpoint-set version 2; the technical audit covers version 1\)$/,
    );

    const legal = await f.grantRole("legalVerifier");
    const technical = await f.grantRole("technicalAuditor");
    f.assertOk(await f.attest("legal", partner.address, legal), "legal re-verification");
    f.assertOk(await f.attest("technical", partner.address, technical), "technical re-verification");
    await caughtUp();
    p = await read();
    assert.equal(p.status, "active");
    assert.deepEqual(p.pendingChecks, []);
    assert.equal(p.reverificationDeadline, "0");
    assert.equal(p.statusAfterReverification, null);
    assert.equal(p.technicalEndpointSetVersion, p.endpointSetVersion);
    assert.deepEqual(
      p.attestations.map((a) => [a.kind, a.stage]),
      [
        ["legal", "legalVerified"],
        ["technical", "technicallyVerified"],
        ["legal", "admitted"],
        ["technical", "admitted"],
      ],
    );
    assert.equal(p.attestations[3]!.evidenceUri, "https://auditor.example/audit.pdf");
    assert.deepEqual(
      p.reverifications.map((r) => [r.what, r.newStatus]),
      [
        ["required", "underAudit"],
        ["completed", "active"],
      ],
    );
    assert.equal(p.endpoints[1]!.pendingAudit, false);
    assert.deepEqual(await ask("late.partner.example"), { allowed: true, reason: "ok" });
  });
});
