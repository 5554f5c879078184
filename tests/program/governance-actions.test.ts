// Council-only actions, executed: GrantRole and RevokeRole (and what a revoked holder can no
// longer do), the category catalogue (AddCategory, RenameCategory, the 64-category limit),
// SetPolicy, and SetCouncil (new members vote, old ones cannot, old proposals go stale).
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair, PublicKey } from "@solana/web3.js";
import { catalogueNames } from "../../app/src/sdk/fixed-text.js";
import { DEFAULT_POLICY, type PolicyArgs, PROGRAM_ID } from "../../harness/program.js";
import {
  addresses,
  DEFAULT_TRAFFIC_MODEL,
  type PartnerHandle,
  RegistryFixture,
  ROLES,
} from "../../harness/registry-fixture.js";
import { forEachRuntime, registryPrograms } from "../support/for-each-runtime.js";
import { logCu, variant } from "../support/lifecycle.js";

const { BN } = anchor;
const upgradeAuthority = Keypair.generate();

forEachRuntime(
  "governance actions",
  (h) => {
    let f: RegistryFixture;
    let p: PartnerHandle;

    before(async () => {
      f = await RegistryFixture.create(h.rt, upgradeAuthority);
      p = await f.admittedPartner();
    });

    describe("roles", () => {
      const guardian = Keypair.generate();

      it("GrantRole creates the role PDA, active, pointing back to its proposal", async () => {
        await f.fund(guardian);
        const id = await f.approved({ grantRole: { role: { guardian: {} }, holder: guardian.publicKey } });
        const now = await f.now();
        const result = await f.execute(id, [addresses.role("guardian", guardian.publicKey)]);
        f.assertOk(result, "execute GrantRole");
        logCu(h, "execute GrantRole", result);

        const grant = await f.roleGrant("guardian", guardian.publicKey);
        assert.equal(grant.layoutVersion, 1);
        assert.equal(
          grant.bump,
          PublicKey.findProgramAddressSync(
            [Buffer.from("role"), Buffer.from([ROLES.indexOf("guardian")]), guardian.publicKey.toBuffer()],
            PROGRAM_ID,
          )[1],
        );
        assert.equal(variant(grant.role), "guardian");
        assert.ok(grant.holder.equals(guardian.publicKey));
        assert.equal(grant.active, true);
        assert.equal(grant.grantedByProposal.toNumber(), id);
        assert.equal(grant.grantedAt.toNumber(), now);
        assert.equal(grant.revokedByProposal.toNumber(), 0);

        const event = f.event(result, "roleChanged");
        assert.equal(variant(event.role), "guardian");
        assert.ok(event.holder.equals(guardian.publicKey));
        assert.equal(event.active, true);
        assert.equal(event.proposalId.toNumber(), id);
      });

      it("granting an active role again is RoleAlreadyActive", async () => {
        const id = await f.approved({ grantRole: { role: { guardian: {} }, holder: guardian.publicKey } });
        f.assertError(await f.execute(id, [addresses.role("guardian", guardian.publicKey)]), "RoleAlreadyActive");
      });

      it("GrantRole refuses the default address (at proposal) and a role account that is not the grant's PDA", async () => {
        const zero = await f.propose(f.council[0]!, {
          grantRole: { role: { auditor: {} }, holder: PublicKey.default },
        });
        f.assertError(zero.result, "InvalidCouncilMember");
        const holder = Keypair.generate().publicKey;
        const id = await f.approved({ grantRole: { role: { auditor: {} }, holder } });
        f.assertError(await f.execute(id, [addresses.role("guardian", holder)]), "InvalidPda");
        // An existing grant of another holder or role cannot stand in for it.
        f.assertError(
          await f.execute(id, [addresses.role("guardian", guardian.publicKey)]),
          "UnexpectedAccountAddress",
        );
        f.assertOk(await f.execute(id, [addresses.role("auditor", holder)]), "the right PDA");
      });

      it("RevokeRole deactivates the grant (kept on-chain); the revoked guardian is refused (RoleNotGranted)", async () => {
        const p2 = await f.admittedPartner();
        const id = await f.approved({ revokeRole: { role: { guardian: {} }, holder: guardian.publicKey } });
        const now = await f.now();
        const result = await f.execute(id, [addresses.role("guardian", guardian.publicKey)]);
        f.assertOk(result, "execute RevokeRole");
        logCu(h, "execute RevokeRole", result);

        const grant = await f.roleGrant("guardian", guardian.publicKey);
        assert.equal(grant.active, false);
        assert.equal(grant.revokedByProposal.toNumber(), id);
        assert.equal(grant.revokedAt.toNumber(), now);
        assert.ok(grant.grantedByProposal.toNumber() > 0, "the grant's history stays");
        const event = f.event(result, "roleChanged");
        assert.equal(variant(event.role), "guardian");
        assert.ok(event.holder.equals(guardian.publicKey));
        assert.equal(event.active, false);
        assert.equal(event.proposalId.toNumber(), id);

        f.assertError(await f.guardianSuspend(guardian, p2.address, "revoked guardian"), "RoleNotGranted");
        assert.equal(variant((await f.partner(p2.address)).status), "active");
      });

      it("revoking an inactive grant is RoleNotActive; revoking a role never granted finds no grant", async () => {
        const again = await f.approved({ revokeRole: { role: { guardian: {} }, holder: guardian.publicKey } });
        f.assertError(await f.execute(again, [addresses.role("guardian", guardian.publicKey)]), "RoleNotActive");
        const stranger = Keypair.generate().publicKey;
        const never = await f.approved({ revokeRole: { role: { auditor: {} }, holder: stranger } });
        f.assertError(await f.execute(never, [addresses.role("auditor", stranger)]), "InvalidAccountOwner");
      });

      it("granting a revoked role again reactivates the same grant", async () => {
        const id = await f.approved({ grantRole: { role: { guardian: {} }, holder: guardian.publicKey } });
        const result = await f.execute(id, [addresses.role("guardian", guardian.publicKey)]);
        f.assertOk(result, "re-grant");
        const grant = await f.roleGrant("guardian", guardian.publicKey);
        assert.equal(grant.active, true);
        assert.equal(grant.grantedByProposal.toNumber(), id);
        assert.equal(f.event(result, "roleChanged").active, true);
        f.assertOk(
          await f.guardianSuspend(guardian, p.address, "reactivated guardian"),
          "guardian_suspend after re-grant",
        );
        f.assertOk(await f.pass({ reinstatePartner: {} }, p.address, [p.address]), "reinstate");
      });

      it("a revoked auditor cannot record reviews", async () => {
        const auditor = await f.grantRole("auditor");
        f.assertOk(await f.recordReview(auditor, p.address, "passed"), "review while granted");
        f.assertOk(
          await f.pass({ revokeRole: { role: { auditor: {} }, holder: auditor.publicKey } }, null, [
            addresses.role("auditor", auditor.publicKey),
          ]),
          "revoke",
        );
        f.assertError(await f.recordReview(auditor, p.address, "passed"), "RoleNotGranted");
      });
    });

    describe("category catalogue", () => {
      it("AddCategory appends a category; a partner's traffic model may then use it", async () => {
        const before = await f.registry();
        const id = await f.approved({ addCategory: { name: "dns-resolve" } });
        const result = await f.execute(id);
        f.assertOk(result, "execute AddCategory");
        logCu(h, "execute AddCategory", result);

        const registry = await f.registry();
        assert.equal(registry.categoryCount, before.categoryCount + 1);
        assert.deepEqual(catalogueNames(registry), [...catalogueNames(before), "dns-resolve"]);
        const event = f.event(result, "categoryChanged");
        assert.equal(event.index, before.categoryCount);
        assert.equal(event.name, "dns-resolve");
        assert.equal(event.oldName, "");
        assert.equal(event.proposalId.toNumber(), id);

        const bit = 1 << before.categoryCount;
        const model = { ...DEFAULT_TRAFFIC_MODEL(), allowedCategories: new BN(0b111 | bit) };
        f.assertOk(
          await f.pass({ setTrafficModel: { model } }, p.address, [p.address]),
          "traffic model with the new category",
        );
      });

      it("AddCategory refuses a duplicate name (CategoryExists) and invalid names, at proposal and at execution", async () => {
        f.assertError((await f.propose(f.council[0]!, { addCategory: { name: "api-read" } })).result, "CategoryExists");
        f.assertError(
          (await f.propose(f.council[0]!, { addCategory: { name: "has space" } })).result,
          "InvalidCategoryName",
        );
        f.assertError((await f.propose(f.council[0]!, { addCategory: { name: "" } })).result, "InvalidCategoryName");
        f.assertError(
          (await f.propose(f.council[0]!, { addCategory: { name: "x".repeat(32) } })).result,
          "StringTooLong",
        );
        // Two proposals for the same new name: the second to execute finds it taken.
        const first = await f.approved({ addCategory: { name: "geo-lookup" } });
        const second = await f.approved({ addCategory: { name: "geo-lookup" } });
        f.assertOk(await f.execute(first), "first");
        f.assertError(await f.execute(second), "CategoryExists");
      });

      it("RenameCategory renames in place; an unknown index is UnknownCategory", async () => {
        const before = await f.registry();
        const id = await f.approved({ renameCategory: { index: 2, name: "content-crawl" } });
        const result = await f.execute(id);
        f.assertOk(result, "execute RenameCategory");
        logCu(h, "execute RenameCategory", result);
        const registry = await f.registry();
        assert.equal(registry.categoryCount, before.categoryCount);
        const expected = catalogueNames(before);
        expected[2] = "content-crawl";
        assert.deepEqual(catalogueNames(registry), expected);
        const event = f.event(result, "categoryChanged");
        assert.equal(event.index, 2);
        assert.equal(event.name, "content-crawl");
        assert.equal(event.oldName, "content-fetch");
        assert.equal(event.proposalId.toNumber(), id);

        f.assertError(
          (await f.propose(f.council[0]!, { renameCategory: { index: registry.categoryCount, name: "nope" } })).result,
          "UnknownCategory",
        );
        f.assertError(
          (await f.propose(f.council[0]!, { renameCategory: { index: 255, name: "nope" } })).result,
          "UnknownCategory",
        );
        f.assertError(
          (await f.propose(f.council[0]!, { renameCategory: { index: 0, name: "api-write" } })).result,
          "CategoryExists",
        );
        f.assertOk(
          (await f.propose(f.council[0]!, { renameCategory: { index: 0, name: "api-read" } })).result,
          "renaming to its own name",
        );
      });
    });

    describe("policy", () => {
      const policy: PolicyArgs = {
        reviewIntervalSeconds: 90 * 86_400,
        reviewGraceSeconds: 7 * 86_400,
        deviationThreshold: 5,
        deviationWindowSeconds: 86_400,
        guardianSuspensionSeconds: 86_400,
        proposalLifetimeSeconds: 10 * 86_400,
        keyRotationGraceSeconds: 3 * 86_400,
        guardianResuspensionCooldownSeconds: 2 * 86_400,
      };

      it("SetPolicy replaces the policy and the time lock, with both in PolicyChanged", async () => {
        const before = await f.registry();
        const id = await f.approved({ setPolicy: { policy, timeLockSeconds: 7_200 } });
        const result = await f.execute(id);
        f.assertOk(result, "execute SetPolicy");
        logCu(h, "execute SetPolicy", result);
        f.options.timeLockSeconds = 7_200;

        const registry = await f.registry();
        assert.deepEqual(registry.policy, policy);
        assert.equal(registry.timeLockSeconds, 7_200);
        const event = f.event(result, "policyChanged");
        assert.deepEqual(event.oldPolicy, before.policy);
        assert.deepEqual(event.newPolicy, policy);
        assert.equal(event.oldTimeLockSeconds, before.timeLockSeconds);
        assert.equal(event.newTimeLockSeconds, 7_200);
        assert.equal(event.proposalId.toNumber(), id);
      });

      it("the new time lock and proposal lifetime apply to the next proposals", async () => {
        const { result, id } = await f.propose(f.council[0]!, { addCategory: { name: "mail-relay" } });
        f.assertOk(result, "propose");
        const proposal = await f.proposal(id);
        assert.equal(proposal.expiresAt.toNumber() - proposal.createdAt.toNumber(), policy.proposalLifetimeSeconds);
        for (const member of f.council.slice(0, 2)) f.assertOk(await f.vote("approve", member, id), "approve");
        await f.warp(3_600);
        f.assertError(await f.execute(id), "TimeLockActive");
        await f.warp(3_600);
        f.assertOk(await f.execute(id), "execute after the new time lock");
      });

      it("an invalid policy is refused when proposed (InvalidPolicy)", async () => {
        const invalid: [Partial<PolicyArgs>, number][] = [
          [{ reviewGraceSeconds: DEFAULT_POLICY.reviewIntervalSeconds + 1 }, 3_600],
          [{ deviationThreshold: 0 }, 3_600],
          [{ reviewIntervalSeconds: 3_600 }, 3_600],
          [{ deviationWindowSeconds: 59 }, 3_600],
          [{ guardianSuspensionSeconds: 31 * 86_400 }, 3_600],
          [{ proposalLifetimeSeconds: 0 }, 3_600],
          [{ keyRotationGraceSeconds: 91 * 86_400 }, 3_600],
          [{ guardianResuspensionCooldownSeconds: 59 }, 3_600],
          [{}, 31 * 86_400],
        ];
        for (const [change, timeLockSeconds] of invalid) {
          const { result } = await f.propose(f.council[0]!, {
            setPolicy: { policy: { ...DEFAULT_POLICY, ...change }, timeLockSeconds },
          });
          assert.doesNotThrow(
            () => f.assertError(result, "InvalidPolicy"),
            `policy change ${JSON.stringify(change)}, time lock ${timeLockSeconds}`,
          );
        }
      });
    });

    describe("council", () => {
      let newCouncil: Keypair[];
      let openProposal: number;
      let approvedProposal: number;

      before(async () => {
        newCouncil = [f.council[2]!, await f.newSigner(), await f.newSigner()];
      });

      it("a new council is validated when proposed (threshold, size, duplicates, default address)", async () => {
        const members = newCouncil.map((k) => k.publicKey);
        const cases: [PublicKey[], number, string][] = [
          [members, 0, "InvalidThreshold"],
          [members, 4, "InvalidThreshold"],
          [[], 1, "CouncilEmpty"],
          [[members[0]!, members[1]!, members[0]!], 2, "DuplicateCouncilMember"],
          [[members[0]!, PublicKey.default], 1, "InvalidCouncilMember"],
        ];
        for (const [list, threshold, error] of cases) {
          const { result } = await f.propose(f.council[0]!, { setCouncil: { members: list, threshold } });
          f.assertError(result, error);
        }
      });

      it("SetCouncil replaces the members and threshold and moves to a new epoch", async () => {
        // Proposals of the old council: one still open, one approved but not executed.
        const open = await f.propose(f.council[0]!, { addCategory: { name: "open-one" } });
        f.assertOk(open.result, "open proposal");
        openProposal = open.id;
        f.assertOk(await f.vote("approve", f.council[0]!, openProposal), "one approval");
        approvedProposal = await f.approved({ addCategory: { name: "approved-one" } });

        const before = await f.registry();
        const id = await f.approved({ setCouncil: { members: newCouncil.map((k) => k.publicKey), threshold: 2 } });
        const result = await f.execute(id);
        f.assertOk(result, "execute SetCouncil");
        logCu(h, "execute SetCouncil", result);

        const registry = await f.registry();
        assert.equal(registry.councilLen, 3);
        assert.equal(registry.threshold, 2);
        assert.equal(registry.councilEpoch, before.councilEpoch + 1);
        assert.deepEqual(
          registry.council.slice(0, 3).map(String),
          newCouncil.map((k) => k.publicKey.toBase58()),
        );
        assert.ok(registry.council.slice(3).every((k) => k.equals(PublicKey.default)));
        const event = f.event(result, "councilChanged");
        assert.deepEqual(
          event.members.map(String),
          newCouncil.map((k) => k.publicKey.toBase58()),
        );
        assert.equal(event.threshold, 2);
        assert.equal(event.councilEpoch, registry.councilEpoch);
        assert.equal(event.proposalId.toNumber(), id);
      });

      it("old members can no longer propose or vote; new members can", async () => {
        const oldMember = f.council[0]!;
        f.assertError((await f.propose(oldMember, { addCategory: { name: "by-old" } })).result, "NotCouncilMember");
        const { result, id } = await f.propose(newCouncil[1]!, { addCategory: { name: "by-new" } });
        f.assertOk(result, "new member proposes");
        assert.equal((await f.proposal(id)).councilEpoch, (await f.registry()).councilEpoch);
        f.assertError(await f.vote("approve", oldMember, id), "NotCouncilMember");
        f.assertOk(await f.vote("approve", newCouncil[1]!, id), "new member approves");
        const second = await f.vote("approve", newCouncil[2]!, id);
        f.assertOk(second, "new member approves");
        assert.equal(variant(f.event(second, "proposalVoted").status), "approved");
        f.adoptCouncil(newCouncil, 2);
        await f.warp(f.options.timeLockSeconds);
        f.assertOk(await f.execute(id, [], newCouncil[1]), "execute");
        assert.ok(catalogueNames(await f.registry()).includes("by-new"));
      });

      it("proposals of the old council are stale: neither votes nor execution (ProposalStale)", async () => {
        f.assertError(await f.vote("approve", newCouncil[0]!, openProposal), "ProposalStale");
        f.assertError(await f.vote("approve", newCouncil[1]!, openProposal), "ProposalStale");
        f.assertError(await f.execute(approvedProposal), "ProposalStale");
        assert.ok(!catalogueNames(await f.registry()).includes("approved-one"));
      });

      it("the fixture's short-hands work with the new council (up to 16 members)", async () => {
        const sixteen = [...newCouncil];
        while (sixteen.length < 16) sixteen.push(await f.newSigner());
        const result = await f.pass({ setCouncil: { members: sixteen.map((k) => k.publicKey), threshold: 9 } });
        f.assertOk(result, "council of 16");
        f.adoptCouncil(sixteen, 9);
        const registry = await f.registry();
        assert.equal(registry.councilLen, 16);
        assert.equal(registry.threshold, 9);
        f.assertOk(await f.pass({ addCategory: { name: "nine-of-sixteen" } }), "9-of-16 proposal");
      });
    });
  },
  registryPrograms(upgradeAuthority),
  { readsEvents: true },
);

forEachRuntime(
  "category catalogue limit",
  (h) => {
    let f: RegistryFixture;

    before(async () => {
      // 63 categories at initialization (ascending names), so the limit is two additions away.
      const categories = Array.from({ length: 63 }, (_, i) => `c${String(i).padStart(2, "0")}`);
      f = await RegistryFixture.create(h.rt, upgradeAuthority, { categories });
    });

    it("the 64th category is added; the 65th is TooManyCategories", async () => {
      const sixtyFourth = await f.approved({ addCategory: { name: "c63" } });
      const sixtyFifth = await f.approved({ addCategory: { name: "c64" } });
      const result = await f.execute(sixtyFourth);
      f.assertOk(result, "64th");
      assert.equal(f.event(result, "categoryChanged").index, 63);
      const registry = await f.registry();
      assert.equal(registry.categoryCount, 64);
      assert.equal(catalogueNames(registry)[63], "c63");
      f.assertError(await f.execute(sixtyFifth), "TooManyCategories");
      assert.equal((await f.registry()).categoryCount, 64);
      // A full catalogue is refused up front, when the addition is proposed.
      f.assertError((await f.propose(f.council[0]!, { addCategory: { name: "c65" } })).result, "TooManyCategories");

      // With 64 categories, every bit of the mask is a known category.
      const model = { ...DEFAULT_TRAFFIC_MODEL(), allowedCategories: new BN(1).shln(63) };
      const authority = await f.newSigner();
      f.assertOk(
        await f.send(f.applyTx(authority.publicKey, 0, { trafficModel: model }), [authority]),
        "apply with category 63",
      );
      assert.ok((await f.partner(addresses.partner(0))).trafficModel.allowedCategories.eq(new BN(1).shln(63)));
    });
  },
  registryPrograms(upgradeAuthority),
  { readsEvents: true },
);
