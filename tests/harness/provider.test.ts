// Tests of the harness's Anchor provider (harness/provider-core.ts and the two runtime
// providers): sending, simulating and error translation, driven by the real registry program.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import {
  COMMITTED_IDL_PATH,
  expectRegistryError,
  PROGRAM_ID,
  registryAddress,
  registryClient,
  registryErrorCode,
  registryProgramSpec,
} from "../../harness/program.js";
import { customErrorCode, errorLogs, forEachRuntime, loadIdl, TxError } from "../support/index.js";
import {
  fundedKeypair,
  INVOKE_LOG,
  initializeMethod,
  loggedUnits,
  rawRegistryTx,
  UNKNOWN_DISCRIMINATOR,
  UNKNOWN_INSTRUCTION,
  UNKNOWN_INSTRUCTION_HEX,
} from "./common.js";

const upgradeAuthority = Keypair.generate();

const NOT_UPGRADE_AUTHORITY = registryErrorCode("NotUpgradeAuthority");

function idlMessage(code: number): string {
  const idl = loadIdl<anchor.Idl>(COMMITTED_IDL_PATH);
  const entry = idl.errors?.find((e) => e.code === code);
  assert.ok(entry?.msg, `no message for ${code} in the IDL`);
  return entry.msg;
}

forEachRuntime(
  "harness: provider",
  (h) => {
    it("sendAndConfirm throws a TxError carrying logs, compute units and the custom code", async () => {
      await assert.rejects(h.rt.provider.sendAndConfirm(rawRegistryTx(UNKNOWN_DISCRIMINATOR)), (err: unknown) => {
        assert.ok(err instanceof TxError, String(err));
        assert.ok(err instanceof anchor.web3.SendTransactionError);
        assert.equal(customErrorCode(err), UNKNOWN_INSTRUCTION);
        const logs = errorLogs(err);
        assert.equal(logs[0], INVOKE_LOG);
        assert.ok(logs.at(-1)?.endsWith(`custom program error: ${UNKNOWN_INSTRUCTION_HEX}`), logs.join("\n"));
        assert.equal(err.computeUnits, loggedUnits(logs));
        assert.equal(h.rt.lastComputeUnits(), err.computeUnits);
        // Anchor's ProgramError.parse needs exactly one "custom program error: " in toString().
        assert.equal(String(err).split("custom program error: ").length, 2, String(err));
        return true;
      });
    });

    it("Anchor rpc() sends initialize_registry and the provider records its compute units", async () => {
      const authority = await fundedKeypair(h.rt, upgradeAuthority);
      const program = registryClient(h.rt);
      assert.ok(program.programId.equals(PROGRAM_ID));
      // provider.simulate reports CU as unitsConsumed; the send that follows costs the same.
      const tx = await initializeMethod(h.rt, authority).transaction();
      const sim = await h.rt.provider.simulate(tx, [authority]);
      assert.ok(sim.unitsConsumed && sim.unitsConsumed > 0);
      assert.equal(sim.unitsConsumed, loggedUnits(sim.logs ?? []));
      assert.equal(h.rt.lastComputeUnits(), undefined);

      const signature = await initializeMethod(h.rt, authority).rpc();
      assert.equal(typeof signature, "string");
      assert.equal(h.rt.lastComputeUnits(), sim.unitsConsumed);
      const registry = await program.account.registry.fetch(registryAddress());
      assert.ok(registry.initializedBy.equals(authority.publicKey));
    });

    it("Anchor rpc() turns an IDL error into an error with its code and IDL message", async () => {
      const impostor = await fundedKeypair(h.rt);
      await assert.rejects(initializeMethod(h.rt, impostor).rpc(), (err: unknown) => {
        assert.ok(err instanceof anchor.ProgramError, `not a ProgramError: ${String(err)}`);
        assert.equal(err.code, NOT_UPGRADE_AUTHORITY);
        assert.equal(customErrorCode(err), 6014);
        assert.equal(err.msg, idlMessage(NOT_UPGRADE_AUTHORITY));
        assert.equal(
          err.msg,
          "Only the program's upgrade authority may initialize the registry or hand the authority over",
        );
        const logs = errorLogs(err);
        assert.equal(logs[0], INVOKE_LOG);
        assert.ok(logs.at(-1)?.endsWith("custom program error: 0x177e"), logs.join("\n"));
        return true;
      });
      assert.ok(h.rt.lastComputeUnits(), "a failed send still records its CU");
      await expectRegistryError(initializeMethod(h.rt, impostor).rpc(), "NotUpgradeAuthority");
      assert.equal(await h.rt.getAccount(registryAddress()), null);
    });

    it("Anchor simulate() translates IDL errors too and leaves lastComputeUnits alone", async () => {
      const impostor = await fundedKeypair(h.rt);
      await assert.rejects(initializeMethod(h.rt, impostor).simulate(), (err: unknown) => {
        assert.equal(customErrorCode(err), NOT_UPGRADE_AUTHORITY, String(err));
        assert.ok(err instanceof anchor.ProgramError, `not a ProgramError: ${String(err)}`);
        assert.equal(err.msg, idlMessage(NOT_UPGRADE_AUTHORITY));
        return true;
      });
      assert.equal(h.rt.lastComputeUnits(), undefined);
    });

    it("sendAll sends in order and throws at the first failure, keeping earlier effects", async () => {
      const authority = await fundedKeypair(h.rt, upgradeAuthority);
      const init = await initializeMethod(h.rt, authority).transaction();
      await assert.rejects(
        h.rt.provider.sendAll([{ tx: init, signers: [authority] }, { tx: rawRegistryTx(UNKNOWN_DISCRIMINATOR) }]),
        (err: unknown) => {
          assert.ok(err instanceof TxError, String(err));
          assert.equal(err.code, UNKNOWN_INSTRUCTION);
          return true;
        },
      );
      assert.ok((await h.rt.getAccount(registryAddress()))?.owner.equals(PROGRAM_ID), "first transaction lost");
    });
  },
  () => ({ programs: [registryProgramSpec(upgradeAuthority.publicKey)] }),
  { fresh: "test" },
);
