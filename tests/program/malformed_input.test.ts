import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Keypair, SystemProgram, Transaction, TransactionInstruction } from "@solana/web3.js";
import fc from "fast-check";
import { forEachRuntime } from "../support/for-each-runtime.js";
import {
  COMMITTED_IDL_PATH,
  defaultInitializeArgs,
  discriminator,
  initializeAccounts,
  PROGRAM_ID,
  registryClient,
  registryErrorCode,
  registryProgramSpec,
} from "../support/program.js";
import type { TestRuntime, TxResult } from "../support/types.js";

const upgradeAuthority = Keypair.generate();
const idlErrorCodes = new Set(
  (JSON.parse(readFileSync(COMMITTED_IDL_PATH, "utf8")) as { errors: { code: number }[] }).errors.map((e) => e.code),
);

function send(rt: TestRuntime, data: Buffer): Promise<TxResult> {
  const a = initializeAccounts(upgradeAuthority.publicKey);
  const ix = new TransactionInstruction({
    programId: PROGRAM_ID,
    data,
    keys: [
      { pubkey: a.registry, isSigner: false, isWritable: true },
      { pubkey: a.authority, isSigner: true, isWritable: true },
      { pubkey: a.program, isSigner: false, isWritable: false },
      { pubkey: a.programData, isSigner: false, isWritable: false },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
    ],
  });
  return rt.sendRaw(new Transaction().add(ix), [upgradeAuthority]);
}

/** A failure the program chose (a documented code), not a panic or a VM fault. */
function assertDocumentedFailure(result: TxResult, data: Buffer): void {
  assert.equal(result.ok, false, `accepted ${data.toString("hex")}`);
  const code = result.err?.code;
  assert.ok(
    code !== undefined && idlErrorCodes.has(code),
    `undocumented failure for ${data.toString("hex")}: ${result.err?.description}\n${result.logs.join("\n")}`,
  );
  assert.ok(!result.logs.some((l) => l.includes("panicked")), "the program panicked");
}

forEachRuntime(
  "malformed instruction data",
  (handle) => {
    before(async () => {
      await handle.rt.airdrop(upgradeAuthority.publicKey, 10_000_000_000n);
    });

    const valid = (): Buffer =>
      registryClient(handle.rt).coder.instruction.encode("initializeRegistry", defaultInitializeArgs());

    it("UnknownInstruction for an unknown discriminator or fewer than 8 bytes", async () => {
      for (const data of [
        Buffer.alloc(0),
        Buffer.from([1, 2, 3]),
        Buffer.alloc(8, 0xab),
        discriminator("global", "initialize"),
      ]) {
        const result = await send(handle.rt, data);
        assert.equal(result.err?.code, registryErrorCode("UnknownInstruction"), data.toString("hex"));
      }
    });

    it("InstructionDataTooShort for arguments cut at any length", async () => {
      const full = valid();
      for (const length of [8, 9, 12, 40, full.length - 1]) {
        const result = await send(handle.rt, full.subarray(0, length));
        assert.equal(result.err?.code, registryErrorCode("InstructionDataTooShort"), `cut at ${length}`);
      }
    });

    it("InstructionDataTooLong for trailing bytes", async () => {
      const result = await send(handle.rt, Buffer.concat([valid(), Buffer.from([0])]));
      assert.equal(result.err?.code, registryErrorCode("InstructionDataTooLong"));
    });

    it("InvalidUtf8 for a category name that is not UTF-8", async () => {
      const args = defaultInitializeArgs();
      args.categories = ["zz"];
      const data = registryClient(handle.rt).coder.instruction.encode("initializeRegistry", args);
      data[data.length - 1] = 0xff; // "z\xff"
      const result = await send(handle.rt, data);
      assert.equal(result.err?.code, registryErrorCode("InvalidUtf8"));
    });

    it("random bytes always fail with a documented error, never a panic", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
          const data = Buffer.from(bytes);
          assertDocumentedFailure(await send(handle.rt, data), data);
        }),
        { numRuns: 100, seed: 20261125 },
      );
    });

    it("random arguments after a valid discriminator fail with a documented error", async () => {
      const prefix = discriminator("global", "initialize_registry");
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
          const data = Buffer.concat([prefix, Buffer.from(bytes)]);
          assertDocumentedFailure(await send(handle.rt, data), data);
        }),
        { numRuns: 150, seed: 20261125 },
      );
    });

    it("mutations of a valid instruction never panic", async () => {
      const base = valid();
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 }), async (index, value) => {
          const data = Buffer.from(base);
          data[index] = value;
          const result = await send(handle.rt, data);
          // A mutation may still be a valid registry (e.g. another council key) and succeed
          // once; afterwards the registry exists. Either way: no panic, no undocumented fault.
          if (!result.ok) assertDocumentedFailure(result, data);
        }),
        { numRuns: 150, seed: 20261125 },
      );
    });
  },
  () => ({ programs: [registryProgramSpec(upgradeAuthority.publicKey)] }),
);
