// The proposal machinery against the bytecode in both runtimes: who may propose what, votes
// (approve / reject, duplicates, threshold, expiry), the time lock and execution window,
// exactly-once execution, cancellation, council changes that void the old council's
// proposals, and account substitution / duplicate-account attacks on execute and vote.
// Every success checks the decoded state and the event; after every test the registry's
// history head must equal the replay of every event since initialization.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair, PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { eventCpiAccounts } from "../../app/src/sdk/events.js";
import { discriminator, PROGRAM_ID, registryAddress } from "../../harness/program.js";
import {
  addresses,
  DEFAULT_ENDPOINT,
  DEFAULT_TRAFFIC_MODEL,
  type PartnerHandle,
  type ProposalActionArg,
  type RegistryFixture,
} from "../../harness/registry-fixture.js";
import { forEachReplayedRegistry } from "../support/for-each-runtime.js";
import {
  assertChangeHeader,
  onlyEvent,
  reportCu,
  sendInstructions,
  substituted,
  text,
  unixNow,
  unsigned,
} from "../support/lifecycle.js";

const { BN } = anchor;
const upgradeAuthority = Keypair.generate();

const addCategory = (name: string): ProposalActionArg => ({ addCategory: { name } });
const addEndpoint = (host = "edge-9.partner.example"): ProposalActionArg => ({
  addEndpoint: { ...DEFAULT_ENDPOINT(host) },
});
const issueKey = (validFrom: number, validUntil: number): ProposalActionArg => ({
  issueKey: {
    publicKey: Array.from(Keypair.generate().publicKey.toBuffer()),
    endpoints: [],
    validFrom: new BN(validFrom),
    validUntil: new BN(validUntil),
    replaces: null,
  },
});
const setTrafficModel = (): ProposalActionArg => ({
  setTrafficModel: { model: { ...DEFAULT_TRAFFIC_MODEL(), maxRequestsPerSecond: 900 } },
});

/** Raw instructions as Anchor builds them, for tampering with accounts and signers. */
function raw(f: RegistryFixture) {
  return {
    propose: async (
      proposer: PublicKey,
      id: number,
      action: ProposalActionArg,
      partner: PublicKey | null = null,
    ): Promise<TransactionInstruction> =>
      f.program.methods
        .propose(action as never, Array.from(Buffer.alloc(32)), "")
        .accountsStrict({
          ...eventCpiAccounts(f.program.programId),
          registry: registryAddress(),
          proposal: addresses.proposal(id),
          proposer,
          partner: partner ?? PROGRAM_ID,
          systemProgram: SystemProgram.programId,
        })
        .instruction(),
    vote: async (kind: "approve" | "reject", member: PublicKey, proposal: PublicKey): Promise<TransactionInstruction> =>
      (kind === "approve" ? f.program.methods.approve() : f.program.methods.reject())
        .accountsStrict({
          ...eventCpiAccounts(f.program.programId),
          registry: registryAddress(),
          proposal,
          member,
        })
        .instruction(),
    cancel: async (proposer: PublicKey, proposal: PublicKey): Promise<TransactionInstruction> =>
      f.program.methods
        .cancel()
        .accountsStrict({
          ...eventCpiAccounts(f.program.programId),
          registry: registryAddress(),
          proposal,
          proposer,
        })
        .instruction(),
    execute: async (
      proposal: PublicKey,
      executor: PublicKey,
      remaining: PublicKey[] = [],
    ): Promise<TransactionInstruction> =>
      f.program.methods
        .execute()
        .accountsStrict({
          ...eventCpiAccounts(f.program.programId),
          registry: registryAddress(),
          proposal,
          executor,
          systemProgram: SystemProgram.programId,
        })
        .remainingAccounts(remaining.map((pubkey) => ({ pubkey, isSigner: false, isWritable: true })))
        .instruction(),
  };
}

/** A System-owned account at a fresh address holding a copy of `source`'s bytes. */
async function systemOwnedCopy(f: RegistryFixture, source: PublicKey): Promise<PublicKey> {
  const copy = Keypair.generate().publicKey;
  const account = await f.rt.getAccount(source);
  assert.ok(account, `no account at ${source.toBase58()}`);
  await f.rt.setAccount(copy, { ...account, owner: SystemProgram.programId });
  return copy;
}

forEachReplayedRegistry(
  "propose: who may propose what",
  (s) => {
    let partner: PartnerHandle;
    let other: PartnerHandle;
    let outsider: Keypair;

    before(async () => {
      partner = await s.f.admittedPartner();
      other = await s.f.apply();
      outsider = await s.f.newSigner();
    });

    it("a council member's proposal records every field and emits ProposalCreated", async () => {
      const { f } = s;
      const id = (await f.registry()).proposalCount.toNumber();
      const proposer = f.council[1]!;
      const result = await f.send(
        f.program.methods
          .propose(
            addCategory("search-index") as never,
            Array.from(Buffer.alloc(32, 0x42)),
            "https://council.example/minutes/7",
          )
          .accountsStrict({
            ...eventCpiAccounts(f.program.programId),
            registry: registryAddress(),
            proposal: addresses.proposal(id),
            proposer: proposer.publicKey,
            partner: PROGRAM_ID,
            systemProgram: SystemProgram.programId,
          })
          .transaction(),
        [proposer],
      );
      f.assertOk(result, "propose");
      reportCu(f.rt, "propose (AddCategory)", result);
      const now = await unixNow(f.rt);
      const expiresAt = now + BigInt(f.options.policy.proposalLifetimeSeconds);

      const p = await f.proposal(id);
      assert.equal(p.layoutVersion, 1);
      assert.equal(
        p.bump,
        PublicKey.findProgramAddressSync(
          [Buffer.from("proposal"), new BN(id).toArrayLike(Buffer, "le", 8)],
          PROGRAM_ID,
        )[1],
      );
      assert.equal(p.proposalId.toNumber(), id);
      assert.ok(p.proposer.equals(proposer.publicKey));
      assert.deepEqual(p.proposerRole, { councilMember: {} });
      assert.ok(p.partner.equals(PublicKey.default));
      assert.equal(p.councilEpoch, 1);
      assert.deepEqual(p.status, { open: {} });
      assert.equal(p.approvals, 0);
      assert.equal(p.rejections, 0);
      assert.equal(p.approvalCount, 0);
      assert.equal(p.rejectionCount, 0);
      assert.equal(p.createdAt.toString(), now.toString());
      assert.equal(p.expiresAt.toString(), expiresAt.toString());
      assert.ok(p.approvedAt.isZero() && p.executedAt.isZero());
      assert.ok(p.executedBy.equals(PublicKey.default));
      assert.deepEqual(p.evidence.hash, Array.from(Buffer.alloc(32, 0x42)));
      assert.equal(text(p.evidence.uri), "https://council.example/minutes/7");
      assert.equal(p.actionKind, 13);
      assert.equal(p.actionLen, 1 + 4 + "search-index".length);
      assert.deepEqual(p.action, addCategory("search-index"));
      assert.equal((await f.registry()).proposalCount.toNumber(), id + 1);
      const account = await f.rt.getAccount(addresses.proposal(id));
      assert.deepEqual(account?.data.subarray(0, 8), discriminator("account", "Proposal"));

      const event = onlyEvent(f, result, "proposalCreated");
      await assertChangeHeader(f, event);
      assert.ok(event.proposal.equals(addresses.proposal(id)));
      assert.equal(event.proposalId.toNumber(), id);
      assert.ok(event.proposer.equals(proposer.publicKey));
      assert.deepEqual(event.proposerRole, { councilMember: {} });
      assert.ok(event.partner.equals(PublicKey.default));
      assert.equal(event.councilEpoch, 1);
      assert.equal(event.expiresAt.toString(), expiresAt.toString());
      assert.deepEqual(event.evidenceHash, Array.from(Buffer.alloc(32, 0x42)));
      assert.equal(event.evidenceUri, "https://council.example/minutes/7");
      assert.deepEqual(event.action, addCategory("search-index"));
    });

    it("NotCouncilMember for a council action proposed by someone outside the council", async () => {
      const { f } = s;
      f.assertError((await f.propose(outsider, addCategory("geo"))).result, "NotCouncilMember");
      f.assertError(
        (await f.propose(outsider, { grantRole: { role: { guardian: {} }, holder: outsider.publicKey } })).result,
        "NotCouncilMember",
      );
    });

    it("ActionNotAllowedForProposer for a partner action by someone who is not that partner's authority", async () => {
      const { f } = s;
      f.assertError((await f.propose(outsider, addEndpoint(), partner.address)).result, "ActionNotAllowedForProposer");
      f.assertError(
        (await f.propose(outsider, { suspendPartner: { reason: "x" } }, partner.address)).result,
        "ActionNotAllowedForProposer",
      );
    });

    for (const [name, action] of [
      ["AddEndpoint", () => addEndpoint()],
      ["IssueKey", () => issueKey(1_750_000_000, 1_850_000_000)],
      ["SetTrafficModel", () => setTrafficModel()],
      ["RemoveEndpoint", () => ({ removeEndpoint: { index: 0 } })],
      ["SetEndpointCategories", () => ({ setEndpointCategories: { index: 0, categories: new BN(1) } })],
      ["RevokeKey", () => ({ revokeKey: { index: 0, reason: { compromised: {} } } })],
    ] as const) {
      it(`a partner's authority may propose ${name} for its own partner`, async () => {
        const { f } = s;
        const { result, id } = await f.propose(partner.authority, action() as ProposalActionArg, partner.address);
        f.assertOk(result, `propose ${name}`);
        const p = await f.proposal(id);
        assert.deepEqual(p.proposerRole, { partnerAuthority: {} });
        assert.ok(p.partner.equals(partner.address));
        assert.ok(p.proposer.equals(partner.authority.publicKey));
        const event = onlyEvent(f, result, "proposalCreated");
        assert.deepEqual(event.proposerRole, { partnerAuthority: {} });
        assert.ok(event.partner.equals(partner.address));
      });
    }

    it("ActionNotAllowedForProposer for a partner's authority acting on another partner", async () => {
      const { f } = s;
      for (const action of [addEndpoint(), issueKey(1_750_000_000, 1_850_000_000), setTrafficModel()]) {
        f.assertError(
          (await f.propose(partner.authority, action, other.address)).result,
          "ActionNotAllowedForProposer",
        );
      }
    });

    it("ActionNotAllowedForProposer for status and admission actions on its own partner", async () => {
      const { f } = s;
      const actions: ProposalActionArg[] = [
        { suspendPartner: { reason: "self" } },
        { reinstatePartner: {} },
        { revokePartner: { reason: "self" } },
        { approvePartner: { endpointSetVersion: 1 } },
        { rejectApplication: { reason: "self" } },
      ];
      for (const action of actions) {
        f.assertError(
          (await f.propose(partner.authority, action, partner.address)).result,
          "ActionNotAllowedForProposer",
        );
      }
    });

    it("NotCouncilMember for council actions proposed by a partner's authority", async () => {
      const { f } = s;
      f.assertError((await f.propose(partner.authority, addCategory("mine"))).result, "NotCouncilMember");
      f.assertError(
        (await f.propose(partner.authority, { setCouncil: { members: [partner.authority.publicKey], threshold: 1 } }))
          .result,
        "NotCouncilMember",
      );
    });

    it("PartnerRequired / PartnerNotExpected when the partner account does not fit the action", async () => {
      const { f } = s;
      f.assertError((await f.propose(f.council[0]!, addEndpoint())).result, "PartnerRequired");
      f.assertError((await f.propose(partner.authority, addEndpoint())).result, "PartnerRequired");
      f.assertError((await f.propose(f.council[0]!, addCategory("geo"), partner.address)).result, "PartnerNotExpected");
    });

    it("InvalidAccountData / InvalidAccountOwner for a partner account that is not a Partner", async () => {
      const { f } = s;
      const suspend = { suspendPartner: { reason: "x" } };
      f.assertError((await f.propose(f.council[0]!, suspend, addresses.proposal(0))).result, "InvalidAccountData");
      f.assertError((await f.propose(f.council[0]!, suspend, registryAddress())).result, "InvalidAccountData");
      const copy = await systemOwnedCopy(f, partner.address);
      f.assertError((await f.propose(f.council[0]!, suspend, copy)).result, "InvalidAccountOwner");
      // A copy naming the partner's authority does not let it act either.
      f.assertError((await f.propose(partner.authority, addEndpoint(), copy)).result, "InvalidAccountOwner");
    });

    it("InvalidPda / AlreadyInitialized for a proposal account that is not the next id's PDA", async () => {
      const { f } = s;
      const r = raw(f);
      const next = (await f.registry()).proposalCount.toNumber();
      const proposer = f.council[0]!;
      f.assertError(
        await sendInstructions(f.rt, [await r.propose(proposer.publicKey, next + 1, addCategory("geo"))], [proposer]),
        "InvalidPda",
      );
      const existing = substituted(
        await r.propose(proposer.publicKey, next, addCategory("geo")),
        1,
        addresses.proposal(0),
      );
      f.assertError(await sendInstructions(f.rt, [existing], [proposer]), "AlreadyInitialized");
      const random = substituted(
        await r.propose(proposer.publicKey, next, addCategory("geo")),
        1,
        Keypair.generate().publicKey,
      );
      f.assertError(await sendInstructions(f.rt, [random], [proposer]), "InvalidPda");
    });

    it("MissingSignature when the proposer did not sign", async () => {
      const { f } = s;
      const next = (await f.registry()).proposalCount.toNumber();
      const ix = unsigned(
        await raw(f).propose(f.council[0]!.publicKey, next, addCategory("geo")),
        f.council[0]!.publicKey,
      );
      f.assertError(await sendInstructions(f.rt, [ix], []), "MissingSignature");
    });

    it("refuses actions whose own arguments are invalid when proposed", async () => {
      const { f } = s;
      const c = f.council[0]!;
      const cases: [ProposalActionArg, PublicKey | null, string][] = [
        [{ addEndpoint: { ...DEFAULT_ENDPOINT(), categories: new BN(0) } }, partner.address, "InvalidCategories"],
        [{ addEndpoint: { ...DEFAULT_ENDPOINT(), port: 0 } }, partner.address, "InvalidText"],
        [
          { setTrafficModel: { model: { ...DEFAULT_TRAFFIC_MODEL(), maxRequestsPerSecond: 0 } } },
          partner.address,
          "InvalidTrafficModel",
        ],
        [issueKey(1_800_000_000, 1_800_000_000), partner.address, "InvalidKeyWindow"],
        [{ grantRole: { role: { guardian: {} }, holder: PublicKey.default } }, null, "InvalidCouncilMember"],
        [addCategory("api-read"), null, "CategoryExists"],
        [addCategory("has space"), null, "InvalidCategoryName"],
        [{ renameCategory: { index: 60, name: "x" } }, null, "UnknownCategory"],
        [{ setCouncil: { members: [c.publicKey], threshold: 2 } }, null, "InvalidThreshold"],
        [{ setCouncil: { members: [], threshold: 1 } }, null, "CouncilEmpty"],
        [{ setCouncil: { members: [c.publicKey, c.publicKey], threshold: 1 } }, null, "DuplicateCouncilMember"],
        [
          { setCouncil: { members: Array.from({ length: 17 }, () => Keypair.generate().publicKey), threshold: 1 } },
          null,
          "ListTooLong",
        ],
      ];
      for (const [action, target, code] of cases) f.assertError((await f.propose(c, action, target)).result, code);
      const next = (await f.registry()).proposalCount.toNumber();
      const badUri = await f.send(
        f.program.methods
          .propose(addCategory("geo") as never, Array.from(Buffer.alloc(32)), "has space")
          .accountsStrict({
            ...eventCpiAccounts(f.program.programId),
            registry: registryAddress(),
            proposal: addresses.proposal(next),
            proposer: c.publicKey,
            partner: PROGRAM_ID,
            systemProgram: SystemProgram.programId,
          })
          .transaction(),
        [c],
      );
      f.assertError(badUri, "InvalidText");
    });

    it("a partner's change request still needs the council: its authority cannot vote, and it executes only once approved", async () => {
      const { f } = s;
      const { result, id } = await f.propose(
        partner.authority,
        addEndpoint("edge-requested.partner.example"),
        partner.address,
      );
      f.assertOk(result, "propose");
      f.assertError(await f.vote("approve", partner.authority, id), "NotCouncilMember");
      const index = (await f.partner(partner.address)).nextEndpointIndex;
      const remaining = [partner.address, addresses.endpoint(partner.address, index)];
      f.assertError(await f.execute(id, remaining), "ProposalNotApproved");
      for (const member of f.council.slice(0, f.options.threshold))
        f.assertOk(await f.vote("approve", member, id), "approve");
      await f.warp(f.options.timeLockSeconds);
      const executed = await f.execute(id, remaining, partner.authority);
      f.assertOk(executed, "execute AddEndpoint");
      reportCu(f.rt, "execute AddEndpoint (partner request)", executed);
      const endpoint = await f.program.account.endpoint.fetch(addresses.endpoint(partner.address, index));
      assert.equal(endpoint.proposalId.toNumber(), id);
      assert.equal(text(endpoint.host), "edge-requested.partner.example");
      assert.equal((await f.partner(partner.address)).lastProposalId.toNumber(), id);
      const event = onlyEvent(f, executed, "endpointAdded");
      assert.equal(event.proposalId.toNumber(), id);
    });
  },
  upgradeAuthority,
);

forEachReplayedRegistry(
  "votes, time lock, execution, cancellation",
  (s) => {
    let outsider: Keypair;
    let id: number;

    before(async () => {
      outsider = await s.f.newSigner();
      const proposed = await s.f.propose(s.f.council[0]!, addCategory("search-index"));
      s.f.assertOk(proposed.result, "propose");
      id = proposed.id;
    });

    it("NotCouncilMember for an approval or rejection by a non-member", async () => {
      const { f } = s;
      f.assertError(await f.vote("approve", outsider, id), "NotCouncilMember");
      f.assertError(await f.vote("reject", outsider, id), "NotCouncilMember");
    });

    it("MissingSignature for a vote the member did not sign", async () => {
      const { f } = s;
      const member = f.council[0]!.publicKey;
      const ix = unsigned(await raw(f).vote("approve", member, addresses.proposal(id)), member);
      f.assertError(await sendInstructions(f.rt, [ix], []), "MissingSignature");
    });

    it("an approval sets the member's bit and count, and emits ProposalVoted", async () => {
      const { f } = s;
      const result = await f.vote("approve", f.council[0]!, id);
      f.assertOk(result, "approve");
      reportCu(f.rt, "approve", result);
      const p = await f.proposal(id);
      assert.equal(p.approvals, 0b001);
      assert.equal(p.approvalCount, 1);
      assert.equal(p.rejections, 0);
      assert.deepEqual(p.status, { open: {} });
      assert.ok(p.approvedAt.isZero());
      const event = onlyEvent(f, result, "proposalVoted");
      await assertChangeHeader(f, event);
      assert.equal(event.proposalId.toNumber(), id);
      assert.ok(event.member.equals(f.council[0]!.publicKey));
      assert.equal(event.approve, true);
      assert.equal(event.approvalCount, 1);
      assert.equal(event.rejectionCount, 0);
      assert.deepEqual(event.status, { open: {} });
    });

    it("AlreadyVoted for a second vote of the same member, either way, also within one transaction", async () => {
      const { f } = s;
      f.assertError(await f.vote("approve", f.council[0]!, id), "AlreadyVoted");
      f.assertError(await f.vote("reject", f.council[0]!, id), "AlreadyVoted");
      // Two approvals by one member in one transaction (on a fresh proposal, where the first
      // does not reach the threshold): the second fails and takes the first with it.
      const { id: fresh } = await f.propose(f.council[0]!, addCategory("twice"));
      const r = raw(f);
      const member = f.council[1]!;
      const twice = [
        await r.vote("approve", member.publicKey, addresses.proposal(fresh)),
        await r.vote("approve", member.publicKey, addresses.proposal(fresh)),
      ];
      f.assertError(await sendInstructions(f.rt, twice, [member]), "AlreadyVoted");
      assert.equal((await f.proposal(fresh)).approvalCount, 0);
      assert.equal((await f.proposal(id)).approvalCount, 1);
    });

    it("reaching the threshold approves the proposal and starts the time lock", async () => {
      const { f } = s;
      const result = await f.vote("approve", f.council[1]!, id);
      f.assertOk(result, "approve");
      reportCu(f.rt, "approve (reaching threshold)", result);
      const now = await unixNow(f.rt);
      const p = await f.proposal(id);
      assert.deepEqual(p.status, { approved: {} });
      assert.equal(p.approvals, 0b011);
      assert.equal(p.approvalCount, 2);
      assert.equal(p.approvedAt.toString(), now.toString());
      const event = onlyEvent(f, result, "proposalVoted");
      assert.deepEqual(event.status, { approved: {} });
      assert.equal(event.approvalCount, 2);
      // Closed for votes once approved.
      f.assertError(await f.vote("approve", f.council[2]!, id), "ProposalNotOpen");
      f.assertError(await f.vote("reject", f.council[2]!, id), "ProposalNotOpen");
    });

    it("TimeLockActive until approved_at + time lock, to the second", async () => {
      const { f } = s;
      const p = await f.proposal(id);
      f.assertError(await f.execute(id), "TimeLockActive");
      await f.rt.warpTo(BigInt(p.approvedAt.toString()) + BigInt(f.options.timeLockSeconds) - 1n);
      f.assertError(await f.execute(id), "TimeLockActive");
    });

    it("anyone executes it once the time lock has passed; the action and the execution are recorded", async () => {
      const { f } = s;
      const p = await f.proposal(id);
      await f.rt.warpTo(BigInt(p.approvedAt.toString()) + BigInt(f.options.timeLockSeconds));
      const result = await f.execute(id, [], outsider);
      f.assertOk(result, "execute");
      reportCu(f.rt, "execute AddCategory", result);
      const now = await unixNow(f.rt);
      const after = await f.proposal(id);
      assert.deepEqual(after.status, { executed: {} });
      assert.equal(after.executedAt.toString(), now.toString());
      assert.ok(after.executedBy.equals(outsider.publicKey));
      const registry = await f.registry();
      assert.equal(registry.categoryCount, 5);
      assert.equal(text(registry.categories[4]!), "search-index");
      const event = onlyEvent(f, result, "categoryChanged");
      await assertChangeHeader(f, event);
      assert.equal(event.index, 4);
      assert.equal(event.name, "search-index");
      assert.equal(event.oldName, "");
      assert.equal(event.proposalId.toNumber(), id);
    });

    it("ProposalNotApproved for a second execution", async () => {
      const { f } = s;
      f.assertError(await f.execute(id), "ProposalNotApproved");
      f.assertError(await f.execute(id, [], outsider), "ProposalNotApproved");
      assert.equal((await f.registry()).categoryCount, 5);
    });

    it("ExecutionWindowClosed once approved_at + time lock + lifetime has passed", async () => {
      const { f } = s;
      const lastChance = await f.approved(addCategory("geo-lookup"));
      const tooLate = await f.approved(addCategory("mail-relay"));
      const lifetime = BigInt(f.options.policy.proposalLifetimeSeconds);
      const lock = BigInt(f.options.timeLockSeconds);
      const closes = async (n: number) => BigInt((await f.proposal(n)).approvedAt.toString()) + lock + lifetime;
      await f.rt.warpTo((await closes(lastChance)) - 1n);
      f.assertOk(await f.execute(lastChance), "execute in the last second");
      await f.rt.warpTo(await closes(tooLate));
      f.assertError(await f.execute(tooLate), "ExecutionWindowClosed");
      assert.deepEqual((await f.proposal(tooLate)).status, { approved: {} });
    });

    it("ProposalExpired for votes from expires_at on", async () => {
      const { f } = s;
      const { result, id: late } = await f.propose(f.council[0]!, addCategory("late-vote"));
      f.assertOk(result, "propose");
      const expiresAt = BigInt((await f.proposal(late)).expiresAt.toString());
      await f.rt.warpTo(expiresAt - 1n);
      f.assertOk(await f.vote("approve", f.council[0]!, late), "approve in the last second");
      await f.rt.warpTo(expiresAt);
      f.assertError(await f.vote("approve", f.council[1]!, late), "ProposalExpired");
      f.assertError(await f.vote("reject", f.council[2]!, late), "ProposalExpired");
      f.assertError(await f.execute(late), "ProposalNotApproved");
    });

    it("rejections beyond council size − threshold reject the proposal; it can then neither be voted on nor executed", async () => {
      const { f } = s;
      const { id: doomed } = await f.propose(f.council[0]!, addCategory("doomed"));
      const first = await f.vote("reject", f.council[0]!, doomed);
      f.assertOk(first, "reject");
      reportCu(f.rt, "reject", first);
      let p = await f.proposal(doomed);
      assert.deepEqual(p.status, { open: {} }, "3 − 2 = 1 rejection still leaves the threshold reachable");
      assert.equal(p.rejections, 0b001);
      assert.equal(p.rejectionCount, 1);
      const firstEvent = onlyEvent(f, first, "proposalVoted");
      assert.equal(firstEvent.approve, false);
      assert.equal(firstEvent.rejectionCount, 1);
      assert.deepEqual(firstEvent.status, { open: {} });

      const second = await f.vote("reject", f.council[2]!, doomed);
      f.assertOk(second, "reject");
      p = await f.proposal(doomed);
      assert.deepEqual(p.status, { rejected: {} });
      assert.equal(p.rejections, 0b101);
      assert.equal(p.rejectionCount, 2);
      assert.deepEqual(onlyEvent(f, second, "proposalVoted").status, { rejected: {} });

      f.assertError(await f.vote("approve", f.council[1]!, doomed), "ProposalNotOpen");
      await f.warp(f.options.timeLockSeconds);
      f.assertError(await f.execute(doomed), "ProposalNotApproved");
      f.assertError(await f.cancel(f.council[0]!, doomed), "ProposalNotOpen");
    });

    it("one rejection does not stop two approvals", async () => {
      const { f } = s;
      const { id: mixed } = await f.propose(f.council[0]!, addCategory("mixed"));
      f.assertOk(await f.vote("approve", f.council[0]!, mixed), "approve");
      f.assertOk(await f.vote("reject", f.council[1]!, mixed), "reject");
      f.assertOk(await f.vote("approve", f.council[2]!, mixed), "approve");
      const p = await f.proposal(mixed);
      assert.deepEqual(p.status, { approved: {} });
      assert.equal(p.approvals, 0b101);
      assert.equal(p.rejections, 0b010);
    });

    it("cancel: only by the proposer, only before any approval; emits ProposalCancelled", async () => {
      const { f } = s;
      const { id: withdrawn } = await f.propose(f.council[1]!, addCategory("withdrawn"));
      f.assertError(await f.cancel(f.council[0]!, withdrawn), "NotProposer");
      f.assertError(await f.cancel(outsider, withdrawn), "NotProposer");
      const unsignedCancel = unsigned(
        await raw(f).cancel(f.council[1]!.publicKey, addresses.proposal(withdrawn)),
        f.council[1]!.publicKey,
      );
      f.assertError(await sendInstructions(f.rt, [unsignedCancel], []), "MissingSignature");
      // A rejection does not prevent withdrawal.
      f.assertOk(await f.vote("reject", f.council[2]!, withdrawn), "reject");
      const result = await f.cancel(f.council[1]!, withdrawn);
      f.assertOk(result, "cancel");
      reportCu(f.rt, "cancel", result);
      assert.deepEqual((await f.proposal(withdrawn)).status, { cancelled: {} });
      const event = onlyEvent(f, result, "proposalCancelled");
      await assertChangeHeader(f, event);
      assert.equal(event.proposalId.toNumber(), withdrawn);
      assert.ok(event.proposer.equals(f.council[1]!.publicKey));

      f.assertError(await f.vote("approve", f.council[0]!, withdrawn), "ProposalNotOpen");
      f.assertError(await f.cancel(f.council[1]!, withdrawn), "ProposalNotOpen");
      f.assertError(await f.execute(withdrawn), "ProposalNotApproved");

      const { id: backed } = await f.propose(f.council[1]!, addCategory("backed"));
      f.assertOk(await f.vote("approve", f.council[0]!, backed), "approve");
      f.assertError(await f.cancel(f.council[1]!, backed), "ProposalHasApprovals");
    });

    it("MissingSignature for an execution the executor did not sign", async () => {
      const { f } = s;
      const ready = await f.approved(addCategory("unsigned-exec"));
      const ix = unsigned(await raw(f).execute(addresses.proposal(ready), outsider.publicKey), outsider.publicKey);
      f.assertError(await sendInstructions(f.rt, [ix], []), "MissingSignature");
    });
  },
  upgradeAuthority,
);

forEachReplayedRegistry(
  "SetCouncil: a new epoch voids the old council's proposals",
  (s) => {
    it("replaces the council, moves the epoch by one, emits CouncilChanged; old open and approved proposals become ProposalStale", async () => {
      const { f } = s;
      const [c0, c1, c2] = f.council as [Keypair, Keypair, Keypair];
      const newcomer = await f.newSigner();

      const open = await f.propose(c0, addCategory("open-before"));
      f.assertOk(await f.vote("approve", c0, open.id), "approve");
      const untouched = await f.propose(c1, addCategory("untouched-before"));
      const approvedBefore = await f.approved(addCategory("approved-before"));
      const rivalCouncil = await f.approved({ setCouncil: { members: [c0.publicKey, c2.publicKey], threshold: 1 } });

      const members = [c0.publicKey, c1.publicKey, newcomer.publicKey];
      const id = await f.approved({ setCouncil: { members, threshold: 2 } });
      const before = await f.registry();
      const result = await f.execute(id);
      f.assertOk(result, "execute SetCouncil");
      reportCu(f.rt, "execute SetCouncil", result);
      f.adoptCouncil([c0, c1, newcomer], 2);

      const registry = await f.registry();
      assert.equal(registry.councilEpoch, before.councilEpoch + 1);
      assert.equal(registry.councilEpoch, 2);
      assert.equal(registry.councilLen, 3);
      assert.equal(registry.threshold, 2);
      assert.deepEqual(registry.council.slice(0, 3).map(String), members.map(String));
      assert.ok(registry.council.slice(3).every((k) => k.equals(PublicKey.default)));
      const event = onlyEvent(f, result, "councilChanged");
      await assertChangeHeader(f, event);
      assert.deepEqual(event.members.map(String), members.map(String));
      assert.equal(event.threshold, 2);
      assert.equal(event.councilEpoch, 2);
      assert.equal(event.proposalId.toNumber(), id);

      // Every proposal of epoch 1 is void, whatever its state and whoever votes.
      f.assertError(await f.vote("approve", c1, open.id), "ProposalStale");
      f.assertError(await f.vote("reject", c1, open.id), "ProposalStale");
      f.assertError(await f.vote("approve", newcomer, untouched.id), "ProposalStale");
      f.assertError(await f.execute(approvedBefore), "ProposalStale");
      f.assertError(await f.execute(rivalCouncil), "ProposalStale");
      assert.equal((await f.registry()).councilLen, 3, "the rival council change did not happen");

      // The removed member no longer counts; the new one does.
      const fresh = await f.propose(newcomer, addCategory("epoch-two"));
      f.assertOk(fresh.result, "propose by the new member");
      assert.equal((await f.proposal(fresh.id)).councilEpoch, 2);
      f.assertError(await f.vote("approve", c2, fresh.id), "NotCouncilMember");
      f.assertError((await f.propose(c2, addCategory("removed"))).result, "NotCouncilMember");
      f.assertOk(await f.vote("approve", newcomer, fresh.id), "approve by the new member");
      f.assertOk(await f.vote("approve", c0, fresh.id), "approve");
      const p = await f.proposal(fresh.id);
      assert.deepEqual(p.status, { approved: {} });
      assert.equal(p.approvals, 0b101, "bits follow the new council's order");
      await f.warp(f.options.timeLockSeconds);
      f.assertOk(await f.execute(fresh.id), "execute in epoch 2");
    });

    it("a new threshold applies to the new epoch's proposals", async () => {
      const { f } = s;
      const [c0, c1, newcomer] = f.council as [Keypair, Keypair, Keypair];
      f.assertOk(
        await f.pass({ setCouncil: { members: [c0.publicKey, c1.publicKey, newcomer.publicKey], threshold: 3 } }),
        "SetCouncil",
      );
      f.adoptCouncil([c0, c1, newcomer], 3);
      assert.equal((await f.registry()).councilEpoch, 3);
      const { id } = await f.propose(c0, addCategory("needs-all"));
      f.assertOk(await f.vote("approve", c0, id), "approve");
      f.assertOk(await f.vote("approve", c1, id), "approve");
      assert.deepEqual((await f.proposal(id)).status, { open: {} });
      f.assertOk(await f.vote("approve", newcomer, id), "approve");
      assert.deepEqual((await f.proposal(id)).status, { approved: {} });
      // With 3 of 3 required, one rejection makes a proposal unreachable.
      const { id: vetoed } = await f.propose(c0, addCategory("vetoed"));
      f.assertOk(await f.vote("reject", newcomer, vetoed), "reject");
      assert.deepEqual((await f.proposal(vetoed)).status, { rejected: {} });
    });
  },
  upgradeAuthority,
);

forEachReplayedRegistry(
  "execute and vote: substituted and duplicated accounts",
  (s) => {
    let partner: PartnerHandle;
    let other: PartnerHandle;
    let suspend: number;
    let executor: Keypair;

    before(async () => {
      const { f } = s;
      partner = await f.admittedPartner();
      other = await f.admittedPartner();
      executor = await f.newSigner();
      suspend = await f.approved({ suspendPartner: { reason: "audit finding" } }, partner.address);
    });

    const exec = async (remaining: PublicKey[], overrides: { slot: number; key: PublicKey }[] = []) => {
      const { f } = s;
      let ix = await raw(f).execute(addresses.proposal(suspend), executor.publicKey, remaining);
      for (const { slot, key } of overrides) ix = substituted(ix, slot, key);
      return sendInstructions(f.rt, [ix], [executor]);
    };

    it("UnexpectedAccountAddress for another partner, or the proposal itself, as remaining account 0", async () => {
      s.f.assertError(await exec([other.address]), "UnexpectedAccountAddress");
      s.f.assertError(await exec([addresses.proposal(suspend)]), "UnexpectedAccountAddress");
      s.f.assertError(await exec([registryAddress()]), "UnexpectedAccountAddress");
      s.f.assertError(await exec([]), "MissingAccounts");
      assert.deepEqual((await s.f.partner(other.address)).status, { active: {} });
    });

    it("UnexpectedAccountAddress for a registry copy; InvalidAccountData for the registry or a partner as the proposal", async () => {
      const { f } = s;
      const registryCopy = Keypair.generate().publicKey;
      await f.rt.setAccount(registryCopy, (await f.rt.getAccount(registryAddress()))!);
      f.assertError(await exec([partner.address], [{ slot: 0, key: registryCopy }]), "UnexpectedAccountAddress");
      // The registry passed twice (as registry and as proposal).
      f.assertError(await exec([partner.address], [{ slot: 1, key: registryAddress() }]), "InvalidAccountData");
      f.assertError(await exec([partner.address], [{ slot: 1, key: partner.address }]), "InvalidAccountData");
      const proposalCopy = await systemOwnedCopy(f, addresses.proposal(suspend));
      f.assertError(await exec([partner.address], [{ slot: 1, key: proposalCopy }]), "InvalidAccountOwner");
      f.assertError(
        await exec([partner.address], [{ slot: 3, key: Keypair.generate().publicKey }]),
        "UnexpectedAccountAddress",
      );
    });

    it("AccountNotWritable for a read-only proposal", async () => {
      const { f } = s;
      const ix = await raw(f).execute(addresses.proposal(suspend), executor.publicKey, [partner.address]);
      ix.keys[1] = { ...ix.keys[1]!, isWritable: false };
      f.assertError(await sendInstructions(f.rt, [ix], [executor]), "AccountNotWritable");
    });

    it("with the right accounts it executes (SuspendPartner), once", async () => {
      const { f } = s;
      const result = await exec([partner.address]);
      f.assertOk(result, "execute SuspendPartner");
      reportCu(f.rt, "execute SuspendPartner", result);
      assert.deepEqual((await f.partner(partner.address)).status, { suspended: {} });
      assert.deepEqual(onlyEvent(f, result, "partnerStatusChanged").cause, { councilSuspension: {} });
      f.assertError(await exec([partner.address]), "ProposalNotApproved");
    });

    it("votes: InvalidAccountData for the registry or a partner as the proposal, InvalidAccountOwner for a copy", async () => {
      const { f } = s;
      const { id } = await f.propose(f.council[0]!, addCategory("vote-target"));
      const member = f.council[0]!;
      const r = raw(f);
      for (const [target, code] of [
        [registryAddress(), "InvalidAccountData"],
        [partner.address, "InvalidAccountData"],
        [await systemOwnedCopy(f, addresses.proposal(id)), "InvalidAccountOwner"],
      ] as const) {
        f.assertError(
          await sendInstructions(f.rt, [await r.vote("approve", member.publicKey, target)], [member]),
          code,
        );
      }
      const registryCopy = Keypair.generate().publicKey;
      await f.rt.setAccount(registryCopy, (await f.rt.getAccount(registryAddress()))!);
      const ix = substituted(await r.vote("approve", member.publicKey, addresses.proposal(id)), 0, registryCopy);
      f.assertError(await sendInstructions(f.rt, [ix], [member]), "UnexpectedAccountAddress");
      assert.equal((await f.proposal(id)).approvalCount, 0);
    });

    it("endpoint actions: the partner passed twice, or another partner's endpoint, is refused", async () => {
      const { f } = s;
      const next = (await f.partner(other.address)).nextEndpointIndex;
      const add = await f.approved(addEndpoint("edge-dup.partner.example"), other.address);
      // The partner as the new endpoint: it is not an empty account.
      f.assertError(await f.execute(add, [other.address, other.address]), "AlreadyInitialized");
      // The next index of the other partner's endpoints, under this partner's seeds, is not the PDA.
      f.assertError(await f.execute(add, [other.address, addresses.endpoint(partner.address, next)]), "InvalidPda");
      f.assertOk(await f.execute(add, [other.address, addresses.endpoint(other.address, next)]), "execute AddEndpoint");

      const categories = await f.approved(
        { setEndpointCategories: { index: 0, categories: new BN(0b001) } },
        other.address,
      );
      f.assertError(await f.execute(categories, [other.address, other.address]), "InvalidAccountData");
      f.assertError(
        await f.execute(categories, [other.address, addresses.endpoint(partner.address, 0)]),
        "InvalidEndpoint",
      );
      f.assertOk(
        await f.execute(categories, [other.address, addresses.endpoint(other.address, 0)]),
        "execute SetEndpointCategories",
      );
    });

    it("role actions: the registry or a proposal as the role grant is InvalidAccountData; another holder's grant UnexpectedAccountAddress", async () => {
      const { f } = s;
      const holder = Keypair.generate().publicKey;
      const grant = await f.approved({ grantRole: { role: { guardian: {} }, holder } });
      f.assertError(await f.execute(grant, [registryAddress()]), "InvalidAccountData");
      f.assertError(await f.execute(grant, [addresses.proposal(grant)]), "InvalidAccountData");
      const someoneElse = await f.grantRole("guardian");
      f.assertError(
        await f.execute(grant, [addresses.role("guardian", someoneElse.publicKey)]),
        "UnexpectedAccountAddress",
      );
      f.assertError(await f.execute(grant, [addresses.role("auditor", holder)]), "InvalidPda");
      const result = await f.execute(grant, [addresses.role("guardian", holder)]);
      f.assertOk(result, "execute GrantRole");
      reportCu(f.rt, "execute GrantRole", result);
      const role = await f.program.account.roleGrant.fetch(addresses.role("guardian", holder));
      assert.equal(role.active, true);
      assert.equal(role.grantedByProposal.toNumber(), grant);
      const event = onlyEvent(f, result, "roleChanged");
      assert.deepEqual(event.role, { guardian: {} });
      assert.ok(event.holder.equals(holder));
      assert.equal(event.active, true);
    });
  },
  upgradeAuthority,
);
