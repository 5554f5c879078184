// The node-facing subscriptions (registryChanged from a slot, partnerChanged, keyRevoked,
// proposalChanged) over real graphql-ws and SSE on an index of a private surfnet, and a node's
// request verifier fed by them (followIndexer): it refuses a revoked key as soon as the
// revocation lands, and fails closed when the indexer goes away.
import assert from "node:assert/strict";
import { Keypair } from "@solana/web3.js";
import type { Client } from "graphql-ws";
import { applySnapshotDelta, isDeltaGap, registryState, type SnapshotDelta } from "../../app/src/sdk/snapshot-delta.js";
import { followIndexer, type IndexerFeed } from "../../app/src/verifier/indexer-feed.js";
import { loadIndexerSnapshot } from "../../app/src/verifier/indexer-snapshot.js";
import { RequestVerifier } from "../../app/src/verifier/verifier.js";
import type { PartnerHandle, RegistryFixture } from "../../harness/registry-fixture.js";
import type { ApiServer } from "../../indexer/src/api/server.js";
import type { Indexer } from "../../indexer/src/indexer.js";
import type { AnyOf, EventData } from "../../indexer/src/store/row-data.js";
import {
  newIndexer,
  query,
  revokeKey,
  setTrafficModel,
  signedRequest,
  startApiServer,
  surfnetFixture,
  until,
  useIndexerSurfnet,
  wsClient,
} from "./support.js";

interface Change {
  changeIndex: number;
  slot: number;
  name: string;
  partner: string | null;
  data: AnyOf<EventData> | null;
}
const FIELDS = "changeIndex slot name partner data";

/** The next `n` events of a subscription, failing (not hanging) when they do not come. */
async function take(
  stream: AsyncIterator<{ data?: Record<string, Change> | null }>,
  field: string,
  n: number,
  timeoutMs = 20_000,
): Promise<Change[]> {
  const out: Change[] = [];
  for (let i = 0; i < n; i++) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(
          () => reject(new Error(`only ${out.length} of ${n} ${field} events within ${timeoutMs} ms`)),
          timeoutMs,
        )),
    );
    const next = await Promise.race([stream.next(), timeout]).finally(() => clearTimeout(timer));
    assert.equal(next.done, false, `${field} ended after ${out.length} events`);
    out.push(next.value!.data![field]!);
  }
  return out;
}

/** The error a subscription is refused with (graphql-ws rejects with the GraphQL error list). */
async function refusal(client: Client, q: string): Promise<string> {
  const stream = client.iterate({ query: q });
  try {
    const next = await stream.next();
    return (
      next.value?.errors?.map((e: { message: string }) => e.message).join("; ") ??
      `no error: ${JSON.stringify(next.value)}`
    );
  } catch (err) {
    return Array.isArray(err) ? err.map((e) => e.message).join("; ") : String(err);
  }
}

describe("indexer subscriptions for nodes, and the verifier fed by them (surfnet, graphql-ws + SSE)", function () {
  this.timeout(240_000);
  const feeds: IndexerFeed[] = [];
  const { net, tmp } = useIndexerSurfnet(async () => {
    for (const feed of feeds) await feed.stop();
    await client?.dispose();
    await api?.close().catch(() => undefined); // already closed if the fail-closed test failed midway
    await indexer?.stop();
  });
  let f: RegistryFixture;
  let indexer: Indexer;
  let api: ApiServer;
  let client: Client;
  let alpha: PartnerHandle;
  let beta: PartnerHandle;
  // alpha: key 0 stays good, key 1 is revoked before the indexer starts, keys 2 and 3 are revoked by tests.
  const alphaKeys = [Keypair.generate(), Keypair.generate(), Keypair.generate(), Keypair.generate()];
  const betaKey = Keypair.generate();

  const issueKey = (partner: PartnerHandle, key: Keypair, index: number) =>
    f.issueKeyValidNow(partner.address, key, index);
  const head = () => indexer.store.contiguousChangeIndex();

  before(async function () {
    this.timeout(240_000);
    f = await surfnetFixture(net);
    alpha = await f.admittedPartner();
    beta = await f.admittedPartner();
    for (const [i, key] of alphaKeys.entries()) await issueKey(alpha, key, i);
    await issueKey(beta, betaKey, 0);
    await revokeKey(f, alpha, 1);

    indexer = newIndexer(net, tmp.dbPath);
    api = await startApiServer(indexer, { port: 0 });
    await indexer.start();
    const expected = Number((await f.registry()).history.changeCount);
    await until("the backfill", () => head() === expected);
    client = wsClient(api);
  });

  it("registryChanged(fromSlot): replays exactly the changes at or after the slot, then live ones", async () => {
    const all = (
      await query<{ history: Pick<Change, "changeIndex" | "slot">[] }>(
        api,
        "{ history(first: 100) { changeIndex slot } }",
      )
    ).history;
    assert.equal(all.length, head());
    // A slot in the middle with changes before it.
    const fromSlot = all[Math.floor(all.length / 2)]!.slot;
    const expected = all.filter((e) => e.slot >= fromSlot).map((e) => e.changeIndex);
    assert.ok(expected.length > 1 && expected[0]! > 1, "the slot splits the history");
    const stream = client.iterate<Record<string, Change>>({
      query: `subscription($s: Long) { registryChanged(fromSlot: $s) { ${FIELDS} } }`,
      variables: { s: fromSlot },
    });
    try {
      const replayed = await take(stream, "registryChanged", expected.length);
      assert.deepEqual(
        replayed.map((e) => e.changeIndex),
        expected,
      );
      assert.ok(replayed.every((e) => e.slot >= fromSlot));
      const newcomer = await f.apply({ legalName: "Slot Resume Oy", jurisdiction: "FI" });
      const [live] = await take(stream, "registryChanged", 1);
      assert.deepEqual(
        [live!.changeIndex, live!.name, live!.partner],
        [expected.at(-1)! + 1, "partnerApplied", newcomer.address.toBase58()],
      );
      assert.ok(live!.slot >= fromSlot);
    } finally {
      await stream.return?.();
    }
  });

  it("partnerChanged: replays and follows that partner's changes only", async () => {
    const history = (
      await query<{ history: Pick<Change, "changeIndex" | "name">[] }>(
        api,
        `{ history(partner: "${beta.address.toBase58()}", first: 100) { changeIndex name } }`,
      )
    ).history;
    assert.ok(history.length >= 3);
    const stream = client.iterate<Record<string, Change>>({
      query: `subscription($p: String!) { partnerChanged(partner: $p, fromChangeIndex: 0) { ${FIELDS} } }`,
      variables: { p: beta.address.toBase58() },
    });
    try {
      const replayed = await take(stream, "partnerChanged", history.length);
      assert.deepEqual(
        replayed.map((e) => [e.changeIndex, e.name]),
        history.map((e) => [e.changeIndex, e.name]),
      );
      // Live: another partner's change first, then one of beta's; only beta's arrives.
      const before = head();
      await f.apply({ legalName: "Someone Else BV", jurisdiction: "NL" });
      await setTrafficModel(f, beta);
      const [live] = await take(stream, "partnerChanged", 1);
      assert.equal(live!.partner, beta.address.toBase58());
      assert.ok(
        live!.changeIndex > before + 1,
        `${live!.changeIndex} comes after the other partner's application (${before + 1})`,
      );
    } finally {
      await stream.return?.();
    }
  });

  it("keyRevoked: delivers key revocations (replayed and live) and nothing else; narrowed by partner", async () => {
    const stream = client.iterate<Record<string, Change>>({
      query: `subscription { keyRevoked(fromChangeIndex: 0) { ${FIELDS} } }`,
    });
    try {
      const [replayed] = await take(stream, "keyRevoked", 1);
      assert.deepEqual(
        [replayed!.name, replayed!.partner, replayed!.data!.index, replayed!.data!.reason],
        ["keyRevoked", alpha.address.toBase58(), 1, "compromised"],
      );
      // Live: an application and a whole proposal (created, voted, executed) go by; only the revocation arrives.
      await f.apply();
      await revokeKey(f, beta, 0);
      const [live] = await take(stream, "keyRevoked", 1);
      assert.deepEqual([live!.name, live!.partner, live!.data!.index], ["keyRevoked", beta.address.toBase58(), 0]);
      assert.equal(live!.changeIndex, head());
    } finally {
      await stream.return?.();
    }
    const betaOnly = client.iterate<Record<string, Change>>({
      query: `subscription($p: String) { keyRevoked(partner: $p, fromChangeIndex: 0) { ${FIELDS} } }`,
      variables: { p: beta.address.toBase58() },
    });
    try {
      const [first] = await take(betaOnly, "keyRevoked", 1);
      assert.deepEqual([first!.partner, first!.data!.index], [beta.address.toBase58(), 0]);
    } finally {
      await betaOnly.return?.();
    }
  });

  it("proposalChanged: created, cancelled, voted and executed proposals, nothing else", async () => {
    const from = head();
    const stream = client.iterate<Record<string, Change>>({
      query: `subscription($from: Long) { proposalChanged(fromChangeIndex: $from) { ${FIELDS} } }`,
      variables: { from },
    });
    try {
      const withdrawn = await f.propose(f.council[0]!, { addCategory: { name: "withdrawn" } });
      f.assertOk(withdrawn.result, "propose");
      f.assertOk(await f.cancel(f.council[0]!, withdrawn.id), "cancel");
      await f.apply(); // not a proposal change
      const executed = await f.approved({ addCategory: { name: "telemetry" } });
      f.assertOk(await f.execute(executed), "execute");
      const seen = await take(stream, "proposalChanged", 6);
      assert.deepEqual(
        seen.map((e) => [e.name, Number(e.data!.proposalId)]),
        [
          ["proposalCreated", withdrawn.id],
          ["proposalCancelled", withdrawn.id],
          ["proposalCreated", executed],
          ["proposalVoted", executed],
          ["proposalVoted", executed],
          ["categoryChanged", executed],
        ],
      );
      assert.ok(seen.every((e) => e.changeIndex > from && e.slot > 0));
    } finally {
      await stream.return?.();
    }
  });

  it("proposalChanged: the first proposal (id 0, which is also the 'no proposal' id) and its execution", async () => {
    const stream = client.iterate<Record<string, Change>>({
      query: `subscription { proposalChanged(fromChangeIndex: 0) { ${FIELDS} } }`,
    });
    try {
      // The fixture's first proposal grants the legal-verifier role; declare_endpoint's proposalId 0 before it is no proposal.
      const seen = await take(stream, "proposalChanged", 4);
      assert.deepEqual(
        seen.map((e) => [e.name, Number(e.data!.proposalId)]),
        [
          ["proposalCreated", 0],
          ["proposalVoted", 0],
          ["proposalVoted", 0],
          ["roleChanged", 0],
        ],
      );
    } finally {
      await stream.return?.();
    }
  });

  it("keyRevoked over SSE too (graphql-yoga's text/event-stream)", async () => {
    const controller = new AbortController();
    const response = await fetch(api.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: "subscription { keyRevoked(fromSlot: 0) { changeIndex name partner } }" }),
      signal: controller.signal,
    });
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = response.body!.getReader();
    let text = "";
    while (!/"partner":"\w+"/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    assert.match(text, new RegExp(`"name":"keyRevoked","partner":"${alpha.address.toBase58()}"`));
  });

  it("bad input: both resume points, a malformed partner, an unknown event name, a negative index", async () => {
    assert.match(
      await refusal(client, "subscription { registryChanged(fromChangeIndex: 1, fromSlot: 1) { changeIndex } }"),
      /give fromChangeIndex or fromSlot, not both/,
    );
    assert.match(
      await refusal(client, "subscription { proposalChanged(fromChangeIndex: 1, fromSlot: 1) { changeIndex } }"),
      /not both/,
    );
    assert.match(
      await refusal(client, 'subscription { partnerChanged(partner: "not a key!") { changeIndex } }'),
      /partner must be a partner account address in base58 \(32 bytes\), got "not a key!"/,
    );
    // Valid base58 but not 32 bytes (web3.js would pad it): refused too.
    assert.match(
      await refusal(client, 'subscription { keyRevoked(partner: "abc") { changeIndex } }'),
      /partner must be a partner account address in base58/,
    );
    assert.match(await refusal(client, 'subscription { registryChanged(partner: "0OIl") { changeIndex } }'), /base58/);
    assert.match(
      await refusal(client, 'subscription { registryChanged(names: ["keyRevokd"]) { changeIndex } }'),
      /unknown event name "keyRevokd"; the registry's events are .*keyRevoked/,
    );
    assert.match(
      await refusal(client, "subscription { keyRevoked(fromChangeIndex: -1) { changeIndex } }"),
      /fromChangeIndex must be 0 or more/,
    );
    assert.match(
      await refusal(client, "subscription { partnerChanged { changeIndex } }"),
      /argument "partner" of type "String!" is required/,
    );
    // Refused subscriptions hold no listener, and the socket still serves.
    const stream = client.iterate<Record<string, Change>>({
      query: "subscription { registryChanged(fromChangeIndex: 0) { changeIndex } }",
    });
    assert.equal((await take(stream, "registryChanged", 1))[0]!.changeIndex, 1);
    await stream.return?.();
    await until("subscribers released", () => indexer.bus.listenerCount("event") === 0);
  });

  it("followIndexer: the verifier refuses a key as soon as its revocation lands, with no polling", async () => {
    const verifier = new RequestVerifier(await loadIndexerSnapshot(api.url), { maxSnapshotAgeMs: 60_000 });
    const updates: number[] = [];
    // The heartbeat (the only periodic request) is an hour: only the subscription can bring the change.
    const feed = followIndexer(verifier, {
      graphqlUrl: api.url,
      wsUrl: api.wsUrl,
      heartbeatMs: 3_600_000,
      onUpdate: (s) => updates.push(s.changeCount),
    });
    feeds.push(feed);
    await feed.ready;
    assert.equal(feed.healthy, true);
    assert.equal(verifier.verify(signedRequest(alpha, alphaKeys[2]!, 2)).reason, "allowed");
    assert.equal(verifier.verify(signedRequest(alpha, alphaKeys[1]!, 1)).reason, "key_revoked");

    await revokeKey(f, alpha, 2);
    const landedAt = Date.now();
    const onChain = Number((await f.registry()).history.changeCount);
    await until(
      "the verifier refuses the revoked key",
      () => verifier.verify(signedRequest(alpha, alphaKeys[2]!, 2)).reason === "key_revoked",
      5_000,
    );
    console.log(`      revocation refused ${Date.now() - landedAt} ms after its transaction was confirmed`);
    assert.equal(verifier.snapshot.changeCount, onChain);
    assert.equal(verifier.verify(signedRequest(alpha, alphaKeys[0]!, 0)).reason, "allowed");
    // One reload per change at most (create, two votes, execution), and applied change counts never go backwards.
    assert.ok(updates.length >= 2 && updates.length <= 5, `reloads: ${updates.join(", ")}`);
    assert.deepEqual(
      updates,
      [...updates].sort((a, b) => a - b),
    );
    assert.equal(feed.lastChangeIndex, onChain);
    await feed.stop();
  });

  it("snapshotChanged: one delta per change in order (the named partner's entry); applied to a snapshot they give the indexer's next snapshot", async () => {
    const before = await loadIndexerSnapshot(api.url);
    const stream = client.iterate({
      query: `subscription { snapshotChanged(fromChangeIndex: ${before.changeCount}) { changeIndex slot raw registry partners } }`,
    });
    await issueKey(beta, Keypair.generate(), 1);
    const onChain = Number((await f.registry()).history.changeCount);
    let snapshot = before;
    for (let i = before.changeCount + 1; i <= onChain; i++) {
      const next = await stream.next();
      const delta = (next.value as { data: { snapshotChanged: SnapshotDelta } }).data.snapshotChanged;
      assert.equal(delta.changeIndex, i);
      assert.ok(Buffer.byteLength(JSON.stringify(delta)) < 2_048, "a single-partner change is under 2 KB");
      const applied = applySnapshotDelta(snapshot, delta);
      assert.ok(applied !== null && !isDeltaGap(applied));
      snapshot = applied;
    }
    await stream.return?.();
    const after = await loadIndexerSnapshot(api.url);
    assert.equal(after.changeCount, onChain);
    assert.deepEqual(registryState(snapshot), registryState(after));
    assert.equal(
      snapshot.historyHead,
      (await f.registry()).history.head.map((b: number) => b.toString(16).padStart(2, "0")).join(""),
    );
  });

  it("snapshotChanged: a resume point past the retention is refused (RESUME_POINT_EXPIRED); the feed then loads the full snapshot, and only then", async () => {
    const head = indexer.publishedChangeIndex;
    const options = indexer.options as { deltaRetention?: number };
    options.deltaRetention = 3;
    try {
      assert.match(
        await refusal(client, `subscription { snapshotChanged(fromChangeIndex: ${head - 4}) { changeIndex } }`),
        /4 changes behind .* at most 3: load the full snapshot/,
      );
      // A verifier whose snapshot is older than the retention: its first subscription is refused, it reloads once.
      const old = await loadIndexerSnapshot(api.url);
      const verifier = new RequestVerifier({ ...old, changeCount: head - 4 }, { maxSnapshotAgeMs: 60_000 });
      const errors: string[] = [];
      const feed = followIndexer(verifier, {
        graphqlUrl: api.url,
        retryMinMs: 50,
        onError: (e) => errors.push(e.message),
      });
      feeds.push(feed);
      // Skip the first full load (as after a reconnect): start from the old snapshot's resume point.
      await until("the feed has the snapshot", () => verifier.snapshot.changeCount === head, 10_000);
      await feed.ready;
      assert.equal(feed.traffic.snapshots, 1);
      await feed.stop();
    } finally {
      options.deltaRetention = undefined;
    }
  });

  it("followIndexer: fails closed once the indexer is gone longer than maxSnapshotAgeMs, then reconnects and catches up", async () => {
    const maxSnapshotAgeMs = 2_000;
    const verifier = new RequestVerifier(await loadIndexerSnapshot(api.url), { maxSnapshotAgeMs });
    const health: [boolean, string][] = [];
    const errors: string[] = [];
    const feed = followIndexer(verifier, {
      graphqlUrl: api.url,
      heartbeatMs: 400,
      retryMinMs: 100,
      retryMaxMs: 500,
      onHealth: (healthy, reason) => health.push([healthy, reason]),
      onError: (err) => errors.push(err.message),
    });
    feeds.push(feed);
    await feed.ready;
    // A quiet registry: the heartbeat alone keeps the snapshot current past maxSnapshotAgeMs.
    await new Promise((r) => setTimeout(r, maxSnapshotAgeMs + 1_000));
    assert.equal(verifier.verify(signedRequest(alpha, alphaKeys[0]!, 0)).reason, "allowed");

    const port = api.port;
    await api.close();
    const goneAt = Date.now();
    await until("the feed notices", () => !feed.healthy, 5_000);
    assert.ok(errors.length > 0, "the loss is reported");
    const stale = await until("the verifier fails closed", () => {
      const verdict = verifier.verify(signedRequest(alpha, alphaKeys[0]!, 0));
      return verdict.reason === "snapshot_stale" && verdict;
    });
    assert.ok(
      Date.now() - goneAt <= maxSnapshotAgeMs + 1_500,
      `failed closed ${Date.now() - goneAt} ms after the indexer went away`,
    );
    assert.match(stale.detail, /failing closed/);

    // While the node is cut off, a key is revoked on chain (the indexer itself keeps indexing).
    await revokeKey(f, alpha, 3);
    const onChain = Number((await f.registry()).history.changeCount);
    await until("the indexer has the revocation", () => head() === onChain);
    api = await startApiServer(indexer, { port });
    await until("the feed reconnects", () => feed.healthy, 10_000);
    await until("the verifier has the revocation", () => verifier.snapshot.changeCount === onChain, 5_000);
    assert.equal(verifier.verify(signedRequest(alpha, alphaKeys[3]!, 3)).reason, "key_revoked");
    assert.equal(verifier.verify(signedRequest(alpha, alphaKeys[0]!, 0)).reason, "allowed");
    // Healthy, then unhealthy while cut off, then healthy again.
    assert.deepEqual([health[0]![0], health.some(([h]) => !h), health.at(-1)![0]], [true, true, true]);
    await feed.stop();
  });
});
