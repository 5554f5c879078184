// The Helius webhook source against a local poster speaking Helius' raw-webhook protocol (a JSON
// array of getTransaction answers, the authHeader echoed as Authorization), fed by a private
// surfnet: delivered transactions and the accounts they wrote are indexed; a wrong or missing
// secret, a malformed or oversized body, another method or path are refused and change nothing;
// a repeated delivery is harmless; a failed transaction is stored as failed; one that never
// touched the program is skipped; a delivery that never comes is caught by the registry poll.
// The CLI refuses a webhook without a secret.
import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { Keypair, type PublicKey, SystemProgram, sendAndConfirmTransaction, Transaction } from "@solana/web3.js";
import { eventCpiAccounts } from "../../app/src/sdk/events.js";
import { LUME_REGISTRY_PROGRAM_ID } from "../../app/src/sdk/idl.js";
import { registryAddress, registryAddresses } from "../../app/src/sdk/pda.js";
import type { RegistryFixture } from "../../harness/registry-fixture.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { Indexer } from "../../indexer/src/indexer.js";
import { HeliusWebhookSource } from "../../indexer/src/source/helius-webhook.js";
import { verify } from "../../indexer/src/verify/verify.js";
import { runScript } from "../support/scripts.js";
import { HeliusWebhookPoster } from "./helius-webhook-poster.js";
import { caughtUp, surfnetFixture, tempDir, until } from "./support.js";

const SECRET = "test-webhook-secret-0123456789";
const MAX_BODY = 64 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POSTs `body` in 4 KiB writes with chunked transfer encoding (fetch would send a Content-Length). */
function postChunked(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { "content-type": "application/json", authorization: SECRET } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on("error", reject);
    for (let i = 0; i < body.length; i += 4096) req.write(body.slice(i, i + 4096));
    req.end();
  });
}

describe("indexer Helius webhook source (local webhook poster, surfnet)", function () {
  this.timeout(120_000);
  const net = useRegistrySurfnet();
  const tmp = tempDir();
  let f: RegistryFixture;
  let indexer: Indexer | undefined;
  let source: HeliusWebhookSource;
  let poster: HeliusWebhookPoster;
  after(async () => {
    await indexer?.stop();
    tmp.remove();
  });

  before(async () => {
    f = await surfnetFixture(net);
    await f.apply({ legalName: "Before Start" });
    // No registry poll during these tests (10 minutes): whatever is stored came through the receiver.
    indexer = new Indexer({
      rpcUrl: net.surfnet.rpcUrl,
      dbPath: tmp.dbPath,
      heliusWebhook: { port: 0, secret: SECRET, maxBodyBytes: MAX_BODY },
      staleAfterMs: 600_000,
    });
    assert.ok(indexer.source instanceof HeliusWebhookSource);
    source = indexer.source;
    await indexer.start();
    await caughtUp(indexer, f);
    poster = new HeliusWebhookPoster(net.connection, LUME_REGISTRY_PROGRAM_ID, source.receiver!.url, SECRET);
    await poster.skipExisting();
  });

  it("indexes each delivered transaction, its events and the accounts it wrote (re-read over RPC)", async () => {
    assert.match(source.receiver!.url, /^http:\/\/127\.0\.0\.1:\d+\/helius-webhook$/);
    const partner = await f.apply({ legalName: "Via Webhook KG" });
    const delivery = await poster.deliverPending();
    assert.equal(delivery.status, 200, JSON.stringify(delivery.body));
    assert.equal(delivery.signatures.length, 1);
    const stored = indexer!.store.transaction(delivery.signatures[0]!);
    assert.ok(stored?.ok, "the transaction is stored as soon as the receiver answered");
    assert.deepEqual(
      stored.instructions.map((i: { name: string }) => i.name),
      ["apply"],
    );
    const row = await until("the partner account, read after the webhook", () =>
      indexer!.store.account(partner.address.toBase58()),
    );
    assert.equal(row.data?.legalName, "Via Webhook KG");
    await caughtUp(indexer!, f);
    assert.ok(
      indexer!.store.checkpoint("helius-webhook:transactions")!.slot > 0,
      "the webhook source has its own checkpoint",
    );
  });

  it("a wrong or missing Authorization is refused with 401, counted, and nothing is stored", async () => {
    const before = {
      events: indexer!.store.eventCount(),
      transactions: indexer!.store.transactionCount(),
      unauthorized: source.receiver!.rejections.unauthorized,
    };
    const partner = await f.apply({ legalName: "Forged Delivery" });
    const wrong = await poster.deliverPending("not-the-secret");
    assert.equal(wrong.status, 401);
    assert.match(wrong.body.error!, /wrong Authorization/);
    const almost = await poster.deliverPending(`Bearer ${SECRET}`);
    assert.equal(almost.status, 401, "the whole header must match");
    const missing = await poster.deliverPending(null);
    assert.equal(missing.status, 401);
    assert.match(missing.body.error!, /missing Authorization/);
    assert.equal(source.receiver!.rejections.unauthorized, before.unauthorized + 3);
    // Operators see refusals on /metrics (the indexer's Prometheus registry).
    const metrics = await indexer!.metrics.registry.metrics();
    assert.match(
      metrics,
      new RegExp(`^lume_indexer_webhook_batches_total\\{outcome="unauthorized"\\} ${before.unauthorized + 3}$`, "m"),
    );
    await sleep(1_000);
    assert.equal(indexer!.store.transactionCount(), before.transactions);
    assert.equal(indexer!.store.eventCount(), before.events);
    assert.equal(indexer!.store.account(partner.address.toBase58()), undefined);
    // The same batch with the secret goes through: it was the secret that was refused.
    const right = await poster.deliverPending();
    assert.equal(right.status, 200);
    await until("the partner after the authorized delivery", () => indexer!.store.account(partner.address.toBase58()));
    await caughtUp(indexer!, f);
  });

  it("malformed, oversized, wrong-method and wrong-path requests get 400/413/405/404 with a reason; the receiver keeps serving", async () => {
    // A transaction not delivered yet, to show a refused batch stores nothing, not even its valid part.
    const partner = await f.apply({ legalName: "After The Garbage" });
    const [signature] = await poster.pending();
    const transactions = indexer!.store.transactionCount();
    const cases: { body: string; status: number; error: RegExp }[] = [
      { body: "[{not json", status: 400, error: /^body is not JSON/ },
      { body: JSON.stringify({ signature: "x" }), status: 400, error: /expected a JSON array of transactions/ },
      { body: JSON.stringify([{ slot: "seven" }]), status: 400, error: /^transaction 0: slot: / },
      { body: "x".repeat(MAX_BODY + 1), status: 413, error: /body larger than 65536 bytes/ },
    ];
    const valid = await poster.rawTransaction(signature!);
    const badKey = structuredClone(valid);
    badKey.transaction.message.accountKeys[1] = "not-a-key";
    cases.push({
      body: JSON.stringify([valid, badKey]),
      status: 400,
      error: /^transaction 1: accountKeys\[1\] is not a public key/,
    });
    const badIndex = structuredClone(valid);
    badIndex.transaction.message.instructions[0]!.programIdIndex = 999;
    cases.push({
      body: JSON.stringify([badIndex]),
      status: 400,
      error: /^transaction 0: instructions\[0\]\.programIdIndex 999 is past/,
    });
    for (const c of cases) {
      const res = await poster.post(c.body);
      assert.equal(res.status, c.status, `${c.body.slice(0, 40)} → ${JSON.stringify(res.body)}`);
      assert.match(res.body.error!, c.error);
    }
    // Chunked, with no Content-Length: the cap has to trip part-way through the stream.
    const chunked = await postChunked(source.receiver!.url, `[${" ".repeat(MAX_BODY)}]`);
    assert.equal(chunked.status, 413);
    assert.match(chunked.body, /body larger than 65536 bytes/);
    const get = await poster.post("", SECRET, { method: "GET" });
    assert.equal(get.status, 405);
    const elsewhere = await poster.post("[]", SECRET, {
      url: source.receiver!.url.replace(/\/helius-webhook$/, "/other"),
    });
    assert.equal(elsewhere.status, 404);
    assert.match(elsewhere.body.error!, /webhooks are received on \/helius-webhook/);
    assert.equal(source.receiver!.rejections.badRequest, 5);
    assert.equal(source.receiver!.rejections.tooLarge, 2);
    assert.equal(
      indexer!.store.transactionCount(),
      transactions,
      "a refused batch stores nothing, not even its valid part",
    );
    assert.equal(indexer!.store.transaction(signature!), undefined);

    const delivery = await poster.deliverPending();
    assert.equal(delivery.status, 200);
    await until("the partner after the bad requests", () => indexer!.store.account(partner.address.toBase58()));
    await caughtUp(indexer!, f);
  });

  it("a repeated delivery (Helius retries) is answered 200 and changes nothing", async () => {
    await f.apply({ legalName: "Delivered Twice" });
    const pending = await poster.pending();
    const batch = JSON.stringify(await Promise.all(pending.map((s) => poster.rawTransaction(s))));
    assert.equal((await poster.post(batch)).status, 200);
    const changes = await caughtUp(indexer!, f);
    const counts = { events: indexer!.store.eventCount(), transactions: indexer!.store.transactionCount() };
    for (let i = 0; i < 3; i++) assert.equal((await poster.post(batch)).status, 200);
    await sleep(500);
    assert.deepEqual({ events: indexer!.store.eventCount(), transactions: indexer!.store.transactionCount() }, counts);
    assert.equal(await caughtUp(indexer!, f), changes);
    await poster.skipExisting();
  });

  it("a failed transaction is stored as failed, with its error and no events", async () => {
    const partner = await f.apply({ legalName: "Unattested" });
    await poster.deliverPending();
    await caughtUp(indexer!, f);
    const events = indexer!.store.eventCount();
    const impostor = net.fundedKeypair(1);
    const signature = await sendFailingAttestation(partner.address, impostor);
    const delivery = await poster.deliverPending();
    assert.equal(delivery.status, 200);
    assert.deepEqual(delivery.signatures, [signature]);
    const stored = indexer!.store.transaction(signature);
    assert.ok(stored, "the failed transaction is stored");
    assert.equal(stored.ok, false);
    assert.notEqual(stored.err, null);
    // The impostor has no legal-verifier grant: the account check refuses the missing grant account.
    assert.equal(stored.programError?.name, "InvalidAccountOwner", "the registry's refusal, by name");
    assert.deepEqual(stored.signers.includes(impostor.publicKey.toBase58()), true);
    await sleep(300);
    assert.equal(indexer!.store.eventCount(), events);
    assert.equal(
      indexer!.store.events({ afterChangeIndex: 0, limit: 10_000 }).filter((e) => e.signature === signature).length,
      0,
    );
    const report = await verify({ connection: net.connection, store: indexer!.store });
    assert.deepEqual(report.differences, []);
  });

  it("a delivered transaction that never touched the program (a webhook shared with other addresses) is answered 200 and skipped", async () => {
    const payer = net.fundedKeypair(1);
    const transfer = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: payer.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: 1_000_000,
      }),
    );
    const signature = await sendAndConfirmTransaction(net.connection, transfer, [payer], { commitment: "confirmed" });
    const ignored = source.ignored;
    const res = await poster.post(JSON.stringify([await poster.rawTransaction(signature)]));
    assert.equal(res.status, 200);
    assert.equal(source.ignored, ignored + 1);
    assert.equal(indexer!.store.transaction(signature), undefined);
  });

  /** attest_legal signed by a key without the legal verifier role: lands on chain, failed. */
  async function sendFailingAttestation(partner: PublicKey, impostor: Keypair): Promise<string> {
    const tx = await net
      .program(impostor)
      .methods.attestLegal(Array.from(Buffer.alloc(32, 0xab)), "https://verifier.example/report.pdf")
      .accountsStrict({
        ...eventCpiAccounts(),
        registry: registryAddress(),
        partner,
        verifier: impostor.publicKey,
        roleGrant: registryAddresses(LUME_REGISTRY_PROGRAM_ID).role("legalVerifier", impostor.publicKey),
      })
      .transaction();
    tx.feePayer = impostor.publicKey;
    tx.recentBlockhash = (await net.connection.getLatestBlockhash("confirmed")).blockhash;
    tx.sign(impostor);
    const signature = await net.connection.sendRawTransaction(tx.serialize(), { skipPreflight: true });
    const status = await until("the failed attestation to confirm", async () => {
      const { value } = await net.connection.getSignatureStatuses([signature]);
      return value[0]?.confirmationStatus === "confirmed" || value[0]?.confirmationStatus === "finalized"
        ? value[0]
        : undefined;
    });
    assert.notEqual(status.err, null, "attesting without the legal verifier role fails on chain");
    return signature;
  }

  it("a delivery that never comes: the registry poll shows the chain moved on and the gap check re-backfills", async () => {
    const polling = new Indexer({
      rpcUrl: net.surfnet.rpcUrl,
      dbPath: `${tmp.dir}/polling.sqlite`,
      heliusWebhook: { port: 0, secret: SECRET },
      staleAfterMs: 300,
    });
    try {
      await polling.start();
      await caughtUp(polling, f);
      const lost = await f.apply({ legalName: "Never Delivered" });
      await until(
        "the undelivered partner, via the poll and re-backfill",
        () => polling.store.account(lost.address.toBase58()),
        20_000,
      );
      await caughtUp(polling, f);
      assert.equal((polling.source as HeliusWebhookSource).receiver!.accepted, 0, "nothing came through the receiver");
    } finally {
      await polling.stop();
    }
  });

  it("lume-indexer start refuses a webhook port without a secret, and a second Helius source", async () => {
    const env = { ...process.env };
    /** `lume-indexer start` on a file in the suite's temp dir, with Helius webhooks on `port`, and `args`. */
    const start = (port: string, ...args: string[]) =>
      runScript("indexer/src/cli.ts", [
        "start",
        "--db",
        `${tmp.dir}/cli.sqlite`,
        "--helius-webhook-port",
        port,
        ...args,
      ]);
    /** The same reading the suite's surfnet, serving GraphQL on a free port. */
    const startOnNet = (port: string) => start(port, "--rpc-url", net.surfnet.rpcUrl, "--port", "0");
    delete process.env.LUME_HELIUS_WEBHOOK_SECRET;
    try {
      const noSecret = await startOnNet("0");
      assert.equal(noSecret.code, 1);
      assert.match(noSecret.stderr, /^error: no Helius webhook secret: set LUME_HELIUS_WEBHOOK_SECRET/m);
      assert.doesNotMatch(noSecret.stderr, /\n\s+at /, "no stack trace");
      process.env.LUME_HELIUS_WEBHOOK_SECRET = "short";
      const short = await start("0");
      assert.match(short.stderr, /^error: too short a Helius webhook secret/m);
      process.env.LUME_HELIUS_WEBHOOK_SECRET = SECRET;
      const both = await start("0", "--helius-ws-url", "ws://127.0.0.1:1/");
      assert.match(both.stderr, /^error: choose one Helius source/m);
      const finalized = await start("0", "--commitment", "finalized");
      assert.match(
        finalized.stderr,
        /^error: Helius webhooks deliver confirmed transactions: use --commitment confirmed/m,
      );
      // A port that is taken: a sentence, not a stack trace.
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", () => resolve()));
      try {
        const port = String((taken.address() as AddressInfo).port);
        const busy = await startOnNet(port);
        assert.equal(busy.code, 1);
        assert.match(
          busy.stderr,
          new RegExp(`^error: cannot listen for Helius webhooks on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`, "m"),
        );
        assert.doesNotMatch(busy.stderr, /\n\s+at /, "no stack trace");
      } finally {
        taken.close();
      }
    } finally {
      process.env.LUME_HELIUS_WEBHOOK_SECRET = env.LUME_HELIUS_WEBHOOK_SECRET;
      if (env.LUME_HELIUS_WEBHOOK_SECRET === undefined) delete process.env.LUME_HELIUS_WEBHOOK_SECRET;
    }
  });
});
