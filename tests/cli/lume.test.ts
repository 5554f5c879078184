// The `lume` CLI against a private surfnet: every role's commands, a full council approval
// from proposal to execution, errors in plain words; then the node request verifier on a
// snapshot loaded over RPC from the same chain.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import anchor from "@coral-xyz/anchor";
import { Keypair, PublicKey, SYSVAR_CLOCK_PUBKEY, SystemProgram } from "@solana/web3.js";
import { eventAuthorityAddress } from "../../app/src/sdk/events.js";
import { readKeypairFile } from "../../app/src/sdk/keypair-file.js";
import { registryAddresses } from "../../app/src/sdk/pda.js";
import type { RegistrySummary } from "../../app/src/sdk/registry-state.js";
import { loadRegistrySnapshot, type RegistrySnapshot } from "../../app/src/sdk/snapshot.js";
import { ed25519PrivateKey, signEnvelope } from "../../app/src/verifier/envelope.js";
import { keepSnapshotFresh } from "../../app/src/verifier/refresh.js";
import { RequestVerifier } from "../../app/src/verifier/verifier.js";
import { DEFAULT_POLICY, PROGRAM_ID } from "../../harness/program.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { ensureRegistry } from "../../migrations/initialize-registry.js";
import {
  decodeGovernance,
  type GovernanceProposalJson,
  keyFile,
  lume,
  lumeAs,
  ok,
  type PartnerStatusJson,
  type ProposalRowJson,
  type ProposedJson,
  type StatusJson,
} from "./lume-helpers.js";

const CATEGORIES = ["api-read", "api-write", "content-fetch", "price-feed", "search-index"];
const TIME_LOCK = 60;

describe("lume CLI (surfnet)", function () {
  this.timeout(120_000);
  const net = useRegistrySurfnet();
  const addresses = registryAddresses();
  let dir: string;
  let council: Keypair[];
  let files: Record<string, string>;
  const roles = {
    legal: Keypair.generate(),
    technical: Keypair.generate(),
    auditor: Keypair.generate(),
    guardian: Keypair.generate(),
    node: Keypair.generate(),
  };
  const partnerAuthority = Keypair.generate();
  let partnerId: number;

  /** `lume` as `signer` (a files key) with the surfnet's endpoints, --yes. */
  const as = (signer: string, ...args: string[]) => lumeAs(net, files[signer]!, ...args);
  const asJson = (signer: string, ...args: string[]) => as(signer, "--json", ...args);

  /** Moves the chain's clock past the time lock. */
  async function afterTimeLock(): Promise<void> {
    const clock = await net.connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY, "confirmed");
    const now = Number(clock!.data.readBigInt64LE(32));
    net.surfnet.timeTravel({ unixTimestamp: now + TIME_LOCK + 5 });
  }

  /** propose (member 0) → approve (members 0, 1) → time lock → execute, all through the CLI. */
  async function councilPasses(action: string, ...args: string[]): Promise<number> {
    const { proposalId } = ok(await asJson("member0", "propose", action, ...args)).json<ProposedJson>();
    ok(await as("member0", "approve", String(proposalId)));
    ok(await as("member1", "approve", String(proposalId)));
    await afterTimeLock();
    ok(await as("member2", "execute", String(proposalId)));
    return proposalId;
  }

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), "lume-cli-"));
    council = [0, 1, 2].map(() => net.fundedKeypair());
    for (const k of [...Object.values(roles), partnerAuthority]) net.surfnet.fundSol(k.publicKey, 10_000_000_000);
    files = {
      member0: keyFile(dir, "member0", council[0]!),
      member1: keyFile(dir, "member1", council[1]!),
      member2: keyFile(dir, "member2", council[2]!),
      outsider: keyFile(dir, "outsider", net.fundedKeypair()),
      legal: keyFile(dir, "legal", roles.legal),
      technical: keyFile(dir, "technical", roles.technical),
      auditor: keyFile(dir, "auditor", roles.auditor),
      guardian: keyFile(dir, "guardian", roles.guardian),
      node: keyFile(dir, "node", roles.node),
      partner: keyFile(dir, "partner", partnerAuthority),
    };
    await ensureRegistry(net.provider(net.upgradeAuthority), {
      council: council.map((k) => k.publicKey),
      threshold: 2,
      timeLockSeconds: TIME_LOCK,
      policy: { ...DEFAULT_POLICY },
      categories: CATEGORIES,
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("council show: members, threshold, time lock, catalogue (table and --json)", async () => {
    const json = ok(await asJson("outsider", "council", "show")).json<RegistrySummary>();
    assert.deepEqual(
      json.council,
      council.map((k) => k.publicKey.toBase58()),
    );
    assert.equal(json.threshold, 2);
    assert.deepEqual(json.categories, CATEGORIES);
    const text = ok(await as("outsider", "council", "show")).out;
    assert.match(text, /2 of 3 approve, time lock 60 s/);
  });

  it("grants every role through the council (propose → approve → approve → execute)", async () => {
    for (const [role, key] of [
      ["legal-verifier", roles.legal],
      ["technical-auditor", roles.technical],
      ["auditor", roles.auditor],
      ["guardian", roles.guardian],
      ["reporting-node", roles.node],
    ] as const) {
      await councilPasses("grant-role", "--role", role, "--holder", key.publicKey.toBase58());
    }
    const grant = await net
      .program(council[0]!)
      .account.roleGrant.fetch(addresses.role("guardian", roles.guardian.publicKey));
    assert.equal(grant.active, true);
  });

  it("partner apply: refuses an invalid application with JSON paths and lines, sends nothing", async () => {
    const bad = join(dir, "bad-application.json");
    writeFileSync(
      bad,
      JSON.stringify(
        {
          legalName: "Example GmbH",
          jurisdiction: "Germany",
          legalEntityId: "5299001EXAMPLE",
          evidence: { uri: "https://evidence.example/app.zip", sha256: "00".repeat(32) },
          trafficModel: { categories: ["api-read"], maxRequestsPerSecond: 0, burst: 10, maxBandwidthKbps: 1000 },
          endpoints: [
            { host: "a.example", port: 443, categories: ["api-read"] },
            { host: "b.example", port: 70000, categories: [] },
          ],
        },
        null,
        2,
      ),
    );
    const run = await as("partner", "partner", "apply", "--file", bad);
    assert.equal(run.code, 1);
    assert.match(run.err, /bad-application\.json:3: jurisdiction: must be an ISO 3166 code/);
    assert.match(run.err, /bad-application\.json:\d+: trafficModel\.maxRequestsPerSecond:/);
    assert.match(run.err, /bad-application\.json:2[0-9]: endpoints\[1\]\.port:/);
    assert.match(run.err, /endpoints\[1\]\.categories: needs at least one category/);
    assert.doesNotMatch(run.err, /\n\s+at /); // no stack trace
    // Valid, but too many endpoints to apply atomically: refused before sending.
    const big = join(dir, "big-application.json");
    writeFileSync(
      big,
      JSON.stringify({
        legalName: "Big GmbH",
        jurisdiction: "DE",
        legalEntityId: "X",
        evidence: { uri: "https://e.example/x", sha256: "00".repeat(32) },
        trafficModel: { categories: ["api-read"], maxRequestsPerSecond: 10, burst: 10, maxBandwidthKbps: 10 },
        endpoints: Array.from({ length: 12 }, (_, i) => ({
          host: `endpoint-${i}.a-rather-long-host-name.example`,
          port: 443,
          categories: ["api-read"],
        })),
      }),
    );
    const tooBig = await as("partner", "partner", "apply", "--file", big);
    assert.equal(tooBig.code, 1);
    assert.match(tooBig.err, /does not fit in one transaction .*declare the others afterwards/);
    const registry = await net.program(council[0]!).account.registry.fetch(addresses.registry());
    assert.equal(registry.partnerCount.toNumber(), 0);
  });

  it("partner apply + declare-endpoint + attest legal/technical (evidence files hashed)", async () => {
    const evidence = join(dir, "application-evidence.txt");
    writeFileSync(evidence, "owners, licences, compliance\n");
    const application = join(dir, "application.json");
    writeFileSync(
      application,
      JSON.stringify({
        legalName: "Example Data GmbH",
        jurisdiction: "DE",
        legalEntityId: "5299001EXAMPLE",
        evidence: { uri: "https://evidence.example/app.zip", file: "application-evidence.txt" },
        trafficModel: {
          categories: ["api-read", "api-write", "price-feed"],
          maxRequestsPerSecond: 500,
          burst: 100,
          maxBandwidthKbps: 100000,
        },
        endpoints: [
          { host: "api.example-data.de", port: 443, protocol: "https", categories: ["api-read", "api-write"] },
        ],
      }),
    );
    const applied = ok(await asJson("partner", "partner", "apply", "--file", application)).json<{
      partnerId: number;
      endpoints: { index: number; signature: string }[];
    }>();
    partnerId = applied.partnerId;
    assert.equal(applied.endpoints.length, 1);
    ok(
      await as(
        "partner",
        "partner",
        "declare-endpoint",
        "--partner",
        String(partnerId),
        "--host",
        "feed.example-data.de",
        "--protocol",
        "wss",
        "--categories",
        "price-feed",
      ),
    );

    const report = join(dir, "legal-report.pdf");
    writeFileSync(report, "legal report");
    /** `attest <check>` of the partner with the report file and its URI. */
    const attest = (check: "legal" | "technical", uri: string): string[] => [
      "attest",
      check,
      "--partner",
      String(partnerId),
      "--evidence-file",
      report,
      "--uri",
      uri,
    ];
    // The wrong signer is told what is missing, in words.
    const refused = await as("technical", ...attest("legal", "https://verifier.example/r.pdf"));
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      new RegExp(
        `${roles.technical.publicKey.toBase58()} does not hold the legal verifier role: sign with the key the council granted it to`,
      ),
    );
    const legal = ok(await asJson("legal", ...attest("legal", "https://verifier.example/r.pdf"))).json<{
      stage: string;
      sha256: string;
    }>();
    assert.equal(legal.stage, "legalVerified");
    assert.equal(legal.sha256, createHash("sha256").update("legal report").digest("hex"));
    const technical = ok(await asJson("technical", ...attest("technical", "https://auditor.example/a.pdf"))).json<{
      stage: string;
    }>();
    assert.equal(technical.stage, "technicallyVerified");
  });

  it("a full council approval: propose approve-partner → list in words → approve ×2 → execute after the time lock", async () => {
    const evidence = join(dir, "council-memo.txt");
    writeFileSync(evidence, "memo");
    // Only the endpoint set the technical auditor attested can be proposed, and the CLI says which.
    const unattested = await as(
      "member0",
      "propose",
      "approve-partner",
      "--partner",
      String(partnerId),
      "--endpoint-set-version",
      "1",
    );
    assert.equal(unattested.code, 1);
    assert.match(unattested.err, /--endpoint-set-version 1 is not the attested set \(version 2\)/);
    const proposed = ok(
      await asJson(
        "member0",
        "propose",
        "approve-partner",
        "--partner",
        String(partnerId),
        "--evidence-file",
        evidence,
        "--evidence-uri",
        "https://council.example/memo",
      ),
    ).json<ProposedJson>();
    const id = String(proposed.proposalId);
    assert.match(proposed.action, /the technical auditor attested version 2/);

    const listed = ok(await asJson("outsider", "proposals", "list")).json<ProposalRowJson[]>();
    const row = listed.find((r) => r.id === proposed.proposalId)!;
    assert.equal(row.action, "admit the partner with its endpoint set at version 2");
    assert.equal(row.evidence.uri, "https://council.example/memo");
    assert.match(
      ok(await as("outsider", "proposals", "list")).out,
      /admit the partner with its endpoint set at version 2/,
    );

    const outsider = await as("outsider", "approve", id);
    assert.equal(outsider.code, 1);
    assert.match(outsider.err, /not a member of the current council .*Next: sign with a key of the current council/);

    ok(await as("member0", "approve", id));
    const twice = await as("member0", "approve", id);
    assert.match(twice.err, /already voted/);
    const early = await as("member2", "execute", id);
    assert.match(early.err, /is open, not approved: it has 1 of 2 approvals/);
    const approved = ok(await asJson("member1", "approve", id)).json<StatusJson>();
    assert.equal(approved.status, "approved");

    const locked = await as("member2", "execute", id);
    assert.equal(locked.code, 1);
    assert.match(locked.err, /time lock has not passed yet .*TimeLockActive/);
    await afterTimeLock();
    const executed = ok(await asJson("outsider", "execute", id)).json<StatusJson>();
    assert.equal(executed.status, "executed");
    const status = ok(
      await asJson("outsider", "partner", "status", "--partner", String(partnerId)),
    ).json<PartnerStatusJson>();
    assert.equal(status.status, "active");
    assert.equal(status.stage, "admitted");
    assert.equal(status.endpoints.length, 2);
    assert.equal(status.technicallyAttestedSetVersion, status.endpointSetVersion);
  });

  it("partner keys generate + request key issue/revoke + endpoint add/remove, executed by the council", async () => {
    const key0 = join(dir, "infra-0.json");
    const key1 = join(dir, "infra-1.json");
    ok(await as("partner", "partner", "keys", "generate", "--out", key0));
    ok(await as("partner", "partner", "keys", "generate", "--out", key1));
    assert.match((await as("partner", "partner", "keys", "generate", "--out", key0)).err, /refusing to overwrite/);

    const p = String(partnerId);
    for (const args of [
      ["key", "issue", "--partner", p, "--key-file", key0],
      ["key", "issue", "--partner", p, "--key-file", key1, "--endpoints", "1"],
      ["endpoint", "add", "--partner", p, "--host", "search.example-data.de", "--categories", "api-read"],
    ]) {
      const { proposalId } = ok(await asJson("partner", "partner", "request", ...args)).json<ProposedJson>();
      ok(await as("member0", "approve", String(proposalId)));
      ok(await as("member1", "approve", String(proposalId)));
      await afterTimeLock();
      ok(await as("member2", "execute", String(proposalId)));
    }
    // A partner may not ask for council actions.
    const refused = await as("partner", "propose", "suspend", "--partner", p, "--reason", "self");
    assert.equal(refused.code, 1);
    assert.match(refused.err, /partner may only request endpoint, key and traffic-model changes/);

    await councilPasses("revoke-key", "--partner", p, "--index", "1", "--reason", "compromised");
    await councilPasses("remove-endpoint", "--partner", p, "--index", "2");
    const status = ok(await asJson("outsider", "partner", "status", "--partner", p)).json<PartnerStatusJson>();
    assert.deepEqual(
      status.keys.map((k) => k.status),
      ["active", "revoked"],
    );
    assert.equal(status.keys[1]!.endpoints, "1");
    assert.deepEqual(
      status.endpoints.map((e) => e.status),
      ["active", "active", "removed"],
    );
  });

  it("review record, report deviation, cancel and reject", async () => {
    const p = String(partnerId);
    const report = join(dir, "review.pdf");
    writeFileSync(report, "review");
    const review = ok(
      await asJson(
        "auditor",
        "review",
        "record",
        "--partner",
        p,
        "--outcome",
        "passed",
        "--evidence-file",
        report,
        "--uri",
        "https://audit.example/r",
      ),
    ).json<StatusJson>();
    assert.equal(review.status, "active");
    const deviation = ok(
      await asJson("node", "report", "deviation", "--partner", p, "--category", "api-read", "--observed", "900"),
    ).json<{ deviationCount: number }>();
    assert.equal(deviation.deviationCount, 1);
    const again = await as(
      "node",
      "report",
      "deviation",
      "--partner",
      p,
      "--category",
      "api-read",
      "--observed",
      "900",
    );
    assert.match(again.err, /already reported this partner in the current window/);

    const { proposalId: toCancel } = ok(
      await asJson("member0", "propose", "add-category", "--name", "video"),
    ).json<ProposedJson>();
    const notMine = await as("member1", "cancel", String(toCancel));
    assert.match(notMine.err, /Only the proposer may cancel/);
    ok(await as("member0", "cancel", String(toCancel)));
    const { proposalId: toReject } = ok(
      await asJson("member0", "propose", "add-category", "--name", "video"),
    ).json<ProposedJson>();
    ok(await as("member1", "reject", String(toReject)));
    const rejected = ok(await asJson("member2", "reject", String(toReject))).json<StatusJson>();
    assert.equal(rejected.status, "rejected");
    const all = ok(await asJson("outsider", "proposals", "list", "--all")).json<ProposalRowJson[]>();
    assert.deepEqual(
      all.filter((r) => r.id === toCancel || r.id === toReject).map((r) => r.status),
      ["cancelled", "rejected"],
    );
  });

  it("require-reverification: status lists the pending checks and a changed endpoint pending audit until attested", async () => {
    const p = String(partnerId);
    const report = join(dir, "reverification.pdf");
    writeFileSync(report, "re-verification report");
    const bad = await as(
      "member0",
      "propose",
      "require-reverification",
      "--partner",
      p,
      "--checks",
      "tax",
      "--reason",
      "x",
    );
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--checks must list legal and\/or technical/);
    await councilPasses(
      "require-reverification",
      "--partner",
      p,
      "--checks",
      "legal,technical",
      "--reason",
      "deviation reports",
      "--deadline",
      "+30d",
    );
    let status = ok(await asJson("outsider", "partner", "status", "--partner", p)).json<PartnerStatusJson>();
    assert.equal(status.status, "underAudit");
    assert.deepEqual(status.reverification?.pendingChecks, ["legal", "technical"]);
    assert.equal(status.reverification?.thenStatus, "active");
    await councilPasses("set-endpoint-categories", "--partner", p, "--index", "1", "--categories", "price-feed");
    const text = ok(await as("outsider", "partner", "status", "--partner", p)).out;
    assert.match(text, /re-verification pending: legal, technical, due \S+ \(then active; overdue after it\)/);
    assert.match(
      text,
      /#1 \S+ \[price-feed\] active, pending audit \(nodes refuse it until a technical auditor attests the set\)/,
    );

    const attest = (signer: string, kind: string) =>
      as(
        signer,
        "attest",
        kind,
        "--partner",
        p,
        "--evidence-file",
        report,
        "--evidence-uri",
        `https://verify.example/${kind}`,
      );
    const legal = ok(await attest("legal", "legal"));
    assert.match(
      legal.out,
      /legal re-verification recorded, confirmed: status now underAudit, still pending: technical/,
    );
    const again = await attest("legal", "legal");
    assert.equal(again.code, 1);
    assert.match(
      again.err,
      /owes no re-verification of this kind .*NoPendingCheck, error 6068.*Next: `lume partner status`/,
    );
    const technical = ok(await attest("technical", "technical"));
    assert.match(technical.out, /technical re-verification recorded, confirmed: status now active\n/);
    status = ok(await asJson("outsider", "partner", "status", "--partner", p)).json<PartnerStatusJson>();
    assert.equal(status.status, "active");
    assert.equal(status.reverification, null);
    assert.equal(status.endpoints[1]!.pendingAudit, false);
    assert.equal(status.attestations.technical?.evidenceUri, "https://verify.example/technical");
  });

  it("says what is wrong without a stack: bad input, missing keypair, unreachable chain (after retries)", async () => {
    const badId = await as("member0", "approve", "abc");
    assert.match(badId.err, /the proposal id must be a number/);
    const missing = await as("member0", "approve", "999");
    assert.match(missing.err, /no proposal #999/);
    const noKey = await lume([
      "--url",
      net.surfnet.rpcUrl,
      "--ws-url",
      net.surfnet.wsUrl,
      "--keypair",
      join(dir, "none.json"),
      "--yes",
      "approve",
      "0",
    ]);
    assert.match(noKey.err, /cannot read keypair file .*pass the signer's Solana CLI keypair file with --keypair/);
    const down = await lume(["--url", "http://127.0.0.1:9", "--retries", "2", "council", "show"]);
    assert.equal(down.code, 1);
    assert.match(down.err, /retrying in ([5-9]|10) ms/); // 10 ms, less up to half as jitter
    assert.match(down.err, /cannot reach http:\/\/127\.0\.0\.1:9 \(3 attempts/);
    const unknown = await lume(["propose", "frobnicate"]);
    assert.notEqual(unknown.code, 0);
    for (const run of [badId, missing, noKey, down]) assert.doesNotMatch(run.err, /\n\s+at /);
  });

  it("governance propose add-category (dry run): the embedded registry propose names the next proposal and the treasury as proposer", async () => {
    const governance = Keypair.generate().publicKey;
    const run = ok(
      await asJson(
        "member0",
        "governance",
        "propose",
        "add-category",
        "--name",
        "video",
        "--realm",
        Keypair.generate().publicKey.toBase58(),
        "--governance",
        governance.toBase58(),
        "--mint",
        Keypair.generate().publicKey.toBase58(),
        "--proposal-index",
        "0",
        "--hold-up-time",
        "0",
        "--dry-run",
      ),
    );
    const out = run.json<GovernanceProposalJson>();
    const { insert } = decodeGovernance(out.instructions);
    const embedded = insert.instructions![0]!;
    const registry = await net.program(council[0]!).account.registry.fetch(addresses.registry());
    assert.deepEqual(
      embedded.accounts.map((a) => [a.pubkey.toBase58(), a.isSigner, a.isWritable]),
      [
        [addresses.registry().toBase58(), false, true],
        [addresses.proposal(registry.proposalCount.toNumber()).toBase58(), false, true],
        [out.member, true, true],
        [PROGRAM_ID.toBase58(), false, false],
        [SystemProgram.programId.toBase58(), false, false],
        [eventAuthorityAddress().toBase58(), false, false],
        [PROGRAM_ID.toBase58(), false, false],
      ],
    );
    const decoded = new anchor.BorshInstructionCoder(net.program(council[0]!).idl).decode(Buffer.from(embedded.data));
    assert.ok(decoded, "the embedded instruction does not decode");
    assert.equal(decoded.name, "propose");
    assert.deepEqual((decoded.data as { action: unknown }).action, { addCategory: { name: "video" } });
    assert.match(out.registryAction, /add category "video"/);
  });

  it("the CLI's own entry point runs as a child process (bin/lume)", async () => {
    const { execFile } = await import("node:child_process");
    const out = await new Promise<string>((resolve, reject) =>
      execFile("bin/lume", ["--json", "--url", net.surfnet.rpcUrl, "council", "show"], (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    assert.equal(JSON.parse(out).threshold, 2);
  });

  describe("the request verifier on a snapshot loaded over RPC", () => {
    let snapshot: RegistrySnapshot;
    let key0: Uint8Array;
    let key1: Uint8Array;
    const request = (
      secret: Uint8Array,
      fields: { endpointIndex?: number; category?: number; keyIndex?: number } = {},
    ) =>
      signEnvelope(
        {
          partnerId,
          endpointIndex: 0,
          category: 0,
          timestampMs: Date.now(),
          payloadHash: Buffer.alloc(32, 7),
          keyIndex: 0,
          ...fields,
        },
        ed25519PrivateKey(secret),
      );

    before(async () => {
      snapshot = await loadRegistrySnapshot(net.connection);
      key0 = readKeypairFile(join(dir, "infra-0.json")).secretKey;
      key1 = readKeypairFile(join(dir, "infra-1.json")).secretKey;
    });

    it("the snapshot carries the partner, its endpoints and keys as the chain has them", () => {
      const partner = snapshot.partners.find((p) => p.id === partnerId)!;
      assert.equal(partner.status, "active");
      assert.equal(partner.stage, "admitted");
      assert.deepEqual(partner.trafficModel.allowedCategories, [0, 1, 3]);
      assert.deepEqual(
        partner.endpoints.map((e) => [e.index, e.status, e.categories]),
        [
          [0, "active", [0, 1]],
          [1, "active", [3]],
          [2, "removed", [0]],
        ],
      );
      assert.deepEqual(
        partner.keys.map((k) => [k.index, k.status, k.endpoints]),
        [
          [0, "active", []],
          [1, "revoked", [1]],
        ],
      );
      assert.equal(partner.keys[0]!.publicKey, new PublicKey(key0.subarray(32)).toBase58());
      assert.deepEqual(snapshot.categories, CATEGORIES);
      assert.ok(snapshot.changeCount > 20 && /^[0-9a-f]{64}$/.test(snapshot.historyHead));
    });

    it("allowed, revoked key, unknown endpoint, wrong category; then suspended after `lume guardian suspend`", async () => {
      const verifier = new RequestVerifier(snapshot);
      assert.deepEqual(verifier.verify(request(key0)), { allowed: true, reason: "allowed", detail: "request allowed" });
      assert.equal(verifier.verify(request(key0, { endpointIndex: 1, category: 3 })).reason, "allowed");
      assert.equal(
        verifier.verify(request(key1, { keyIndex: 1, endpointIndex: 1, category: 3 })).reason,
        "key_revoked",
      );
      assert.equal(verifier.verify(request(key0, { endpointIndex: 9 })).reason, "unknown_endpoint");
      assert.equal(verifier.verify(request(key0, { endpointIndex: 2 })).reason, "endpoint_removed");
      assert.equal(verifier.verify(request(key0, { category: 2 })).reason, "category_not_allowed");

      const suspended = ok(
        await asJson("guardian", "guardian", "suspend", "--partner", String(partnerId), "--reason", "abuse report"),
      ).json<StatusJson>();
      assert.equal(suspended.status, "suspended");
      // The snapshot is reloaded over RPC by the refresher a node runs.
      const refresher = keepSnapshotFresh(verifier, () => loadRegistrySnapshot(net.connection), { intervalMs: 60_000 });
      await refresher.refreshNow();
      refresher.stop();
      const verdict = verifier.verify(request(key0));
      assert.equal(verdict.reason, "partner_not_active");
      assert.match(verdict.detail, /suspended/);
      // And a snapshot nobody refreshed fails closed.
      assert.equal(verifier.verify(request(key0), Date.now() + 120_000).reason, "snapshot_stale");
    });
  });
});
