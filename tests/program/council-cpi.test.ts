// A council member that is a PDA of another program (as an SPL Governance governance account
// or a Squads vault would be) votes through CPI. `programs/test-council-member` is a tiny
// test-only pinocchio program whose one instruction invoke_signed's the registry's `approve`
// or `reject` with its PDA ["member"] as the signer. Its approval must count like any
// member's; the same address without the CPI signature must be refused.
import assert from "node:assert/strict";
import { Keypair, PublicKey, Transaction, TransactionInstruction } from "@solana/web3.js";
import { eventAuthorityAddress, eventCpiAccounts } from "../../app/src/sdk/events.js";
import { HistoryReplay, programEvents, recordingRuntime } from "../../harness/history.js";
import { PROGRAM_ID, registryAddress, registryProgramSpec } from "../../harness/program.js";
import { addresses, type ProposalActionArg, RegistryFixture } from "../../harness/registry-fixture.js";
import type { ProgramSpec } from "../../harness/types.js";
import { forEachRuntime } from "../support/for-each-runtime.js";
import { assertChangeHeader, onlyEvent, reportCu, sendInstructions, unsigned } from "../support/lifecycle.js";

/** The test-only program (fixed id: `ID` in programs/test-council-member/src/lib.rs). */
const MEMBER_PROGRAM_ID = new PublicKey("DYb4x13xNvpEUsXcXD48ncJApHX2a1gwWUuiw2QoTr69");
const MEMBER_PROGRAM_SO = "target/deploy/test_council_member.so";
const [MEMBER_PDA, MEMBER_BUMP] = PublicKey.findProgramAddressSync([Buffer.from("member")], MEMBER_PROGRAM_ID);

const VOTE = { approve: 0, reject: 1, approveUnsigned: 2 } as const;

/** The test program's instruction: vote on `proposal` as the PDA member. */
function memberVote(proposal: PublicKey, vote: keyof typeof VOTE, bump = MEMBER_BUMP): TransactionInstruction {
  return new TransactionInstruction({
    programId: MEMBER_PROGRAM_ID,
    keys: [
      { pubkey: registryAddress(), isSigner: false, isWritable: true },
      { pubkey: proposal, isSigner: false, isWritable: true },
      { pubkey: MEMBER_PDA, isSigner: false, isWritable: false },
      { pubkey: eventAuthorityAddress(PROGRAM_ID), isSigner: false, isWritable: false },
      { pubkey: PROGRAM_ID, isSigner: false, isWritable: false },
    ],
    data: Buffer.from([VOTE[vote], bump]),
  });
}

const upgradeAuthority = Keypair.generate();
const memberProgram: ProgramSpec = { programId: MEMBER_PROGRAM_ID, soPath: MEMBER_PROGRAM_SO, upgradeAuthority: null };
const addCategory = (name: string): ProposalActionArg => ({ addCategory: { name } });

forEachRuntime(
  "council member approving through CPI (a PDA of another program)",
  (handle) => {
    let f: RegistryFixture;
    let history: HistoryReplay;
    /** Council index of the PDA: after the fixture's three keypairs. */
    const PDA_INDEX = 3;

    before(async () => {
      history = new HistoryReplay();
      f = await RegistryFixture.createWithMembers(recordingRuntime(handle.rt, history), upgradeAuthority, [MEMBER_PDA]);
    });
    afterEach(async function () {
      if (this.currentTest?.state === "passed") await history.assertMatches(f.rt);
    });

    const send = (ix: TransactionInstruction) => f.rt.sendRaw(new Transaction().add(ix), []);

    it("the PDA is a council member (registered at initialize)", async () => {
      const registry = await f.registry();
      assert.equal(registry.councilLen, 4);
      assert.ok(registry.council[PDA_INDEX]!.equals(MEMBER_PDA));
      assert.equal(PublicKey.isOnCurve(MEMBER_PDA.toBuffer()), false, "a PDA has no private key");
      assert.equal(await f.rt.getAccount(MEMBER_PDA), null, "the member needs no account of its own");
    });

    it("its approval through CPI counts toward the threshold, with ProposalVoted naming it", async () => {
      const { result: proposed, id } = await f.propose(f.council[0]!, addCategory("via-cpi"));
      f.assertOk(proposed, "propose");
      const result = await send(memberVote(addresses.proposal(id), "approve"));
      f.assertOk(result, "approve through CPI");
      reportCu(f.rt, "approve through CPI (whole transaction)", result);
      // The last of the registry's "consumed" lines is its own (the first ones are its event CPIs).
      const inner = [...result.logs].reverse().find((l) => l.startsWith(`Program ${PROGRAM_ID.toBase58()} consumed`));
      console.log(`      approve inside the CPI: ${/consumed (\d+)/.exec(inner ?? "")?.[1]} CU [${f.rt.name}]`);
      assert.ok(
        result.logs.some((l) => l === `Program ${PROGRAM_ID.toBase58()} invoke [2]`),
        "the registry ran as a CPI",
      );
      // The event is an inner instruction whoever invoked the registry.
      assert.equal(programEvents(result).length, 1);

      let p = await f.proposal(id);
      assert.equal(p.approvals, 1 << PDA_INDEX);
      assert.equal(p.approvalCount, 1);
      assert.deepEqual(p.status, { open: {} });
      const event = onlyEvent(f, result, "proposalVoted");
      await assertChangeHeader(f, event);
      assert.ok(event.member.equals(MEMBER_PDA));
      assert.equal(event.approve, true);
      assert.equal(event.approvalCount, 1);

      // One wallet member more reaches the 2-of-4 threshold.
      f.assertOk(await f.vote("approve", f.council[1]!, id), "approve");
      p = await f.proposal(id);
      assert.deepEqual(p.status, { approved: {} });
      assert.equal(p.approvals, (1 << PDA_INDEX) | 0b10);
      await f.warp(f.options.timeLockSeconds);
      f.assertOk(await f.execute(id), "execute");
      assert.equal((await f.registry()).categoryCount, 5);
    });

    it("AlreadyVoted for a second vote through CPI", async () => {
      const { id } = await f.propose(f.council[0]!, addCategory("twice-cpi"));
      f.assertOk(await send(memberVote(addresses.proposal(id), "approve")), "approve through CPI");
      f.assertError(await send(memberVote(addresses.proposal(id), "approve")), "AlreadyVoted");
      f.assertError(await send(memberVote(addresses.proposal(id), "reject")), "AlreadyVoted");
    });

    it("MissingSignature for an approve naming the PDA without its CPI signature", async () => {
      const { id } = await f.propose(f.council[0]!, addCategory("no-signature"));
      // Directly: nobody can sign for the PDA in a transaction.
      const direct = unsigned(
        await f.program.methods
          .approve()
          .accountsStrict({
            ...eventCpiAccounts(f.program.programId),
            registry: registryAddress(),
            proposal: addresses.proposal(id),
            member: MEMBER_PDA,
          })
          .instruction(),
        MEMBER_PDA,
      );
      f.assertError(await sendInstructions(f.rt, [direct], []), "MissingSignature");
      // Through the program, but without invoke_signed's seeds.
      f.assertError(await send(memberVote(addresses.proposal(id), "approveUnsigned")), "MissingSignature");
      // With seeds that do not derive the PDA (wrong bump) the runtime refuses the CPI itself.
      const forged = await send(
        memberVote(addresses.proposal(id), "approve", MEMBER_BUMP === 255 ? 254 : MEMBER_BUMP + 1),
      );
      assert.equal(forged.ok, false);
      assert.equal(forged.err?.code, undefined, "not a registry error: the signature was never granted");
      const p = await f.proposal(id);
      assert.equal(p.approvalCount, 0);
      assert.equal(p.approvals, 0);
    });

    it("its rejection through CPI counts as a rejection", async () => {
      const { id } = await f.propose(f.council[0]!, addCategory("rejected-cpi"));
      const result = await send(memberVote(addresses.proposal(id), "reject"));
      f.assertOk(result, "reject through CPI");
      const p = await f.proposal(id);
      assert.equal(p.rejections, 1 << PDA_INDEX);
      assert.equal(p.rejectionCount, 1);
      assert.equal(p.approvalCount, 0);
      const event = onlyEvent(f, result, "proposalVoted");
      assert.ok(event.member.equals(MEMBER_PDA));
      assert.equal(event.approve, false);
    });

    it("NotCouncilMember for the PDA once a council change removed it", async () => {
      const members = f.council.map((k) => k.publicKey);
      f.assertOk(await f.pass({ setCouncil: { members, threshold: 2 } }), "SetCouncil without the PDA");
      const { id } = await f.propose(f.council[0]!, addCategory("after-removal"));
      f.assertError(await send(memberVote(addresses.proposal(id), "approve")), "NotCouncilMember");
    });

    it("the history head equals the replay of every event since initialization", async () => {
      await history.assertMatches(f.rt);
      assert.ok(history.events.length > 10);
    });
  },
  () => ({ programs: [registryProgramSpec(upgradeAuthority.publicKey), memberProgram] }),
  { readsEvents: true },
);
