// Verification after admission (issue 17): the council's RequireReverification (and the
// deviation threshold) records the checks a partner owes; accredited verifiers attest them
// again; the partner returns to its status before once all are attested, and is marked overdue
// by the crank when one is still pending at the deadline. Endpoints added or changed after
// admission stay pending audit until a technical auditor attests the set that contains them.
// Both runtimes (accounts and error codes); the events are checked on litesvm below.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import {
  addresses,
  DEFAULT_ENDPOINT,
  type PartnerHandle,
  type ProposalActionArg,
  RegistryFixture,
} from "../../harness/registry-fixture.js";
import { forEachRuntime, type RuntimeHandle, registryPrograms } from "../support/for-each-runtime.js";
import { DAY, logCu, text, variant } from "../support/lifecycle.js";

const { BN } = anchor;
const LEGAL = 1;
const TECHNICAL = 2;
const upgradeAuthority = Keypair.generate();
/** What a re-verification instruction may cost. */
const CU_BUDGET = 6_000;

const requireAction = (
  legal: boolean,
  technical: boolean,
  deadline: number,
  reason = "traffic deviates",
): ProposalActionArg => ({
  requireReverification: { legal, technical, reason, deadline: new BN(deadline) },
});

/** Verifier roles and an admitted partner in a registry, with the usual helpers. */
async function setup(h: RuntimeHandle) {
  const f = await RegistryFixture.create(h.rt, upgradeAuthority);
  const legal = await f.grantRole("legalVerifier");
  const technical = await f.grantRole("technicalAuditor");
  const auditor = await f.grantRole("auditor");
  return { f, legal, technical, auditor };
}

forEachRuntime(
  "re-verification after admission",
  (h) => {
    let f: RegistryFixture;
    let legal: Keypair;
    let technical: Keypair;
    let auditor: Keypair;

    before(async () => {
      ({ f, legal, technical, auditor } = await setup(h));
    });

    async function requireChecks(p: PartnerHandle, legalCheck: boolean, technicalCheck: boolean, deadline: number) {
      const result = await f.pass(requireAction(legalCheck, technicalCheck, deadline), p.address, [p.address]);
      return result;
    }

    describe("RequireReverification", () => {
      it("needs a check (InvalidReverification at propose) and an admitted partner (WrongAdmissionStage)", async () => {
        const p = await f.admittedPartner();
        const now = await f.now();
        const { result } = await f.propose(f.council[0]!, requireAction(false, false, now + DAY), p.address);
        f.assertError(result, "InvalidReverification");
        const applicant = await f.apply();
        f.assertError(
          await f.pass(requireAction(true, false, now + 30 * DAY), applicant.address, [applicant.address]),
          "WrongAdmissionStage",
        );
      });

      it("is the council's: a partner's authority cannot propose it (ActionNotAllowedForProposer)", async () => {
        const p = await f.admittedPartner();
        const { result } = await f.propose(
          p.authority,
          requireAction(true, false, (await f.now()) + 30 * DAY),
          p.address,
        );
        f.assertError(result, "ActionNotAllowedForProposer");
      });

      it("refuses a deadline that is not in the future at execution (InvalidReverification)", async () => {
        const p = await f.admittedPartner();
        // The time lock passes between proposing and executing: a deadline inside it has gone by.
        const deadline = (await f.now()) + 60;
        f.assertError(await requireChecks(p, true, false, deadline), "InvalidReverification");
        assert.equal((await f.partner(p.address)).pendingChecks, 0);
        assert.equal(variant((await f.partner(p.address)).status), "active");
      });

      it("moves an active partner under audit with the pending checks and the deadline on its account", async () => {
        const p = await f.admittedPartner();
        const deadline = (await f.now()) + 30 * DAY;
        const result = await requireChecks(p, true, true, deadline);
        f.assertOk(result, "execute RequireReverification");
        logCu(h, "execute: RequireReverification", result, CU_BUDGET);
        const partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "underAudit");
        assert.equal(partner.pendingChecks, LEGAL | TECHNICAL);
        assert.equal(partner.reverificationDeadline.toNumber(), deadline);
        assert.equal(variant(partner.statusBeforeReverification), "active");
        assert.equal(variant(partner.stage), "admitted");
      });
    });

    describe("attesting the pending checks", () => {
      let p: PartnerHandle;
      before(async () => {
        p = await f.admittedPartner();
        f.assertOk(await requireChecks(p, true, true, (await f.now()) + 30 * DAY), "require");
      });

      it("needs the check's own role (RoleNotGranted)", async () => {
        f.assertError(await f.attest("legal", p.address, technical, "technicalAuditor"), "RoleNotGranted");
        f.assertError(await f.attest("technical", p.address, legal, "legalVerifier"), "RoleNotGranted");
        f.assertError(await f.attest("legal", p.address, auditor, "auditor"), "RoleNotGranted");
      });

      it("a legal attestation clears the legal check; the partner stays under audit while the technical one is pending", async () => {
        const result = await f.attest("legal", p.address, legal);
        f.assertOk(result, "attest_legal");
        logCu(h, "attest_legal (re-verification)", result, CU_BUDGET);
        const partner = await f.partner(p.address);
        assert.equal(partner.pendingChecks, TECHNICAL);
        assert.equal(variant(partner.status), "underAudit");
        assert.equal(variant(partner.stage), "admitted");
        assert.ok(partner.legalVerifier.equals(legal.publicKey));
        assert.equal(partner.legalAttestedAt.toNumber(), await f.now());
        assert.equal(text(partner.legalEvidence.uri), "https://verifier.example/report.pdf");
      });

      it("a check attested already is not attested again (NoPendingCheck)", async () => {
        f.assertError(await f.attest("legal", p.address, legal), "NoPendingCheck");
      });

      it("the last attestation returns the partner to active, binding the endpoint-set version", async () => {
        const result = await f.attest("technical", p.address, technical);
        f.assertOk(result, "attest_technical");
        logCu(h, "attest_technical (last pending check)", result, CU_BUDGET);
        const partner = await f.partner(p.address);
        assert.equal(partner.pendingChecks, 0);
        assert.equal(partner.reverificationDeadline.toNumber(), 0);
        assert.equal(variant(partner.status), "active");
        assert.equal(partner.technicalEndpointSetVersion, partner.endpointSetVersion);
        f.assertError(await f.attest("technical", p.address, technical), "NoPendingCheck");
      });

      it("an admitted partner owing nothing is not attested (NoPendingCheck)", async () => {
        const q = await f.admittedPartner();
        f.assertError(await f.attest("legal", q.address, legal), "NoPendingCheck");
        f.assertError(await f.attest("technical", q.address, technical), "NoPendingCheck");
      });
    });

    describe("the deadline", () => {
      let p: PartnerHandle;
      let caller: Keypair;
      let deadline: number;
      before(async () => {
        p = await f.admittedPartner();
        caller = await f.newSigner();
        deadline = (await f.now()) + 10 * DAY;
        f.assertOk(await requireChecks(p, false, true, deadline), "require");
      });

      it("the crank refuses before the deadline (ReviewNotDue)", async () => {
        await h.rt.warpTo(BigInt(deadline));
        f.assertError(await f.markReviewOverdue(caller, p.address), "ReviewNotDue");
      });

      it("after it, a late attestation is refused (ReverificationDeadlinePassed) and anyone marks the partner overdue", async () => {
        await h.rt.warpTo(BigInt(deadline + 1));
        f.assertError(await f.attest("technical", p.address, technical), "ReverificationDeadlinePassed");
        const result = await f.markReviewOverdue(caller, p.address);
        f.assertOk(result, "mark_review_overdue");
        logCu(h, "mark_review_overdue (re-verification)", result, CU_BUDGET);
        const partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "reviewOverdue");
        assert.equal(partner.pendingChecks, TECHNICAL);
      });

      it("a passed review does not make it active while the check is pending; the council's new deadline lets it be attested", async () => {
        f.assertOk(await f.recordReview(auditor, p.address, "passed"), "review");
        let partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "underAudit");
        assert.equal(variant(partner.statusBeforeReverification), "active");
        // Still past the deadline: overdue again.
        f.assertOk(await f.markReviewOverdue(caller, p.address), "overdue again");
        const newDeadline = (await f.now()) + 30 * DAY;
        f.assertOk(await requireChecks(p, false, true, newDeadline), "new deadline");
        partner = await f.partner(p.address);
        assert.equal(partner.reverificationDeadline.toNumber(), newDeadline);
        assert.equal(variant(partner.status), "reviewOverdue", "overdue until a review");
        f.assertOk(await f.attest("technical", p.address, technical), "attest in time");
        partner = await f.partner(p.address);
        assert.equal(partner.pendingChecks, 0);
        assert.equal(variant(partner.status), "reviewOverdue");
        f.assertOk(await f.recordReview(auditor, p.address, "passed"), "review");
        assert.equal(variant((await f.partner(p.address)).status), "active");
      });
    });

    describe("suspended and revoked partners", () => {
      it("a suspended partner stays suspended and returns under audit, then to active once attested", async () => {
        const p = await f.admittedPartner();
        f.assertOk(await f.pass({ suspendPartner: { reason: "investigation" } }, p.address, [p.address]), "suspend");
        f.assertOk(await requireChecks(p, true, false, (await f.now()) + 30 * DAY), "require");
        let partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "suspended");
        assert.equal(variant(partner.statusBeforeSuspension), "underAudit");
        assert.equal(variant(partner.statusBeforeReverification), "active");
        f.assertOk(await f.attest("legal", p.address, legal), "attest while suspended");
        partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "suspended");
        assert.equal(variant(partner.statusBeforeSuspension), "active");
        f.assertOk(await f.pass({ reinstatePartner: {} }, p.address, [p.address]), "reinstate");
        assert.equal(variant((await f.partner(p.address)).status), "active");
      });

      it("a revoked partner is attested no further and owes nothing new (WrongPartnerStatus)", async () => {
        const p = await f.admittedPartner();
        f.assertOk(await requireChecks(p, true, true, (await f.now()) + 30 * DAY), "require");
        f.assertOk(await f.pass({ revokePartner: { reason: "fraud" } }, p.address, [p.address]), "revoke");
        f.assertError(await f.attest("legal", p.address, legal), "WrongPartnerStatus");
        f.assertError(await f.attest("technical", p.address, technical), "WrongPartnerStatus");
        f.assertError(await requireChecks(p, true, false, (await f.now()) + 30 * DAY), "WrongPartnerStatus");
        assert.equal(variant((await f.partner(p.address)).status), "revoked");
      });
    });

    describe("deviation threshold", () => {
      it("requires a technical audit due within the review grace; its attestation returns the partner to active", async () => {
        const p = await f.admittedPartner();
        const nodes = [await f.grantRole("reportingNode"), await f.grantRole("reportingNode")];
        nodes.push(await f.grantRole("reportingNode"));
        const registry = await f.registry();
        for (const node of nodes) f.assertOk((await f.reportDeviation(node, p.address, 0, 999)).result, "report");
        let partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "underAudit");
        assert.equal(partner.pendingChecks, TECHNICAL);
        assert.equal(partner.reverificationDeadline.toNumber(), (await f.now()) + registry.policy.reviewGraceSeconds);
        f.assertError(await f.attest("legal", p.address, legal), "NoPendingCheck");
        f.assertOk(await f.attest("technical", p.address, technical), "technical audit");
        partner = await f.partner(p.address);
        assert.equal(partner.pendingChecks, 0);
        assert.equal(variant(partner.status), "active");
      });
    });

    describe("endpoints changed after admission", () => {
      let p: PartnerHandle;
      before(async () => {
        p = await f.admittedPartner();
      });

      it("an added endpoint records its version above the attested one (pending audit) until an auditor attests the set", async () => {
        const before = await f.partner(p.address);
        const index = before.nextEndpointIndex;
        const ep = DEFAULT_ENDPOINT("new.partner.example");
        const action = {
          addEndpoint: { host: ep.host, port: ep.port, protocol: ep.protocol, categories: ep.categories },
        };
        f.assertOk(await f.pass(action, p.address, [p.address, addresses.endpoint(p.address, index)]), "add");
        let partner = await f.partner(p.address);
        const endpoint = await f.endpoint(p.address, index);
        assert.equal(endpoint.changedInVersion, partner.endpointSetVersion);
        assert.ok(endpoint.changedInVersion > partner.technicalEndpointSetVersion, "pending audit");
        assert.equal(variant(partner.status), "active", "the partner itself stays active");
        const old = await f.endpoint(p.address, 0);
        assert.ok(old.changedInVersion <= partner.technicalEndpointSetVersion, "the admitted endpoint serves");

        const result = await f.attest("technical", p.address, technical);
        f.assertOk(result, "attest the changed set");
        logCu(h, "attest_technical (changed endpoint set)", result, CU_BUDGET);
        partner = await f.partner(p.address);
        assert.equal(partner.technicalEndpointSetVersion, partner.endpointSetVersion);
        assert.equal(partner.pendingChecks, 0);
        f.assertError(await f.attest("technical", p.address, technical), "NoPendingCheck");
      });

      it("changed categories make an endpoint pending audit again", async () => {
        f.assertOk(
          await f.pass({ setEndpointCategories: { index: 0, categories: new BN(0b001) } }, p.address, [
            p.address,
            addresses.endpoint(p.address, 0),
          ]),
          "set categories",
        );
        const partner = await f.partner(p.address);
        const endpoint = await f.endpoint(p.address, 0);
        assert.equal(endpoint.changedInVersion, partner.endpointSetVersion);
        assert.ok(endpoint.changedInVersion > partner.technicalEndpointSetVersion);
        f.assertOk(await f.attest("technical", p.address, technical), "attest");
      });
    });
  },
  registryPrograms(upgradeAuthority),
);

forEachRuntime(
  "re-verification events",
  (h) => {
    it("RequireReverification, the attestations and the overdue crank are in the history", async () => {
      const { f, legal, technical } = await setup(h);
      const p = await f.admittedPartner();
      const deadline = (await f.now()) + 30 * DAY;
      const required = await f.pass(requireAction(true, true, deadline, "deviations"), p.address, [p.address]);
      f.assertOk(required, "require");
      const change = f.event(required, "partnerStatusChanged");
      assert.equal(variant(change.cause), "reverificationRequired");
      assert.equal(variant(change.oldStatus), "active");
      assert.equal(variant(change.newStatus), "underAudit");
      assert.equal(change.until.toNumber(), deadline);
      assert.equal(change.reason, "deviations");

      const first = await f.attest("legal", p.address, legal);
      const attested = f.event(first, "verificationAttested");
      assert.equal(variant(attested.kind), "legal");
      assert.equal(variant(attested.stage), "admitted");
      assert.equal(attested.evidenceUri, "https://verifier.example/report.pdf");

      const last = await f.attest("technical", p.address, technical);
      const names = f.events(last).map((e) => e.name);
      assert.deepEqual(names, ["verificationAttested", "partnerStatusChanged"]);
      const completed = f.events(last)[1]!.data as { cause: object; newStatus: object; actor: Keypair["publicKey"] };
      assert.equal(variant(completed.cause), "reverificationCompleted");
      assert.equal(variant(completed.newStatus), "active");
      assert.ok(completed.actor.equals(technical.publicKey));

      const q = await f.admittedPartner();
      const qDeadline = (await f.now()) + 10 * DAY;
      f.assertOk(await f.pass(requireAction(false, true, qDeadline), q.address, [q.address]), "require");
      await h.rt.warpTo(BigInt(qDeadline + 1));
      const overdue = f.event(await f.markReviewOverdue(technical, q.address), "partnerStatusChanged");
      assert.equal(variant(overdue.cause), "reverificationOverdue");
      assert.equal(overdue.until.toNumber(), qDeadline);
      assert.equal(variant(overdue.newStatus), "reviewOverdue");
    });
  },
  registryPrograms(upgradeAuthority),
  { readsEvents: true },
);
