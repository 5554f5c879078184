// Executed endpoint and key actions on an admitted partner: AddEndpoint, RemoveEndpoint,
// SetEndpointCategories, IssueKey (with and without rotation) and RevokeKey, each checked in
// the decoded accounts, in its event, and in every refusal's error code. Partner authorities
// may request these changes, but only the council's approval makes them happen.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair, PublicKey } from "@solana/web3.js";
import { fixedText } from "../../app/src/sdk/fixed-text.js";
import { PROGRAM_ID } from "../../harness/program.js";
import { addresses, DEFAULT_ENDPOINT, type PartnerHandle, RegistryFixture } from "../../harness/registry-fixture.js";
import { forEachRuntime, registryPrograms } from "../support/for-each-runtime.js";
import { DAY, logCu, variant } from "../support/lifecycle.js";

const { BN } = anchor;
const upgradeAuthority = Keypair.generate();

interface KeyOptions {
  publicKey?: PublicKey;
  endpoints?: number[];
  validFrom: number;
  validUntil: number;
  replaces?: number | null;
}

const issueKey = (o: KeyOptions) => ({
  issueKey: {
    publicKey: Array.from((o.publicKey ?? Keypair.generate().publicKey).toBuffer()),
    endpoints: o.endpoints ?? [],
    validFrom: new BN(o.validFrom),
    validUntil: new BN(o.validUntil),
    replaces: o.replaces ?? null,
  },
});

forEachRuntime(
  "executed endpoint and key actions",
  (h) => {
    let f: RegistryFixture;
    let p: PartnerHandle;
    let other: PartnerHandle;

    before(async () => {
      f = await RegistryFixture.create(h.rt, upgradeAuthority);
      p = await f.admittedPartner();
      other = await f.admittedPartner();
    });

    describe("endpoints", () => {
      it("AddEndpoint creates the endpoint PDA at the next index and moves the endpoint-set version by exactly one", async () => {
        const before = await f.partner(p.address);
        assert.equal(before.nextEndpointIndex, 1);
        const id = await f.approved(
          {
            addEndpoint: {
              host: "edge-2.partner.example",
              port: 8443,
              protocol: { wss: {} },
              categories: new BN(0b101),
            },
          },
          p.address,
        );
        const now = await f.now();
        const changes = (await f.registry()).history.changeCount.toNumber();
        const result = await f.execute(id, [p.address, addresses.endpoint(p.address, 1)]);
        f.assertOk(result, "execute AddEndpoint");
        logCu(h, "execute AddEndpoint", result);

        const endpoint = await f.endpoint(p.address, 1);
        assert.ok(endpoint.partner.equals(p.address));
        assert.equal(endpoint.index, 1);
        assert.equal(fixedText(endpoint.host), "edge-2.partner.example");
        assert.equal(endpoint.port, 8443);
        assert.equal(variant(endpoint.protocol), "wss");
        assert.equal(endpoint.categories.toNumber(), 0b101);
        assert.equal(variant(endpoint.status), "active");
        assert.equal(endpoint.addedInVersion, before.endpointSetVersion + 1);
        assert.equal(endpoint.proposalId.toNumber(), id);
        assert.equal(endpoint.addedAt.toNumber(), now);
        assert.equal(
          endpoint.bump,
          PublicKey.findProgramAddressSync(
            [Buffer.from("endpoint"), p.address.toBuffer(), Buffer.from([1, 0])],
            PROGRAM_ID,
          )[1],
        );

        const after = await f.partner(p.address);
        assert.equal(after.endpointSetVersion, before.endpointSetVersion + 1);
        assert.equal(after.activeEndpoints, before.activeEndpoints + 1);
        assert.equal(after.nextEndpointIndex, 2);
        assert.equal(after.lastProposalId.toNumber(), id);
        assert.equal(after.revision, before.revision + 1);
        assert.equal(after.keySetVersion, before.keySetVersion);

        const event = f.event(result, "endpointAdded");
        assert.ok(event.partner.equals(p.address));
        assert.equal(event.index, 1);
        assert.equal(event.host, "edge-2.partner.example");
        assert.equal(event.port, 8443);
        assert.equal(variant(event.protocol), "wss");
        assert.equal(event.categories.toNumber(), 0b101);
        assert.equal(event.endpointSetVersion, after.endpointSetVersion);
        assert.equal(event.proposalId.toNumber(), id);
        assert.equal(event.revision, after.revision);
        assert.equal(event.change.changeIndex.toNumber(), changes + 1);
        assert.equal((await f.registry()).history.changeCount.toNumber(), changes + 1);
      });

      it("AddEndpoint refuses categories outside the traffic model (at execution), empty ones and bad hosts (at proposal)", async () => {
        // The model allows 0b111; bit 3 is a catalogue category the partner did not declare.
        const id = await f.approved(
          { addEndpoint: { ...DEFAULT_ENDPOINT("edge-x.partner.example"), categories: new BN(0b1000) } },
          p.address,
        );
        f.assertError(await f.execute(id, [p.address, addresses.endpoint(p.address, 2)]), "InvalidCategories");
        const proposal = await f.proposal(id);
        assert.equal(variant(proposal.status), "approved", "a failed execution changes nothing");

        const empty = await f.propose(
          f.council[0]!,
          { addEndpoint: { ...DEFAULT_ENDPOINT(), categories: new BN(0) } },
          p.address,
        );
        f.assertError(empty.result, "InvalidCategories");
        const spaced = await f.propose(f.council[0]!, { addEndpoint: { ...DEFAULT_ENDPOINT("bad host") } }, p.address);
        f.assertError(spaced.result, "InvalidText");
        const portZero = await f.propose(f.council[0]!, { addEndpoint: { ...DEFAULT_ENDPOINT(), port: 0 } }, p.address);
        f.assertError(portZero.result, "InvalidText");
      });

      it("AddEndpoint refuses an endpoint account other than the next index's PDA", async () => {
        const id = await f.approved({ addEndpoint: { ...DEFAULT_ENDPOINT("edge-3.partner.example") } }, p.address);
        f.assertError(await f.execute(id, [p.address, addresses.endpoint(p.address, 5)]), "InvalidPda");
        f.assertError(
          await f.execute(id, [other.address, addresses.endpoint(other.address, 1)]),
          "UnexpectedAccountAddress",
        );
        f.assertOk(await f.execute(id, [p.address, addresses.endpoint(p.address, 2)]), "execute with the right PDA");
        assert.equal((await f.partner(p.address)).nextEndpointIndex, 3);
      });

      it("SetEndpointCategories changes one endpoint's categories; outside the traffic model is InvalidCategories", async () => {
        const before = await f.partner(p.address);
        const id = await f.approved({ setEndpointCategories: { index: 1, categories: new BN(0b110) } }, p.address);
        const result = await f.execute(id, [p.address, addresses.endpoint(p.address, 1)]);
        f.assertOk(result, "execute SetEndpointCategories");
        logCu(h, "execute SetEndpointCategories", result);

        const endpoint = await f.endpoint(p.address, 1);
        assert.equal(endpoint.categories.toNumber(), 0b110);
        assert.equal(endpoint.proposalId.toNumber(), id);
        assert.equal(variant(endpoint.status), "active");
        const after = await f.partner(p.address);
        assert.equal(after.endpointSetVersion, before.endpointSetVersion + 1);
        assert.equal(after.activeEndpoints, before.activeEndpoints);
        assert.equal(after.revision, before.revision + 1);
        assert.equal(after.lastProposalId.toNumber(), id);

        const event = f.event(result, "endpointCategoriesChanged");
        assert.ok(event.partner.equals(p.address));
        assert.equal(event.index, 1);
        assert.equal(event.oldCategories.toNumber(), 0b101);
        assert.equal(event.newCategories.toNumber(), 0b110);
        assert.equal(event.endpointSetVersion, after.endpointSetVersion);
        assert.equal(event.proposalId.toNumber(), id);
        assert.equal(event.revision, after.revision);

        const outside = await f.approved(
          { setEndpointCategories: { index: 1, categories: new BN(0b1001) } },
          p.address,
        );
        f.assertError(await f.execute(outside, [p.address, addresses.endpoint(p.address, 1)]), "InvalidCategories");
        const empty = await f.propose(
          f.council[0]!,
          { setEndpointCategories: { index: 1, categories: new BN(0) } },
          p.address,
        );
        f.assertError(empty.result, "InvalidCategories");
        // The endpoint account must be the one the action names.
        const mismatch = await f.approved(
          { setEndpointCategories: { index: 1, categories: new BN(0b001) } },
          p.address,
        );
        f.assertError(await f.execute(mismatch, [p.address, addresses.endpoint(p.address, 0)]), "InvalidEndpoint");
      });

      it("RemoveEndpoint marks the endpoint removed, keeps it on-chain and lowers the active count by one", async () => {
        const before = await f.partner(p.address);
        const id = await f.approved({ removeEndpoint: { index: 1 } }, p.address);
        const now = await f.now();
        const result = await f.execute(id, [p.address, addresses.endpoint(p.address, 1)]);
        f.assertOk(result, "execute RemoveEndpoint");
        logCu(h, "execute RemoveEndpoint", result);

        const account = await h.rt.getAccount(addresses.endpoint(p.address, 1));
        assert.ok(account?.owner.equals(PROGRAM_ID), "a removed endpoint stays on-chain as history");
        const endpoint = await f.endpoint(p.address, 1);
        assert.equal(variant(endpoint.status), "removed");
        assert.equal(endpoint.removedAt.toNumber(), now);
        assert.equal(endpoint.proposalId.toNumber(), id);
        assert.equal(fixedText(endpoint.host), "edge-2.partner.example");
        const after = await f.partner(p.address);
        assert.equal(after.activeEndpoints, before.activeEndpoints - 1);
        assert.equal(after.endpointSetVersion, before.endpointSetVersion + 1);
        assert.equal(after.nextEndpointIndex, before.nextEndpointIndex, "indices are never reused");
        assert.equal(after.revision, before.revision + 1);
        assert.equal(after.lastProposalId.toNumber(), id);

        const event = f.event(result, "endpointRemoved");
        assert.ok(event.partner.equals(p.address));
        assert.equal(event.index, 1);
        assert.equal(event.endpointSetVersion, after.endpointSetVersion);
        assert.equal(event.proposalId.toNumber(), id);
        assert.equal(event.revision, after.revision);
      });

      it("RemoveEndpoint refuses a removed endpoint, another partner's endpoint and changes to removed endpoints", async () => {
        const twice = await f.approved({ removeEndpoint: { index: 1 } }, p.address);
        f.assertError(await f.execute(twice, [p.address, addresses.endpoint(p.address, 1)]), "InvalidEndpoint");
        const foreign = await f.approved({ removeEndpoint: { index: 0 } }, p.address);
        f.assertError(await f.execute(foreign, [p.address, addresses.endpoint(other.address, 0)]), "InvalidEndpoint");
        const recategorize = await f.approved(
          { setEndpointCategories: { index: 1, categories: new BN(0b001) } },
          p.address,
        );
        f.assertError(await f.execute(recategorize, [p.address, addresses.endpoint(p.address, 1)]), "InvalidEndpoint");
        assert.equal(variant((await f.endpoint(other.address, 0)).status), "active");
      });
    });

    describe("keys", () => {
      let validFrom: number;
      let validUntil: number;
      const firstKey = Keypair.generate().publicKey;

      before(async () => {
        validFrom = await f.now();
        validUntil = validFrom + 365 * DAY;
      });

      it("IssueKey creates the key PDA bound to endpoints with its window; the key-set version moves by exactly one", async () => {
        const before = await f.partner(p.address);
        assert.equal(before.nextKeyIndex, 0);
        const id = await f.approved(
          issueKey({ publicKey: firstKey, endpoints: [0, 2], validFrom, validUntil }),
          p.address,
        );
        const now = await f.now();
        const result = await f.execute(id, [p.address, addresses.key(p.address, 0)]);
        f.assertOk(result, "execute IssueKey");
        logCu(h, "execute IssueKey", result);

        const key = await f.key(p.address, 0);
        assert.ok(key.partner.equals(p.address));
        assert.equal(key.index, 0);
        assert.deepEqual(Buffer.from(key.publicKey), firstKey.toBuffer());
        assert.equal(key.endpointCount, 2);
        assert.deepEqual(key.endpoints.slice(0, 2), [0, 2]);
        assert.ok(key.endpoints.slice(2).every((e) => e === 0));
        assert.equal(key.validFrom.toNumber(), validFrom);
        assert.equal(key.validUntil.toNumber(), validUntil);
        assert.equal(variant(key.status), "active");
        assert.equal(key.replacedBy, 0xffff);
        assert.equal(key.graceUntil.toNumber(), 0);
        assert.equal(key.issuedByProposal.toNumber(), id);
        assert.equal(key.issuedAt.toNumber(), now);
        assert.equal(key.revokedByProposal.toNumber(), 0);

        const after = await f.partner(p.address);
        assert.equal(after.keySetVersion, before.keySetVersion + 1);
        assert.equal(after.activeKeys, before.activeKeys + 1);
        assert.equal(after.nextKeyIndex, 1);
        assert.equal(after.endpointSetVersion, before.endpointSetVersion);
        assert.equal(after.revision, before.revision + 1);
        assert.equal(after.lastProposalId.toNumber(), id);

        const event = f.event(result, "keyIssued");
        assert.ok(event.partner.equals(p.address));
        assert.equal(event.index, 0);
        assert.deepEqual(Buffer.from(event.publicKey), firstKey.toBuffer());
        assert.deepEqual(event.endpoints, [0, 2]);
        assert.equal(event.validFrom.toNumber(), validFrom);
        assert.equal(event.validUntil.toNumber(), validUntil);
        assert.equal(event.replaces, null);
        assert.equal(event.replacedGraceUntil.toNumber(), 0);
        assert.equal(event.keySetVersion, after.keySetVersion);
        assert.equal(event.proposalId.toNumber(), id);
        assert.equal(event.revision, after.revision);
      });

      it("IssueKey refuses an invalid window or a zero key when proposed (InvalidKeyWindow)", async () => {
        const reversed = await f.propose(
          f.council[0]!,
          issueKey({ validFrom: validUntil, validUntil: validFrom }),
          p.address,
        );
        f.assertError(reversed.result, "InvalidKeyWindow");
        const empty = await f.propose(f.council[0]!, issueKey({ validFrom, validUntil: validFrom }), p.address);
        f.assertError(empty.result, "InvalidKeyWindow");
        const zero = await f.propose(
          f.council[0]!,
          issueKey({ publicKey: PublicKey.default, validFrom, validUntil }),
          p.address,
        );
        f.assertError(zero.result, "InvalidKeyWindow");
      });

      it("IssueKey refuses, when executed, endpoints beyond the partner's and a window that has already ended", async () => {
        const next = (await f.partner(p.address)).nextEndpointIndex;
        const beyond = await f.approved(issueKey({ endpoints: [0, next], validFrom, validUntil }), p.address);
        f.assertError(await f.execute(beyond, [p.address, addresses.key(p.address, 1)]), "InvalidKeyWindow");
        // Valid when proposed, but the time lock outlasts it.
        const now = await f.now();
        const lapsed = await f.approved(issueKey({ validFrom: now, validUntil: now + 60 }), p.address);
        f.assertError(await f.execute(lapsed, [p.address, addresses.key(p.address, 1)]), "InvalidKeyWindow");
        assert.equal((await f.partner(p.address)).nextKeyIndex, 1);
      });

      it("IssueKey with `replaces` puts the old key in rotation: grace_until = now + policy grace, replaced_by = new index", async () => {
        const before = await f.partner(p.address);
        const id = await f.approved(issueKey({ validFrom, validUntil, replaces: 0 }), p.address);
        const now = await f.now();
        const result = await f.execute(id, [p.address, addresses.key(p.address, 1), addresses.key(p.address, 0)]);
        f.assertOk(result, "execute IssueKey (rotation)");
        logCu(h, "execute IssueKey (rotation)", result);

        const grace = (await f.registry()).policy.keyRotationGraceSeconds;
        const old = await f.key(p.address, 0);
        assert.equal(variant(old.status), "rotating");
        assert.equal(old.graceUntil.toNumber(), now + grace);
        assert.equal(old.replacedBy, 1);
        assert.equal(old.validUntil.toNumber(), validUntil, "the old window itself is unchanged");
        const fresh = await f.key(p.address, 1);
        assert.equal(variant(fresh.status), "active");
        assert.equal(fresh.endpointCount, 0, "no endpoints listed: the key serves all of them");
        const after = await f.partner(p.address);
        assert.equal(after.activeKeys, before.activeKeys, "a rotation replaces a key, it does not add one");
        assert.equal(after.keySetVersion, before.keySetVersion + 1);
        assert.equal(after.nextKeyIndex, 2);

        const event = f.event(result, "keyIssued");
        assert.equal(event.index, 1);
        assert.equal(event.replaces, 0);
        assert.equal(event.replacedGraceUntil.toNumber(), now + grace);
        assert.equal(event.keySetVersion, after.keySetVersion);
        assert.equal(event.proposalId.toNumber(), id);
      });

      it("rotation grace is capped by the old key's own valid_until", async () => {
        const now = await f.now();
        const shortUntil = now + 2 * DAY; // well inside the 7-day rotation grace
        const issued = await f.approved(issueKey({ validFrom: now, validUntil: shortUntil }), p.address);
        f.assertOk(await f.execute(issued, [p.address, addresses.key(p.address, 2)]), "issue short key");
        const rotate = await f.approved(issueKey({ validFrom: now, validUntil, replaces: 2 }), p.address);
        const result = await f.execute(rotate, [p.address, addresses.key(p.address, 3), addresses.key(p.address, 2)]);
        f.assertOk(result, "rotate short key");
        const old = await f.key(p.address, 2);
        assert.equal(variant(old.status), "rotating");
        assert.equal(old.graceUntil.toNumber(), shortUntil);
        assert.equal(old.replacedBy, 3);
        assert.equal(f.event(result, "keyIssued").replacedGraceUntil.toNumber(), shortUntil);
      });

      it("DuplicateAccount when the key being rotated out is also passed as the new key", async () => {
        const rotate = await f.approved(issueKey({ validFrom, validUntil, replaces: 3 }), p.address);
        const key3 = addresses.key(p.address, 3);
        f.assertError(await f.execute(rotate, [p.address, key3, key3]), "DuplicateAccount");
        assert.equal(variant((await f.key(p.address, 3)).status), "active", "nothing changed");
      });

      it("IssueKey refuses to rotate a key that is not active, or another partner's key (InvalidKey)", async () => {
        const rotating = await f.approved(issueKey({ validFrom, validUntil, replaces: 0 }), p.address);
        f.assertError(
          await f.execute(rotating, [p.address, addresses.key(p.address, 4), addresses.key(p.address, 0)]),
          "InvalidKey",
        );
        const otherKey = await f.approved(issueKey({ validFrom, validUntil }), other.address);
        f.assertOk(
          await f.execute(otherKey, [other.address, addresses.key(other.address, 0)]),
          "issue other partner's key",
        );
        const foreign = await f.approved(issueKey({ validFrom, validUntil, replaces: 0 }), p.address);
        f.assertError(
          await f.execute(foreign, [p.address, addresses.key(p.address, 4), addresses.key(other.address, 0)]),
          "InvalidKey",
        );
        assert.equal(variant((await f.key(other.address, 0)).status), "active");
      });

      it("RevokeKey moves an active key to Revoked with its reason; revoking it again is InvalidKey", async () => {
        const before = await f.partner(p.address);
        const id = await f.approved({ revokeKey: { index: 1, reason: { compromised: {} } } }, p.address);
        const now = await f.now();
        const result = await f.execute(id, [p.address, addresses.key(p.address, 1)]);
        f.assertOk(result, "execute RevokeKey");
        logCu(h, "execute RevokeKey", result);

        const key = await f.key(p.address, 1);
        assert.equal(variant(key.status), "revoked");
        assert.equal(variant(key.revocationReason), "compromised");
        assert.equal(key.revokedAt.toNumber(), now);
        assert.equal(key.revokedByProposal.toNumber(), id);
        const after = await f.partner(p.address);
        assert.equal(after.activeKeys, before.activeKeys - 1);
        assert.equal(after.keySetVersion, before.keySetVersion + 1);
        assert.equal(after.revision, before.revision + 1);
        assert.equal(after.lastProposalId.toNumber(), id);

        const event = f.event(result, "keyRevoked");
        assert.ok(event.partner.equals(p.address));
        assert.equal(event.index, 1);
        assert.equal(variant(event.reason), "compromised");
        assert.equal(event.keySetVersion, after.keySetVersion);
        assert.equal(event.proposalId.toNumber(), id);
        assert.equal(event.revision, after.revision);

        const again = await f.approved({ revokeKey: { index: 1, reason: { superseded: {} } } }, p.address);
        f.assertError(await f.execute(again, [p.address, addresses.key(p.address, 1)]), "InvalidKey");
        const foreign = await f.approved({ revokeKey: { index: 0, reason: { compromised: {} } } }, p.address);
        f.assertError(await f.execute(foreign, [p.address, addresses.key(other.address, 0)]), "InvalidKey");
        const mismatch = await f.approved({ revokeKey: { index: 3, reason: { compromised: {} } } }, p.address);
        f.assertError(await f.execute(mismatch, [p.address, addresses.key(p.address, 2)]), "InvalidKey");
      });

      it("RevokeKey also ends a rotating key's grace (the active count is unchanged)", async () => {
        const before = await f.partner(p.address);
        const id = await f.approved({ revokeKey: { index: 0, reason: { superseded: {} } } }, p.address);
        f.assertOk(await f.execute(id, [p.address, addresses.key(p.address, 0)]), "revoke rotating key");
        const key = await f.key(p.address, 0);
        assert.equal(variant(key.status), "revoked");
        assert.equal(variant(key.revocationReason), "superseded");
        assert.equal(key.replacedBy, 1, "the rotation record stays");
        const after = await f.partner(p.address);
        assert.equal(after.activeKeys, before.activeKeys);
        assert.equal(after.keySetVersion, before.keySetVersion + 1);
      });

      it("an IssueKey proposed by the partner's authority still needs the council's approvals and time lock", async () => {
        const proposed = await f.propose(p.authority, issueKey({ validFrom, validUntil, endpoints: [0] }), p.address);
        f.assertOk(proposed.result, "partner proposes IssueKey");
        const { id } = proposed;
        const proposal = await f.proposal(id);
        assert.equal(variant(proposal.proposerRole), "partnerAuthority");
        assert.ok(proposal.proposer.equals(p.authority.publicKey));
        assert.ok(proposal.partner.equals(p.address));
        const created = f.event(proposed.result, "proposalCreated");
        assert.equal(variant(created.proposerRole), "partnerAuthority");
        assert.equal(created.proposalId.toNumber(), id);

        const keyIndex = (await f.partner(p.address)).nextKeyIndex;
        const remaining = [p.address, addresses.key(p.address, keyIndex)];
        f.assertError(await f.execute(id, remaining, p.authority), "ProposalNotApproved");
        f.assertError(await f.vote("approve", p.authority, id), "NotCouncilMember");
        f.assertOk(await f.vote("approve", f.council[0]!, id), "first approval");
        f.assertError(await f.execute(id, remaining), "ProposalNotApproved");
        const second = await f.vote("approve", f.council[1]!, id);
        f.assertOk(second, "second approval");
        assert.equal(variant(f.event(second, "proposalVoted").status), "approved");
        f.assertError(await f.execute(id, remaining), "TimeLockActive");
        await f.warp(f.options.timeLockSeconds);
        const result = await f.execute(id, remaining, p.authority);
        f.assertOk(result, "execute partner-requested IssueKey");
        const key = await f.key(p.address, keyIndex);
        assert.equal(variant(key.status), "active");
        assert.equal(key.issuedByProposal.toNumber(), id);
        assert.equal(f.event(result, "keyIssued").proposalId.toNumber(), id);
        f.assertError(await f.execute(id, remaining), "ProposalNotApproved");
      });

      it("a partner's authority may not request changes to another partner, nor status or council actions", async () => {
        const foreign = await f.propose(p.authority, issueKey({ validFrom, validUntil }), other.address);
        f.assertError(foreign.result, "ActionNotAllowedForProposer");
        const suspend = await f.propose(p.authority, { suspendPartner: { reason: "self" } }, p.address);
        f.assertError(suspend.result, "ActionNotAllowedForProposer");
        const grant = await f.propose(p.authority, {
          grantRole: { role: { auditor: {} }, holder: p.authority.publicKey },
        });
        f.assertError(grant.result, "NotCouncilMember");
        const endpoint = await f.propose(
          p.authority,
          { addEndpoint: { ...DEFAULT_ENDPOINT("edge-9.partner.example") } },
          p.address,
        );
        f.assertOk(endpoint.result, "a partner may request an endpoint for itself");
      });
    });
  },
  registryPrograms(upgradeAuthority),
  { readsEvents: true },
);

forEachRuntime(
  "endpoint and key limits",
  (h) => {
    let f: RegistryFixture;
    let p: PartnerHandle;

    before(async () => {
      f = await RegistryFixture.create(h.rt, upgradeAuthority);
    });

    it("a partner holds 64 active endpoints; AddEndpoint beyond that is TooManyEndpoints until one is removed", async () => {
      p = await f.apply();
      for (let i = 0; i < 64; i++)
        f.assertOk(await f.declareEndpoint(p, DEFAULT_ENDPOINT(`edge-${i}.partner.example`)), `declare ${i}`);
      f.assertError(await f.declareEndpoint(p, DEFAULT_ENDPOINT("edge-64.partner.example")), "TooManyEndpoints");
      const legal = await f.grantRole("legalVerifier");
      const technical = await f.grantRole("technicalAuditor");
      f.assertOk(await f.attest("legal", p.address, legal), "attest legal");
      f.assertOk(await f.attest("technical", p.address, technical), "attest technical");
      f.assertOk(await f.pass({ approvePartner: { endpointSetVersion: 64 } }, p.address, [p.address]), "admit");

      const add = await f.approved({ addEndpoint: { ...DEFAULT_ENDPOINT("edge-64.partner.example") } }, p.address);
      f.assertError(await f.execute(add, [p.address, addresses.endpoint(p.address, 64)]), "TooManyEndpoints");
      f.assertOk(
        await f.pass({ removeEndpoint: { index: 10 } }, p.address, [p.address, addresses.endpoint(p.address, 10)]),
        "remove 10",
      );
      f.assertOk(await f.execute(add, [p.address, addresses.endpoint(p.address, 64)]), "add the 65th endpoint ever");
      const partner = await f.partner(p.address);
      assert.equal(partner.activeEndpoints, 64);
      assert.equal(partner.nextEndpointIndex, 65);
      assert.equal(partner.endpointSetVersion, 66);
    });

    it("a partner holds 32 active keys; a further IssueKey is TooManyKeys, but a rotation still goes through", async () => {
      const now = await f.now();
      const window = { validFrom: now, validUntil: now + 365 * DAY };
      // Propose and approve all 33 first, then wait out the time lock once.
      const ids: number[] = [];
      for (let i = 0; i < 33; i++) {
        const { result, id } = await f.propose(f.council[0]!, issueKey(window), p.address);
        f.assertOk(result, `propose key ${i}`);
        for (const member of f.council.slice(0, f.options.threshold))
          f.assertOk(await f.vote("approve", member, id), "approve");
        ids.push(id);
      }
      const rotation = await f.approved(issueKey({ ...window, replaces: 0 }), p.address);
      for (let i = 0; i < 32; i++)
        f.assertOk(await f.execute(ids[i]!, [p.address, addresses.key(p.address, i)]), `issue key ${i}`);
      assert.equal((await f.partner(p.address)).activeKeys, 32);
      f.assertError(await f.execute(ids[32]!, [p.address, addresses.key(p.address, 32)]), "TooManyKeys");
      f.assertOk(
        await f.execute(rotation, [p.address, addresses.key(p.address, 32), addresses.key(p.address, 0)]),
        "rotation at the limit",
      );
      const partner = await f.partner(p.address);
      assert.equal(partner.activeKeys, 32);
      assert.equal(partner.keySetVersion, 33);
      assert.equal(variant((await f.key(p.address, 0)).status), "rotating");
    });
  },
  registryPrograms(upgradeAuthority),
  { readsEvents: true },
);
