// The truncation attack of issue 10. Validators cut a transaction's logs at 10,000 bytes ("Log
// truncated"): an outsider who put ~50 SPL Memo instructions before the permissionless `apply`,
// or before the `execute` of an approved proposal, used to get the change made while its logged
// event never appeared, so no replay could reach the on-chain head again. Events are now the
// program's self-CPI instructions, which are never truncated: the trail stays whole. litesvm
// truncates logs as a validator does (bankrun does not, and reports no inner instructions); the
// same attack on a real local chain is in tests/indexer/log-truncation.test.ts.
import assert from "node:assert/strict";
import { Keypair, Transaction, TransactionInstruction } from "@solana/web3.js";
import { EVENT_IX_TAG, eventAuthorityAddress } from "../../app/src/sdk/events.js";
import { HistoryReplay, recordingRuntime } from "../../harness/history.js";
import { discriminator, PROGRAM_ID } from "../../harness/program.js";
import { RegistryFixture } from "../../harness/registry-fixture.js";
import { forEachRuntime, registryPrograms } from "../support/for-each-runtime.js";
import { logsTruncated, paddedApply, paddedExecute } from "../support/noisy-logs.js";

const upgradeAuthority = Keypair.generate();
const programs = registryPrograms(upgradeAuthority);

forEachRuntime(
  "log truncation: events survive ≥ 10 KB of other programs' logs",
  (h) => {
    let f: RegistryFixture;
    let replay: HistoryReplay;

    before(async () => {
      replay = new HistoryReplay();
      f = await RegistryFixture.create(recordingRuntime(h.rt, replay), upgradeAuthority);
    });

    /** The logs were cut before the registry ran: they alone could not tell what changed. */
    function assertTruncatedBeforeRegistry(logs: string[]): void {
      assert.ok(logsTruncated(logs), "the runtime truncated the logs");
      const registryLine = logs.findIndex((l) => l.startsWith(`Program ${PROGRAM_ID.toBase58()} invoke`));
      assert.equal(registryLine, -1, "no trace of the registry survives in the logs");
    }

    it("a padded apply still yields PartnerApplied, and the replay reaches the on-chain head", async () => {
      const { result, id } = await paddedApply(f);
      assertTruncatedBeforeRegistry(result.logs);

      const event = f.event(result, "partnerApplied");
      assert.equal(event.partnerId.toNumber(), id);
      assert.equal(event.change.changeIndex.toString(), (await f.registry()).history.changeCount.toString());
      await replay.assertMatches(f.rt);
    });

    it("a padded execute of an approved proposal still yields its event, and the replay matches", async () => {
      const { result, id } = await paddedExecute(f);
      assertTruncatedBeforeRegistry(result.logs);

      const event = f.event(result, "categoryChanged");
      assert.equal(event.proposalId.toNumber(), id);
      await replay.assertMatches(f.rt);
    });
  },
  programs,
  { readsEvents: true },
);

forEachRuntime(
  "event instructions from anyone but the program",
  (h) => {
    /** A forged PartnerApplied event instruction, as anyone could send it. */
    function forgedEvent(keys: TransactionInstruction["keys"]): TransactionInstruction {
      const body = Buffer.concat([discriminator("event", "PartnerApplied"), Buffer.alloc(64, 1)]);
      return new TransactionInstruction({ programId: PROGRAM_ID, keys, data: Buffer.concat([EVENT_IX_TAG, body]) });
    }

    it("EventNotFromProgram for an event instruction the event authority did not sign", async () => {
      const f = await RegistryFixture.create(h.rt, upgradeAuthority);
      const withAuthority = forgedEvent([{ pubkey: eventAuthorityAddress(), isSigner: false, isWritable: false }]);
      f.assertError(await h.rt.sendRaw(new Transaction().add(withAuthority)), "EventNotFromProgram");
      const signer = await f.newSigner();
      const withOtherSigner = forgedEvent([{ pubkey: signer.publicKey, isSigner: true, isWritable: false }]);
      f.assertError(await h.rt.sendRaw(new Transaction().add(withOtherSigner), [signer]), "EventNotFromProgram");
      f.assertError(await h.rt.sendRaw(new Transaction().add(forgedEvent([]))), "EventNotFromProgram");
    });
  },
  programs,
);
