// A partner's status after admission: council suspension and reinstatement (back to the
// saved status), final revocation, traffic-model changes, and a guardian's emergency
// suspension that lapses on its own unless a SuspendPartner proposal ratifies it.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair, PublicKey } from "@solana/web3.js";
import {
  addresses,
  DEFAULT_ENDPOINT,
  DEFAULT_TRAFFIC_MODEL,
  type PartnerHandle,
  type ProposalActionArg,
  RegistryFixture,
} from "../../harness/registry-fixture.js";
import type { TxResult } from "../../harness/types.js";
import { forEachRuntime, registryPrograms } from "../support/for-each-runtime.js";
import { DAY, logCu, variant } from "../support/lifecycle.js";

const { BN } = anchor;
const upgradeAuthority = Keypair.generate();

/**
 * Checks a PartnerStatusChanged event against the partner as it is now. The actor is the council's
 * first member (who executes) and `until` 0 (no lapse) unless given.
 */
async function checkStatusEvent(
  f: RegistryFixture,
  result: TxResult,
  partner: PublicKey,
  {
    actor = f.council[0]!.publicKey,
    until = 0,
    ...expected
  }: {
    old: string;
    new: string;
    cause: string;
    actor?: PublicKey;
    proposalId: number;
    until?: number;
    reason: string;
  },
): Promise<void> {
  const event = f.event(result, "partnerStatusChanged");
  const data = await f.partner(partner);
  assert.ok(event.partner.equals(partner));
  assert.equal(variant(event.oldStatus), expected.old);
  assert.equal(variant(event.newStatus), expected.new);
  assert.equal(variant(event.newStatus), variant(data.status));
  assert.equal(variant(event.cause), expected.cause);
  assert.ok(event.actor.equals(actor), `actor ${event.actor} != ${actor}`);
  assert.equal(event.proposalId.toNumber(), expected.proposalId);
  assert.equal(event.until.toNumber(), until);
  assert.equal(event.reason, expected.reason);
  assert.equal(event.revision, data.revision);
}

forEachRuntime(
  "partner status actions",
  (h) => {
    let f: RegistryFixture;
    let auditor: Keypair;

    before(async () => {
      f = await RegistryFixture.create(h.rt, upgradeAuthority);
      auditor = await f.grantRole("auditor");
    });

    /** Executes the council's `action` on `p` (by `executor`, else the first member): it succeeds; its CU are logged. */
    async function executed(p: PartnerHandle, action: ProposalActionArg, label: string, executor?: Keypair) {
      const id = await f.approved(action, p.address);
      const result = await f.execute(id, [p.address], executor);
      f.assertOk(result, label);
      logCu(h, label, result);
      return { id, result, partner: await f.partner(p.address) };
    }

    describe("council suspension, reinstatement and traffic model", () => {
      let p: PartnerHandle;
      before(async () => {
        p = await f.admittedPartner();
      });

      it("SuspendPartner suspends an active partner and saves its status", async () => {
        const before = await f.partner(p.address);
        const { id, result, partner } = await executed(
          p,
          { suspendPartner: { reason: "unpaid audit fees" } },
          "execute SuspendPartner",
        );
        assert.equal(variant(partner.status), "suspended");
        assert.equal(variant(partner.statusBeforeSuspension), "active");
        assert.equal(partner.suspensionExpiresAt.toNumber(), 0, "a council suspension does not lapse");
        assert.ok(partner.suspendedByGuardian.equals(PublicKey.default));
        assert.equal(partner.lastProposalId.toNumber(), id);
        assert.equal(partner.revision, before.revision + 1);
        await checkStatusEvent(f, result, p.address, {
          old: "active",
          new: "suspended",
          cause: "councilSuspension",
          proposalId: id,
          reason: "unpaid audit fees",
        });
      });

      it("SuspendPartner of a council-suspended partner is WrongPartnerStatus", async () => {
        const id = await f.approved({ suspendPartner: { reason: "again" } }, p.address);
        f.assertError(await f.execute(id, [p.address]), "WrongPartnerStatus");
      });

      it("ReinstatePartner returns the partner to its saved status; reinstating an unsuspended partner is WrongPartnerStatus", async () => {
        const executor = await f.newSigner();
        const { id, result, partner } = await executed(
          p,
          { reinstatePartner: {} },
          "execute ReinstatePartner",
          executor,
        );
        assert.equal(variant(partner.status), "active");
        assert.equal(partner.lastProposalId.toNumber(), id);
        await checkStatusEvent(f, result, p.address, {
          old: "suspended",
          new: "active",
          cause: "reinstated",
          actor: executor.publicKey,
          proposalId: id,
          reason: "",
        });
        const again = await f.approved({ reinstatePartner: {} }, p.address);
        f.assertError(await f.execute(again, [p.address]), "WrongPartnerStatus");
      });

      it("a partner suspended while under audit is reinstated under audit", async () => {
        f.assertOk(await f.recordReview(auditor, p.address, "concerns"), "review with concerns");
        assert.equal(variant((await f.partner(p.address)).status), "underAudit");
        f.assertOk(await f.pass({ suspendPartner: { reason: "audit findings" } }, p.address, [p.address]), "suspend");
        const suspended = await f.partner(p.address);
        assert.equal(variant(suspended.statusBeforeSuspension), "underAudit");
        const result = await f.pass({ reinstatePartner: {} }, p.address, [p.address]);
        f.assertOk(result, "reinstate");
        assert.equal(variant((await f.partner(p.address)).status), "underAudit");
        assert.equal(variant(f.event(result, "partnerStatusChanged").newStatus), "underAudit");
        f.assertOk(await f.recordReview(auditor, p.address, "passed"), "review passed");
        assert.equal(variant((await f.partner(p.address)).status), "active");
      });

      it("SetTrafficModel replaces the model and emits TrafficModelChanged with the old and new model", async () => {
        const before = await f.partner(p.address);
        const model = {
          allowedCategories: new BN(0b1011),
          maxRequestsPerSecond: 2_000,
          burst: 400,
          maxBandwidthKbps: 250_000,
        };
        const { id, result, partner } = await executed(p, { setTrafficModel: { model } }, "execute SetTrafficModel");
        assert.equal(partner.trafficModel.allowedCategories.toNumber(), 0b1011);
        assert.equal(partner.trafficModel.maxRequestsPerSecond, 2_000);
        assert.equal(partner.trafficModel.burst, 400);
        assert.equal(partner.trafficModel.maxBandwidthKbps, 250_000);
        assert.equal(partner.lastProposalId.toNumber(), id);
        assert.equal(partner.revision, before.revision + 1);
        assert.equal(variant(partner.status), "active");

        const event = f.event(result, "trafficModelChanged");
        assert.ok(event.partner.equals(p.address));
        const old = DEFAULT_TRAFFIC_MODEL();
        assert.equal(event.oldModel.allowedCategories.toNumber(), old.allowedCategories.toNumber());
        assert.equal(event.oldModel.maxRequestsPerSecond, old.maxRequestsPerSecond);
        assert.equal(event.oldModel.burst, old.burst);
        assert.equal(event.oldModel.maxBandwidthKbps, old.maxBandwidthKbps);
        assert.equal(event.newModel.allowedCategories.toNumber(), 0b1011);
        assert.equal(event.newModel.maxRequestsPerSecond, 2_000);
        assert.equal(event.newModel.burst, 400);
        assert.equal(event.newModel.maxBandwidthKbps, 250_000);
        assert.equal(event.proposalId.toNumber(), id);
        assert.equal(event.revision, partner.revision);

        // The new category (bit 3) is now allowed on endpoints.
        const add = await f.pass(
          { addEndpoint: { ...DEFAULT_ENDPOINT("feeds.partner.example"), categories: new BN(0b1000) } },
          p.address,
          [p.address, addresses.endpoint(p.address, partner.nextEndpointIndex)],
        );
        f.assertOk(add, "endpoint in the new category");
      });

      it("SetTrafficModel refuses unknown categories and zero ceilings when proposed (InvalidTrafficModel)", async () => {
        const unknown = { ...DEFAULT_TRAFFIC_MODEL(), allowedCategories: new BN(1 << 4) }; // the catalogue has 4 categories
        f.assertError(
          (await f.propose(f.council[0]!, { setTrafficModel: { model: unknown } }, p.address)).result,
          "InvalidTrafficModel",
        );
        const none = { ...DEFAULT_TRAFFIC_MODEL(), allowedCategories: new BN(0) };
        f.assertError(
          (await f.propose(f.council[0]!, { setTrafficModel: { model: none } }, p.address)).result,
          "InvalidTrafficModel",
        );
        const noRate = { ...DEFAULT_TRAFFIC_MODEL(), maxRequestsPerSecond: 0 };
        f.assertError(
          (await f.propose(f.council[0]!, { setTrafficModel: { model: noRate } }, p.address)).result,
          "InvalidTrafficModel",
        );
        const noBandwidth = { ...DEFAULT_TRAFFIC_MODEL(), maxBandwidthKbps: 0 };
        f.assertError(
          (await f.propose(f.council[0]!, { setTrafficModel: { model: noBandwidth } }, p.address)).result,
          "InvalidTrafficModel",
        );
      });
    });

    describe("revocation", () => {
      let p: PartnerHandle;
      let guardian: Keypair;
      /** An IssueKey argument: a new key for no endpoint in particular, valid for a year from now. */
      const yearKey = async () => {
        const now = await f.now();
        return {
          publicKey: Array.from(Keypair.generate().publicKey.toBuffer()),
          endpoints: [],
          validFrom: new BN(now),
          validUntil: new BN(now + 365 * DAY),
          replaces: null,
        };
      };
      before(async () => {
        p = await f.admittedPartner();
        guardian = await f.grantRole("guardian");
        f.assertOk(
          await f.pass({ issueKey: await yearKey() }, p.address, [p.address, addresses.key(p.address, 0)]),
          "issue key",
        );
      });

      it("RevokePartner revokes for good", async () => {
        const before = await f.partner(p.address);
        const { id, result, partner } = await executed(
          p,
          { revokePartner: { reason: "fraudulent traffic" } },
          "execute RevokePartner",
        );
        assert.equal(variant(partner.status), "revoked");
        assert.equal(variant(partner.stage), "admitted");
        assert.equal(partner.lastProposalId.toNumber(), id);
        assert.equal(partner.revision, before.revision + 1);
        await checkStatusEvent(f, result, p.address, {
          old: "active",
          new: "revoked",
          cause: "revoked",
          proposalId: id,
          reason: "fraudulent traffic",
        });
      });

      it("a revoked partner cannot be suspended, reinstated, revoked again, remodelled or extended (WrongPartnerStatus)", async () => {
        const refused: ProposalActionArg[] = [
          { suspendPartner: { reason: "x" } },
          { reinstatePartner: {} },
          { revokePartner: { reason: "again" } },
          { setTrafficModel: { model: DEFAULT_TRAFFIC_MODEL() } },
        ];
        for (const action of refused) {
          const id = await f.approved(action, p.address);
          f.assertError(await f.execute(id, [p.address]), "WrongPartnerStatus");
        }
        const add = await f.approved({ addEndpoint: { ...DEFAULT_ENDPOINT("late.partner.example") } }, p.address);
        f.assertError(await f.execute(add, [p.address, addresses.endpoint(p.address, 1)]), "WrongPartnerStatus");
        const issue = await f.approved({ issueKey: await yearKey() }, p.address);
        f.assertError(await f.execute(issue, [p.address, addresses.key(p.address, 1)]), "WrongPartnerStatus");
        f.assertError(await f.guardianSuspend(guardian, p.address), "WrongPartnerStatus");
        f.assertError(await f.recordReview(auditor, p.address, "passed"), "WrongPartnerStatus");
        f.assertError(await f.markReviewOverdue(auditor, p.address), "WrongPartnerStatus");
        assert.equal(variant((await f.partner(p.address)).status), "revoked");
      });

      it("a revoked partner's keys can still be revoked", async () => {
        const result = await f.pass({ revokeKey: { index: 0, reason: { partnerRevoked: {} } } }, p.address, [
          p.address,
          addresses.key(p.address, 0),
        ]);
        f.assertOk(result, "revoke key of revoked partner");
        const key = await f.key(p.address, 0);
        assert.equal(variant(key.status), "revoked");
        assert.equal(variant(key.revocationReason), "partnerRevoked");
        assert.equal((await f.partner(p.address)).activeKeys, 0);
      });

      it("revoking an applicant is final too: it can no longer be admitted", async () => {
        const applicant = await f.apply();
        f.assertOk(await f.declareEndpoint(applicant), "declare");
        const legal = await f.grantRole("legalVerifier");
        const technical = await f.grantRole("technicalAuditor");
        f.assertOk(await f.attest("legal", applicant.address, legal), "attest legal");
        f.assertOk(await f.attest("technical", applicant.address, technical), "attest technical");
        const revoke = await f.pass({ revokePartner: { reason: "sanctioned entity" } }, applicant.address, [
          applicant.address,
        ]);
        f.assertOk(revoke, "revoke applicant");
        assert.equal(variant(f.event(revoke, "partnerStatusChanged").oldStatus), "pending");
        const admit = await f.approved({ approvePartner: { endpointSetVersion: 1 } }, applicant.address);
        f.assertError(await f.execute(admit, [applicant.address]), "WrongPartnerStatus");
        assert.equal(variant((await f.partner(applicant.address)).status), "revoked");
      });

      it("an applicant that is not admitted cannot be suspended or reinstated", async () => {
        const applicant = await f.apply();
        for (const action of [{ suspendPartner: { reason: "x" } }, { reinstatePartner: {} }] as ProposalActionArg[]) {
          const id = await f.approved(action, applicant.address);
          f.assertError(await f.execute(id, [applicant.address]), "WrongPartnerStatus");
        }
        f.assertError(await f.guardianSuspend(guardian, applicant.address), "WrongPartnerStatus");
      });
    });

    describe("guardian suspension", () => {
      let p: PartnerHandle;
      let guardian: Keypair;
      let limit: number;
      before(async () => {
        p = await f.admittedPartner();
        guardian = await f.grantRole("guardian");
        limit = (await f.registry()).policy.guardianSuspensionSeconds;
      });

      it("guardian_suspend needs an active guardian grant held by the signer (RoleNotGranted)", async () => {
        f.assertError(
          await f.guardianSuspend(auditor, p.address, "no role", addresses.role("auditor", auditor.publicKey)),
          "RoleNotGranted",
        );
        f.assertError(
          await f.guardianSuspend(
            auditor,
            p.address,
            "someone else's grant",
            addresses.role("guardian", guardian.publicKey),
          ),
          "RoleNotGranted",
        );
        f.assertError(await f.guardianSuspend(guardian, p.address, "bad\u0001reason"), "InvalidText");
        assert.equal(variant((await f.partner(p.address)).status), "active");
      });

      it("guardian_suspend suspends at once, until now + the policy's limit", async () => {
        const before = await f.partner(p.address);
        const now = await f.now();
        const result = await f.guardianSuspend(guardian, p.address, "exfiltration detected");
        f.assertOk(result, "guardian_suspend");
        logCu(h, "guardian_suspend", result);
        const partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "suspended");
        assert.equal(variant(partner.statusBeforeSuspension), "active");
        assert.equal(partner.suspensionExpiresAt.toNumber(), now + limit);
        assert.ok(partner.suspendedByGuardian.equals(guardian.publicKey));
        assert.equal(partner.lastProposalId.toNumber(), before.lastProposalId.toNumber(), "no proposal was involved");
        assert.equal(partner.revision, before.revision + 1);
        await checkStatusEvent(f, result, p.address, {
          old: "active",
          new: "suspended",
          cause: "guardianSuspension",
          actor: guardian.publicKey,
          proposalId: 0,
          until: now + limit,
          reason: "exfiltration detected",
        });
        f.assertError(await f.guardianSuspend(guardian, p.address, "twice"), "WrongPartnerStatus");
      });

      it("lift_guardian_suspension is refused before the limit (SuspensionNotLapsed) and returns the saved status after it", async () => {
        const caller = await f.newSigner();
        const expires = (await f.partner(p.address)).suspensionExpiresAt.toNumber();
        f.assertError(await f.liftGuardianSuspension(caller, p.address), "SuspensionNotLapsed");
        await h.rt.warpTo(BigInt(expires - 1));
        f.assertError(await f.liftGuardianSuspension(caller, p.address), "SuspensionNotLapsed");
        await h.rt.warpTo(BigInt(expires));
        const result = await f.liftGuardianSuspension(caller, p.address);
        f.assertOk(result, "lift_guardian_suspension");
        logCu(h, "lift_guardian_suspension", result);
        const partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "active");
        assert.equal(partner.suspensionExpiresAt.toNumber(), 0);
        assert.ok(partner.suspendedByGuardian.equals(PublicKey.default));
        await checkStatusEvent(f, result, p.address, {
          old: "suspended",
          new: "active",
          cause: "guardianSuspensionLapsed",
          actor: caller.publicKey,
          proposalId: 0,
          until: expires,
          reason: "",
        });
        f.assertError(await f.liftGuardianSuspension(caller, p.address), "SuspensionNotLapsed");
      });

      it("a lapsed guardian suspension returns an under-audit partner to under audit", async () => {
        f.assertOk(await f.recordReview(auditor, p.address, "concerns"), "review with concerns");
        // The previous guardian suspension lapsed: another waits out the policy's cool-down.
        await f.warp((await f.registry()).policy.guardianResuspensionCooldownSeconds);
        f.assertOk(await f.guardianSuspend(guardian, p.address, "again"), "guardian_suspend");
        assert.equal(variant((await f.partner(p.address)).statusBeforeSuspension), "underAudit");
        await f.warp(limit);
        const result = await f.liftGuardianSuspension(guardian, p.address);
        f.assertOk(result, "lift");
        assert.equal(variant((await f.partner(p.address)).status), "underAudit");
        assert.equal(variant(f.event(result, "partnerStatusChanged").newStatus), "underAudit");
        f.assertOk(await f.recordReview(auditor, p.address, "passed"), "review passed");
      });

      it("after a lapse a guardian cannot suspend the partner again until the council decides or the cool-down passes", async () => {
        const cooldown = (await f.registry()).policy.guardianResuspensionCooldownSeconds;
        assert.ok((await f.partner(p.address)).guardianSuspensionLapsedAt.toNumber() > 0, "the last one lapsed");
        f.assertError(await f.guardianSuspend(guardian, p.address, "once more"), "GuardianSuspensionCoolingDown");
        await f.warp(cooldown - 60);
        f.assertError(await f.guardianSuspend(guardian, p.address, "once more"), "GuardianSuspensionCoolingDown");
        await f.warp(60);
        f.assertOk(await f.guardianSuspend(guardian, p.address, "after the cool-down"), "suspend after the cool-down");
        await f.warp(limit);
        f.assertOk(await f.liftGuardianSuspension(guardian, p.address), "the second one lapses too");
        f.assertError(await f.guardianSuspend(guardian, p.address, "and again"), "GuardianSuspensionCoolingDown");

        // The council decides on the partner's status: guardians may act at once again.
        f.assertOk(await f.pass({ suspendPartner: { reason: "council review" } }, p.address, [p.address]), "suspend");
        f.assertOk(await f.pass({ reinstatePartner: {} }, p.address, [p.address]), "reinstate");
        assert.equal((await f.partner(p.address)).guardianSuspensionLapsedAt.toNumber(), 0);
        f.assertOk(await f.guardianSuspend(guardian, p.address, "new emergency"), "suspend after the council decided");
        f.assertOk(await f.pass({ reinstatePartner: {} }, p.address, [p.address]), "reinstate");
        assert.equal(variant((await f.partner(p.address)).status), "active");
      });

      it("an executed SuspendPartner ratifies a guardian suspension: it no longer lapses", async () => {
        const now = await f.now();
        f.assertOk(await f.guardianSuspend(guardian, p.address, "needs the council"), "guardian_suspend");
        const id = await f.approved({ suspendPartner: { reason: "ratified" } }, p.address);
        assert.ok((await f.now()) < now + limit, "the council acts within the limit");
        const result = await f.execute(id, [p.address]);
        f.assertOk(result, "execute SuspendPartner (ratification)");
        logCu(h, "execute SuspendPartner (ratify)", result);
        const partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "suspended");
        assert.equal(partner.suspensionExpiresAt.toNumber(), 0);
        assert.ok(partner.suspendedByGuardian.equals(PublicKey.default));
        assert.equal(variant(partner.statusBeforeSuspension), "active", "the status the guardian saved is kept");
        await checkStatusEvent(f, result, p.address, {
          old: "suspended",
          new: "suspended",
          cause: "councilSuspension",
          proposalId: id,
          reason: "ratified",
        });

        await f.warp(limit + 1);
        f.assertError(await f.liftGuardianSuspension(guardian, p.address), "SuspensionNotLapsed");
        assert.equal(variant((await f.partner(p.address)).status), "suspended");
        f.assertOk(await f.pass({ reinstatePartner: {} }, p.address, [p.address]), "reinstate");
        assert.equal(variant((await f.partner(p.address)).status), "active");
      });

      it("the council may reinstate a guardian-suspended partner before the suspension lapses", async () => {
        f.assertOk(await f.guardianSuspend(guardian, p.address, "false alarm"), "guardian_suspend");
        const result = await f.pass({ reinstatePartner: {} }, p.address, [p.address]);
        f.assertOk(result, "reinstate");
        const partner = await f.partner(p.address);
        assert.equal(variant(partner.status), "active");
        assert.equal(partner.suspensionExpiresAt.toNumber(), 0);
        assert.ok(partner.suspendedByGuardian.equals(PublicKey.default));
        f.assertError(await f.liftGuardianSuspension(guardian, p.address), "SuspensionNotLapsed");
      });
    });
  },
  registryPrograms(upgradeAuthority),
  { readsEvents: true },
);
