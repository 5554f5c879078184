// Issue 14: the deployer hands the program's upgrade authority to the registry's PDA
// `["upgrade_authority"]` (handover_upgrade_authority, the loader's SetAuthorityChecked by CPI),
// then only executed council proposals change the code (UpgradeProgram: the loader's Upgrade by
// CPI, after checking the buffer still hashes to what the council approved) or the authority
// (SetUpgradeAuthority: the loader's SetAuthority; none makes the program immutable). The second
// build is the same source with the `upgrade-test-build` feature (scripts/build-upgrade-test.sh),
// whose `report_version` logs another line: the test sees the new code run.
// litesvm only: solana-bankrun reports no inner instructions (events), and tests/localnet/
// program-upgrade.test.ts runs the same on a surfnet.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import anchor from "@coral-xyz/anchor";
import { type AccountMeta, Keypair, type PublicKey, Transaction } from "@solana/web3.js";
import { councilUpgradeAuthority } from "../../app/src/sdk/deployed-program.js";
import { eventCpiAccounts } from "../../app/src/sdk/events.js";
import {
  bufferProgramSha256,
  setUpgradeAuthorityRemaining,
  upgradeProgramRemaining,
} from "../../app/src/sdk/program-governance.js";
import { upgrade as loaderUpgrade } from "../../app/src/sdk/upgradeable-loader.js";
import { HistoryReplay, recordingRuntime } from "../../harness/history.js";
import {
  BPF_LOADER_UPGRADEABLE_ID,
  decodeProgramData,
  programDataAddress,
  rentExemptLamports,
} from "../../harness/loader.js";
import { PROGRAM_ID, PROGRAM_SO_PATH, registryAddress, registryProgramSpec } from "../../harness/program.js";
import { addresses, RegistryFixture } from "../../harness/registry-fixture.js";
import type { TxResult } from "../../harness/types.js";
import { buildSecondVersion, FIRST_VERSION_LINE, SECOND_VERSION_LINE } from "../../harness/upgrade-build.js";
import { forEachRuntime } from "../support/for-each-runtime.js";
import { logCu } from "../support/lifecycle.js";

const FIRST_LINE = FIRST_VERSION_LINE;
const SECOND_LINE = SECOND_VERSION_LINE;
const deployer = Keypair.generate();

/** A loader buffer account holding `elf`, with `authority` as the buffer's authority. */
function bufferAccount(elf: Buffer, authority: PublicKey) {
  const header = Buffer.alloc(37);
  header.writeUInt32LE(1, 0);
  header[4] = 1;
  authority.toBuffer().copy(header, 5);
  const data = Buffer.concat([header, elf]);
  return { lamports: rentExemptLamports(data.length), owner: BPF_LOADER_UPGRADEABLE_ID, data, executable: false };
}

forEachRuntime(
  "the program's code under the council",
  (h) => {
    let f: RegistryFixture;
    let secondElf: Buffer;
    const pda = councilUpgradeAuthority(PROGRAM_ID);

    before(function () {
      this.timeout(300_000);
      secondElf = buildSecondVersion();
      assert.notDeepEqual(secondElf, readFileSync(PROGRAM_SO_PATH), "the second build differs from the first");
    });

    let replay: HistoryReplay;
    beforeEach(async () => {
      replay = new HistoryReplay();
      f = await RegistryFixture.create(recordingRuntime(h.rt, replay), deployer);
    });

    // Every change, the handover and the upgrade included, extends the history chain.
    afterEach(async function () {
      if (this.currentTest?.state === "passed") await replay.assertMatches(h.rt);
    });

    const handover = (signer: Keypair): Promise<TxResult> => f.handover(signer);

    const authority = async (): Promise<PublicKey | null> =>
      decodeProgramData((await h.rt.getAccount(programDataAddress(PROGRAM_ID)))!.data).upgradeAuthority;

    /** Runs `report_version` in a later slot (new code is invocable from the slot after an upgrade). */
    const runningVersion = async (): Promise<string> => {
      const clock = await h.rt.getClock();
      await h.rt.setClock({ slot: clock.slot + 1n });
      const { result, line } = await f.reportVersion();
      f.assertOk(result, "report_version");
      return line!;
    };

    const proposeUpgrade = async (buffer: PublicKey, sha: Buffer): Promise<number> =>
      f.approved({ upgradeProgram: { buffer, bufferSha256: Array.from(sha) } });

    /** Council member 0 executes proposal `id` with the loader accounts its action needs. */
    const executeWith = (id: number, remaining: (executor: PublicKey) => AccountMeta[]): Promise<TxResult> => {
      const executor = f.council[0]!;
      return f.send(
        f.program.methods
          .execute()
          .accountsStrict({
            ...eventCpiAccounts(PROGRAM_ID),
            registry: registryAddress(),
            proposal: addresses.proposal(id),
            executor: executor.publicKey,
            systemProgram: anchor.web3.SystemProgram.programId,
          })
          .remainingAccounts(remaining(executor.publicKey))
          .transaction(),
        [executor],
      );
    };
    const executeUpgrade = (id: number, buffer: PublicKey) =>
      executeWith(id, (executor) => upgradeProgramRemaining(buffer, executor));
    const executeSetAuthority = (id: number, newAuthority: PublicKey | null) =>
      executeWith(id, () => setUpgradeAuthorityRemaining(newAuthority));

    it("hands the authority to the council's PDA, then upgrades to a second build through a proposal", async () => {
      assert.equal(await runningVersion(), FIRST_LINE);
      const handed = await handover(deployer);
      f.assertOk(handed, "handover_upgrade_authority");
      logCu(h, "handover_upgrade_authority", handed);
      assert.ok((await authority())!.equals(pda));
      const changed = f.event(handed, "upgradeAuthorityChanged");
      assert.ok(changed.oldAuthority.equals(deployer.publicKey));
      assert.ok(changed.newAuthority?.equals(pda));
      assert.equal(changed.proposalId, null);

      const buffer = Keypair.generate().publicKey;
      await h.rt.setAccount(buffer, bufferAccount(secondElf, pda));
      const sha = bufferProgramSha256((await h.rt.getAccount(buffer))!.data);
      assert.equal(sha.toString("hex"), createHashHex(secondElf), "the approved hash is the .so file's");
      const id = await proposeUpgrade(buffer, sha);
      const executed = await executeUpgrade(id, buffer);
      f.assertOk(executed, "execute: UpgradeProgram");
      logCu(h, "execute: UpgradeProgram", executed);
      const upgraded = f.event(executed, "programUpgraded");
      assert.ok(upgraded.buffer.equals(buffer));
      assert.deepEqual(Buffer.from(upgraded.bufferSha256), sha);
      assert.equal(upgraded.proposalId.toNumber(), id);

      const state = decodeProgramData((await h.rt.getAccount(programDataAddress(PROGRAM_ID)))!.data);
      assert.deepEqual(state.elf.subarray(0, secondElf.length), secondElf);
      assert.ok(state.upgradeAuthority!.equals(pda), "the council keeps the authority");
      assert.equal(await runningVersion(), SECOND_LINE);
    });

    it("leaves the former deployer without any power over the code", async () => {
      f.assertOk(await handover(deployer), "handover_upgrade_authority");
      const buffer = Keypair.generate().publicKey;
      await h.rt.setAccount(buffer, bufferAccount(secondElf, deployer.publicKey));
      const direct = await h.rt.sendRaw(
        new Transaction().add(
          loaderUpgrade({
            programData: programDataAddress(PROGRAM_ID),
            program: PROGRAM_ID,
            buffer,
            spill: deployer.publicKey,
            authority: deployer.publicKey,
          }),
        ),
        [deployer],
      );
      assert.equal(direct.ok, false, "the loader refuses the former authority");
      assert.ok(
        direct.logs.some((l) => /Incorrect upgrade authority|IncorrectAuthority/i.test(l)),
        direct.logs.join("\n"),
      );
      f.assertError(await handover(deployer), "NotUpgradeAuthority");
      assert.equal(await runningVersion(), FIRST_LINE);
    });

    it("refuses a handover by anyone but the current upgrade authority", async () => {
      const stranger = await f.newSigner();
      const refused = await handover(stranger);
      f.assertError(refused, "NotUpgradeAuthority");
      assert.ok((await authority())!.equals(deployer.publicKey));
      // A council member cannot either: only the key in ProgramData can.
      f.assertError(await handover(f.council[0]!), "NotUpgradeAuthority");
    });

    it("refuses an upgrade whose buffer changed between approval and execution", async () => {
      f.assertOk(await handover(deployer), "handover_upgrade_authority");
      const buffer = Keypair.generate().publicKey;
      await h.rt.setAccount(buffer, bufferAccount(secondElf, pda));
      const id = await proposeUpgrade(buffer, bufferProgramSha256((await h.rt.getAccount(buffer))!.data));
      // The buffer's authority (the PDA) could not write it; the test swaps the bytes as an
      // attacker with some other way in would, keeping the length.
      const swapped = Buffer.from(secondElf);
      swapped[swapped.length - 1] = swapped.at(-1)! ^ 0xff;
      await h.rt.setAccount(buffer, bufferAccount(swapped, pda));
      f.assertError(await executeUpgrade(id, buffer), "BufferHashMismatch");
      assert.equal(await runningVersion(), FIRST_LINE);
      // Restored, the approved bytes upgrade (the failed execution changed nothing).
      await h.rt.setAccount(buffer, bufferAccount(secondElf, pda));
      f.assertOk(await executeUpgrade(id, buffer), "execute: UpgradeProgram");
      assert.equal(await runningVersion(), SECOND_LINE);
    });

    it("makes the program immutable by proposal, after which no upgrade works", async () => {
      f.assertOk(await handover(deployer), "handover_upgrade_authority");
      const buffer = Keypair.generate().publicKey;
      await h.rt.setAccount(buffer, bufferAccount(secondElf, pda));
      const sha = bufferProgramSha256((await h.rt.getAccount(buffer))!.data);
      const upgradeId = await proposeUpgrade(buffer, sha);
      const id = await f.approved({ setUpgradeAuthority: { newAuthority: null } });
      const executed = await executeSetAuthority(id, null);
      f.assertOk(executed, "execute: SetUpgradeAuthority");
      logCu(h, "execute: SetUpgradeAuthority (immutable)", executed);
      const changed = f.event(executed, "upgradeAuthorityChanged");
      assert.ok(changed.oldAuthority.equals(pda));
      assert.equal(changed.newAuthority, null);
      assert.equal(changed.proposalId?.toNumber(), id);
      assert.equal(await authority(), null);

      // The upgrade approved before cannot execute any more.
      const refused = await executeUpgrade(upgradeId, buffer);
      assert.equal(refused.ok, false);
      assert.ok(refused.logs.includes("Program not upgradeable"), refused.logs.join("\n"));
      assert.equal(await runningVersion(), FIRST_LINE);
      assert.equal(await authority(), null);
    });

    it("moves the authority to another governance by proposal", async () => {
      f.assertOk(await handover(deployer), "handover_upgrade_authority");
      const next = await f.newSigner();
      const id = await f.approved({ setUpgradeAuthority: { newAuthority: next.publicKey } });
      const executed = await executeSetAuthority(id, next.publicKey);
      f.assertOk(executed, "execute: SetUpgradeAuthority");
      logCu(h, "execute: SetUpgradeAuthority", executed);
      assert.ok(f.event(executed, "upgradeAuthorityChanged").newAuthority?.equals(next.publicKey));
      assert.ok((await authority())!.equals(next.publicKey));
    });
  },
  () => ({ programs: [{ ...registryProgramSpec(deployer.publicKey), maxDataLen: 120_000 }] }),
  { readsEvents: true, fresh: "test" },
);

const createHashHex = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");
