// Monitoring of admitted partners: record_review (auditors; moves the review date and the
// status by outcome), mark_review_overdue (anyone, once the review date plus grace has
// passed) and report_deviation (reporting nodes; one report per node per window, and the
// policy's threshold of distinct nodes within a window puts the partner under audit).
import assert from "node:assert/strict";
import { Keypair, PublicKey } from "@solana/web3.js";
import { PROGRAM_ID } from "../../harness/program.js";
import { addresses, type PartnerHandle, RegistryFixture } from "../../harness/registry-fixture.js";
import type { TxResult } from "../../harness/types.js";
import { forEachRuntime, registryPrograms } from "../support/for-each-runtime.js";
import { DAY, logCu, variant } from "../support/lifecycle.js";

const upgradeAuthority = Keypair.generate();

forEachRuntime(
  "monitoring",
  (h) => {
    let f: RegistryFixture;
    let auditor: Keypair;
    let guardian: Keypair;
    let interval: number;
    let grace: number;

    before(async () => {
      f = await RegistryFixture.create(h.rt, upgradeAuthority);
      auditor = await f.grantRole("auditor");
      guardian = await f.grantRole("guardian");
      const policy = (await f.registry()).policy;
      interval = policy.reviewIntervalSeconds;
      grace = policy.reviewGraceSeconds;
    });

    /** Checks the ReviewRecorded event of `result` against the partner now. */
    async function checkReview(result: TxResult, partner: PublicKey, outcome: string, status: string): Promise<void> {
      const data = await f.partner(partner);
      const now = await f.now();
      assert.equal(variant(data.status), status);
      assert.equal(data.lastReviewAt.toNumber(), now);
      assert.equal(data.nextReviewAt.toNumber(), now + interval);
      const event = f.event(result, "reviewRecorded");
      assert.ok(event.partner.equals(partner));
      assert.ok(event.auditor.equals(auditor.publicKey));
      assert.equal(variant(event.outcome), outcome);
      assert.deepEqual(Buffer.from(event.evidenceHash), Buffer.alloc(32, 0x5e));
      assert.equal(event.evidenceUri, "https://audit.example/review.pdf");
      assert.equal(event.nextReviewAt.toNumber(), now + interval);
      assert.equal(variant(event.status), status);
      assert.equal(event.revision, data.revision);
    }

    describe("record_review", () => {
      let p: PartnerHandle;
      before(async () => {
        p = await f.admittedPartner();
      });

      it("needs an active auditor grant held by the signer (RoleNotGranted)", async () => {
        f.assertError(
          await f.recordReview(guardian, p.address, "passed", {
            roleGrant: addresses.role("guardian", guardian.publicKey),
          }),
          "RoleNotGranted",
        );
        f.assertError(
          await f.recordReview(guardian, p.address, "passed", {
            roleGrant: addresses.role("auditor", auditor.publicKey),
          }),
          "RoleNotGranted",
        );
      });

      it("refuses an applicant not yet admitted (WrongPartnerStatus) and a malformed evidence URI (InvalidText)", async () => {
        const applicant = await f.apply();
        f.assertError(await f.recordReview(auditor, applicant.address, "passed"), "WrongPartnerStatus");
        f.assertError(await f.recordReview(auditor, p.address, "passed", { evidenceUri: "not a uri" }), "InvalidText");
      });

      it("Passed keeps an active partner active and moves the next review one interval from now", async () => {
        await f.warp(30 * DAY);
        const before = await f.partner(p.address);
        const result = await f.recordReview(auditor, p.address, "passed");
        f.assertOk(result, "record_review");
        logCu(h, "record_review (passed)", result);
        await checkReview(result, p.address, "passed", "active");
        const after = await f.partner(p.address);
        assert.ok(after.nextReviewAt.gt(before.nextReviewAt));
        assert.equal(after.revision, before.revision + 1);
      });

      it("Concerns puts an active partner under audit", async () => {
        const result = await f.recordReview(auditor, p.address, "concerns");
        f.assertOk(result, "record_review");
        logCu(h, "record_review (concerns)", result);
        await checkReview(result, p.address, "concerns", "underAudit");
      });

      it("Passed returns a partner under audit to active; Failed puts it back under audit", async () => {
        const passed = await f.recordReview(auditor, p.address, "passed");
        f.assertOk(passed, "passed");
        await checkReview(passed, p.address, "passed", "active");
        const failed = await f.recordReview(auditor, p.address, "failed");
        f.assertOk(failed, "failed");
        await checkReview(failed, p.address, "failed", "underAudit");
        const concerns = await f.recordReview(auditor, p.address, "concerns");
        f.assertOk(concerns, "concerns while under audit");
        await checkReview(concerns, p.address, "concerns", "underAudit");
      });
    });

    describe("mark_review_overdue", () => {
      let p: PartnerHandle;
      let caller: Keypair;
      before(async () => {
        p = await f.admittedPartner();
        caller = await f.newSigner(); // no role at all: the crank is permissionless
      });

      it("is refused until the review date plus grace has passed (ReviewNotDue)", async () => {
        f.assertError(await f.markReviewOverdue(caller, p.address), "ReviewNotDue");
        const deadline = (await f.partner(p.address)).nextReviewAt.toNumber() + grace;
        await h.rt.warpTo(BigInt(deadline - grace));
        f.assertError(await f.markReviewOverdue(caller, p.address), "ReviewNotDue");
        await h.rt.warpTo(BigInt(deadline));
        f.assertError(await f.markReviewOverdue(caller, p.address), "ReviewNotDue");
      });

      it("then anyone may mark the partner ReviewOverdue", async () => {
        const before = await f.partner(p.address);
        const deadline = before.nextReviewAt.toNumber() + grace;
        await h.rt.warpTo(BigInt(deadline + 1));
        const result = await f.markReviewOverdue(caller, p.address);
        f.assertOk(result, "mark_review_overdue");
        logCu(h, "mark_review_overdue", result);
        const partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "reviewOverdue");
        assert.equal(partner.revision, before.revision + 1);
        assert.equal(partner.nextReviewAt.toNumber(), before.nextReviewAt.toNumber());
        const event = f.event(result, "partnerStatusChanged");
        assert.ok(event.partner.equals(p.address));
        assert.equal(variant(event.oldStatus), "active");
        assert.equal(variant(event.newStatus), "reviewOverdue");
        assert.equal(variant(event.cause), "reviewOverdue");
        assert.ok(event.actor.equals(caller.publicKey));
        assert.equal(event.proposalId.toNumber(), 0);
        assert.equal(event.until.toNumber(), deadline);
        assert.equal(event.reason, "");
        assert.equal(event.revision, partner.revision);

        f.assertError(await f.markReviewOverdue(caller, p.address), "WrongPartnerStatus");
      });

      it("a passed review returns an overdue partner to active, with a new review date", async () => {
        const result = await f.recordReview(auditor, p.address, "passed");
        f.assertOk(result, "record_review");
        logCu(h, "record_review (overdue → active)", result);
        await checkReview(result, p.address, "passed", "active");
        f.assertError(await f.markReviewOverdue(caller, p.address), "ReviewNotDue");
      });

      it("a partner under audit can become overdue too; a review with concerns then puts it back under audit", async () => {
        f.assertOk(await f.recordReview(auditor, p.address, "concerns"), "concerns");
        await f.warp(interval + grace + 1);
        const marked = await f.markReviewOverdue(caller, p.address);
        f.assertOk(marked, "mark");
        assert.equal(variant(f.event(marked, "partnerStatusChanged").oldStatus), "underAudit");
        const result = await f.recordReview(auditor, p.address, "concerns");
        f.assertOk(result, "concerns while overdue");
        await checkReview(result, p.address, "concerns", "underAudit");
      });

      it("a suspended partner is not marked; a review during a guardian suspension decides the status it returns to", async () => {
        f.assertOk(await f.recordReview(auditor, p.address, "passed"), "passed");
        await f.warp(interval + grace + 1);
        f.assertOk(await f.markReviewOverdue(caller, p.address), "mark");
        f.assertOk(await f.guardianSuspend(guardian, p.address, "overdue and unreachable"), "guardian_suspend");
        f.assertError(await f.markReviewOverdue(caller, p.address), "WrongPartnerStatus");
        assert.equal(variant((await f.partner(p.address)).statusBeforeSuspension), "reviewOverdue");

        // The review passes while the suspension runs: it stays suspended...
        const review = await f.recordReview(auditor, p.address, "passed");
        f.assertOk(review, "review during suspension");
        await checkReview(review, p.address, "passed", "suspended");
        // ...and returns to active, not to overdue, when the suspension lapses.
        await f.warp((await f.registry()).policy.guardianSuspensionSeconds);
        f.assertOk(await f.liftGuardianSuspension(caller, p.address), "lift");
        assert.equal(variant((await f.partner(p.address)).status), "active");
        f.assertError(await f.markReviewOverdue(caller, p.address), "ReviewNotDue");
      });
    });

    describe("report_deviation", () => {
      let p: PartnerHandle;
      let nodes: Keypair[];
      let windowSeconds: number;
      let threshold: number;
      before(async () => {
        p = await f.admittedPartner();
        nodes = [];
        for (let i = 0; i < 4; i++) nodes.push(await f.grantRole("reportingNode"));
        const policy = (await f.registry()).policy;
        windowSeconds = policy.deviationWindowSeconds;
        threshold = policy.deviationThreshold;
        assert.equal(threshold, 3);
      });

      it("needs an active reporting-node grant (RoleNotGranted), a known category (UnknownCategory) and an admitted partner", async () => {
        f.assertError(
          (
            await f.reportDeviation(auditor, p.address, 0, 900, {
              roleGrant: addresses.role("auditor", auditor.publicKey),
            })
          ).result,
          "RoleNotGranted",
        );
        f.assertError(
          (
            await f.reportDeviation(auditor, p.address, 0, 900, {
              roleGrant: addresses.role("reportingNode", nodes[0]!.publicKey),
            })
          ).result,
          "RoleNotGranted",
        );
        const count = (await f.registry()).categoryCount;
        f.assertError((await f.reportDeviation(nodes[0]!, p.address, count, 900)).result, "UnknownCategory");
        f.assertError((await f.reportDeviation(nodes[0]!, p.address, 255, 900)).result, "UnknownCategory");
        const applicant = await f.apply();
        f.assertError((await f.reportDeviation(nodes[0]!, applicant.address, 0, 900)).result, "WrongPartnerStatus");
        assert.equal((await f.partner(p.address)).deviationCount, 0);
      });

      it("the first report opens a window and records the report PDA", async () => {
        const before = await f.partner(p.address);
        const now = await f.now();
        const { result, report } = await f.reportDeviation(nodes[0]!, p.address, 1, 1_250);
        f.assertOk(result, "report_deviation");
        logCu(h, "report_deviation", result);
        assert.ok(report.equals(addresses.deviation(p.address, nodes[0]!.publicKey, now)));

        const data = await f.program.account.deviationReport.fetch(report);
        assert.equal(data.layoutVersion, 1);
        assert.equal(
          data.bump,
          PublicKey.findProgramAddressSync(
            [
              Buffer.from("deviation"),
              p.address.toBuffer(),
              nodes[0]!.publicKey.toBuffer(),
              Buffer.from(new BigInt64Array([BigInt(now)]).buffer),
            ],
            PROGRAM_ID,
          )[1],
        );
        assert.ok(data.partner.equals(p.address));
        assert.ok(data.reporter.equals(nodes[0]!.publicKey));
        assert.equal(data.windowStart.toNumber(), now);
        assert.equal(data.category, 1);
        assert.equal(data.observed.toNumber(), 1_250);
        assert.deepEqual(Buffer.from(data.evidenceHash), Buffer.alloc(32, 0xde));
        assert.equal(data.reportedAt.toNumber(), now);

        const partner = await f.partner(p.address);
        assert.equal(partner.deviationWindowStart.toNumber(), now);
        assert.equal(partner.deviationCount, 1);
        assert.equal(variant(partner.status), "active");
        assert.equal(partner.revision, before.revision + 1);

        const event = f.event(result, "deviationReported");
        assert.ok(event.partner.equals(p.address));
        assert.ok(event.reporter.equals(nodes[0]!.publicKey));
        assert.equal(event.category, 1);
        assert.equal(event.observed.toNumber(), 1_250);
        assert.deepEqual(Buffer.from(event.evidenceHash), Buffer.alloc(32, 0xde));
        assert.equal(event.windowStart.toNumber(), now);
        assert.equal(event.deviationCount, 1);
        assert.equal(variant(event.status), "active");
        assert.equal(event.revision, partner.revision);
      });

      it("a node reports a partner once per window (AlreadyReported); another window's PDA is InvalidPda", async () => {
        await f.warp(DAY);
        f.assertError((await f.reportDeviation(nodes[0]!, p.address, 2, 3_000)).result, "AlreadyReported");
        const start = (await f.partner(p.address)).deviationWindowStart.toNumber();
        const wrong = addresses.deviation(p.address, nodes[0]!.publicKey, start + 1);
        f.assertError(
          (await f.reportDeviation(nodes[0]!, p.address, 2, 3_000, { report: wrong })).result,
          "InvalidPda",
        );
        const foreign = addresses.deviation(p.address, nodes[1]!.publicKey, start);
        f.assertError(
          (await f.reportDeviation(nodes[0]!, p.address, 2, 3_000, { report: foreign })).result,
          "InvalidPda",
        );
        assert.equal((await f.partner(p.address)).deviationCount, 1);
      });

      it("the threshold's distinct node within the window puts the partner under audit automatically", async () => {
        const second = await f.reportDeviation(nodes[1]!, p.address, 0, 800);
        f.assertOk(second.result, "second node");
        assert.equal(f.event(second.result, "deviationReported").deviationCount, 2);
        assert.equal(variant((await f.partner(p.address)).status), "active");

        const third = await f.reportDeviation(nodes[2]!, p.address, 0, 820);
        f.assertOk(third.result, "third node");
        logCu(h, "report_deviation (reaching the threshold)", third.result);
        const partner = await f.partner(p.address);
        assert.equal(partner.deviationCount, threshold);
        assert.equal(variant(partner.status), "underAudit");
        const event = f.event(third.result, "deviationReported");
        assert.equal(event.deviationCount, threshold);
        assert.equal(variant(event.status), "underAudit");

        const fourth = await f.reportDeviation(nodes[3]!, p.address, 0, 830);
        f.assertOk(fourth.result, "fourth node");
        assert.equal((await f.partner(p.address)).deviationCount, 4);
        assert.equal(variant((await f.partner(p.address)).status), "underAudit");
      });

      it("after the window the count restarts, in a new window starting at the next report", async () => {
        const start = (await f.partner(p.address)).deviationWindowStart.toNumber();
        await h.rt.warpTo(BigInt(start + windowSeconds));
        const { result, report } = await f.reportDeviation(nodes[0]!, p.address, 1, 1_400);
        f.assertOk(result, "report in the new window");
        const partner = await f.partner(p.address);
        assert.equal(partner.deviationWindowStart.toNumber(), start + windowSeconds);
        assert.equal(partner.deviationCount, 1);
        assert.ok(report.equals(addresses.deviation(p.address, nodes[0]!.publicKey, start + windowSeconds)));
        const event = f.event(result, "deviationReported");
        assert.equal(event.deviationCount, 1);
        assert.equal(event.windowStart.toNumber(), start + windowSeconds);
        const old = await h.rt.getAccount(addresses.deviation(p.address, nodes[0]!.publicKey, start));
        assert.ok(old?.owner.equals(PROGRAM_ID), "earlier reports stay on-chain");
        assert.equal(variant(partner.status), "underAudit", "only a review clears an audit");
      });

      it("reports spread over two windows do not add up", async () => {
        const q = await f.admittedPartner();
        f.assertOk((await f.reportDeviation(nodes[0]!, q.address, 0, 700)).result, "1st");
        f.assertOk((await f.reportDeviation(nodes[1]!, q.address, 0, 700)).result, "2nd");
        await f.warp(windowSeconds);
        const late = await f.reportDeviation(nodes[2]!, q.address, 0, 700);
        f.assertOk(late.result, "3rd, in the next window");
        let partner = await f.partner(q.address);
        assert.equal(partner.deviationCount, 1);
        assert.equal(variant(partner.status), "active");
        f.assertOk((await f.reportDeviation(nodes[0]!, q.address, 0, 700)).result, "node 0 again, new window");
        f.assertOk((await f.reportDeviation(nodes[1]!, q.address, 0, 700)).result, "node 1 again, new window");
        partner = await f.partner(q.address);
        assert.equal(partner.deviationCount, 3);
        assert.equal(variant(partner.status), "underAudit");
      });

      it("reaching the threshold during a guardian suspension makes the partner return under audit", async () => {
        const r = await f.admittedPartner();
        f.assertOk(await f.guardianSuspend(guardian, r.address, "investigating"), "guardian_suspend");
        for (const node of nodes.slice(0, threshold))
          f.assertOk((await f.reportDeviation(node, r.address, 0, 990)).result, "report");
        const partner = await f.partner(r.address);
        assert.equal(partner.deviationCount, threshold);
        assert.equal(variant(partner.status), "suspended");
        assert.equal(variant(partner.statusBeforeSuspension), "underAudit");
        await f.warp((await f.registry()).policy.guardianSuspensionSeconds);
        f.assertOk(await f.liftGuardianSuspension(guardian, r.address), "lift");
        assert.equal(variant((await f.partner(r.address)).status), "underAudit");
      });

      it("a revoked reporting node is refused (RoleNotGranted)", async () => {
        const node = nodes[3]!;
        f.assertOk(
          await f.pass({ revokeRole: { role: { reportingNode: {} }, holder: node.publicKey } }, null, [
            addresses.role("reportingNode", node.publicKey),
          ]),
          "revoke",
        );
        await f.warp(windowSeconds);
        f.assertError((await f.reportDeviation(node, p.address, 0, 900)).result, "RoleNotGranted");
      });
    });
  },
  registryPrograms(upgradeAuthority),
  { readsEvents: true },
);
