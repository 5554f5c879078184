import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Keypair, type Signer, SystemProgram, Transaction, TransactionInstruction } from "@solana/web3.js";
import fc from "fast-check";
import {
  COMMITTED_IDL_PATH,
  defaultInitializeArgs,
  discriminator,
  initializeAccounts,
  PROGRAM_ID,
  registryClient,
  registryErrorCode,
} from "../../harness/program.js";
import { RegistryFixture } from "../../harness/registry-fixture.js";
import type { TestRuntime, TxResult } from "../../harness/types.js";
import { forEachRuntime, registryPrograms } from "../support/for-each-runtime.js";

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
      { pubkey: a.programData, isSigner: false, isWritable: false },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
      { pubkey: a.eventAuthority, isSigner: false, isWritable: false },
      { pubkey: a.program, isSigner: false, isWritable: false },
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
        { numRuns: 50, seed: 20261125 },
      );
    });
  },
  registryPrograms(upgradeAuthority),
);

/** A registry instruction a lifecycle sent successfully, with the keys that signed it. */
interface RecordedInstruction {
  name: string;
  ix: TransactionInstruction;
  signers: Signer[];
}

/** `rt` with every registry instruction of a successful `sendRaw` kept in `sink`. */
function recordingInstructions(rt: TestRuntime, sink: RecordedInstruction[], names: Map<string, string>): TestRuntime {
  return new Proxy(rt, {
    get(target, property, receiver) {
      if (property === "sendRaw")
        return async (tx: Transaction, signers: Signer[] = []): Promise<TxResult> => {
          const result = await target.sendRaw(tx, signers);
          if (result.ok)
            for (const ix of tx.instructions.filter((i) => i.programId.equals(PROGRAM_ID)))
              sink.push({ name: names.get(ix.data.subarray(0, 8).toString("hex")) ?? "?", ix, signers });
          return result;
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** How a valid body is corrupted (the 8-byte discriminator is always kept). */
const corruption = fc.oneof(
  fc.record({ kind: fc.constant("random body" as const), bytes: fc.uint8Array({ maxLength: 400 }) }),
  fc.record({
    kind: fc.constant("bytes changed" as const),
    changes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("extended" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);
type Corruption = typeof corruption extends fc.Arbitrary<infer T> ? T : never;

function corrupt(data: Buffer, how: Corruption): Buffer {
  const [tag, body] = [data.subarray(0, 8), Buffer.from(data.subarray(8))];
  switch (how.kind) {
    case "random body":
      return Buffer.concat([tag, Buffer.from(how.bytes)]);
    case "bytes changed":
      for (const [at, value] of how.changes) if (body.length > 0) body[at % body.length] = value;
      return Buffer.concat([tag, body]);
    case "cut":
      return Buffer.concat([tag, body.subarray(0, body.length === 0 ? 0 : how.at % body.length)]);
    case "extended":
      return Buffer.concat([tag, body, Buffer.from(how.bytes)]);
  }
}

forEachRuntime(
  "corrupted arguments behind every valid discriminator (initialized registry)",
  (h) => {
    const recorded: RecordedInstruction[] = [];
    const idl = JSON.parse(readFileSync(COMMITTED_IDL_PATH, "utf8")) as {
      instructions: { name: string; discriminator: number[] }[];
      errors: { code: number; name: string }[];
    };
    const names = new Map(idl.instructions.map((i) => [Buffer.from(i.discriminator).toString("hex"), i.name]));
    const errorNames = new Map(idl.errors.map((e) => [e.code, e.name]));

    before(async function () {
      this.timeout(120_000);
      // A lifecycle that runs every instruction once, against an initialized registry.
      const f = await RegistryFixture.create(recordingInstructions(h.rt, recorded, names), upgradeAuthority);
      const p = await f.admittedPartner();
      const guardian = await f.grantRole("guardian");
      const auditor = await f.grantRole("auditor");
      const node = await f.grantRole("reportingNode");
      f.assertOk((await f.reportDeviation(node, p.address, 0, 1_000)).result, "report_deviation");
      f.assertOk(await f.recordReview(auditor, p.address, "passed"), "record_review");
      f.assertOk(await f.guardianSuspend(guardian, p.address, "drill"), "guardian_suspend");
      await f.warp((await f.registry()).policy.guardianSuspensionSeconds);
      f.assertOk(await f.liftGuardianSuspension(guardian, p.address), "lift_guardian_suspension");
      const { result, id } = await f.propose(f.council[0]!, { addCategory: { name: "zz-fuzz" } });
      f.assertOk(result, "propose");
      f.assertOk(await f.vote("reject", f.council[1]!, id), "reject");
      f.assertOk(
        await f.cancel(f.council[0]!, (await f.propose(f.council[0]!, { addCategory: { name: "zz-c" } })).id),
        "cancel",
      );
      const policy = (await f.registry()).policy;
      await f.warp(policy.reviewIntervalSeconds + policy.reviewGraceSeconds + 1);
      f.assertOk(await f.markReviewOverdue(auditor, p.address), "mark_review_overdue");
      f.assertOk((await f.reportVersion()).result, "report_version");
      // Last: the deployer hands the upgrade authority to the council (replays then refused).
      f.assertOk(await f.handover(), "handover_upgrade_authority");
    });

    it("fail with the validation behind the dispatcher, never a panic; reports the error codes reached", async () => {
      const kinds = new Set(recorded.map((r) => r.name));
      assert.equal(kinds.size, idl.instructions.length, `every instruction recorded (got ${[...kinds].join(", ")})`);
      const reached = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...recorded), corruption, async (original, how) => {
          const data = corrupt(original.ix.data, how);
          const ix = new TransactionInstruction({ programId: PROGRAM_ID, keys: original.ix.keys, data });
          const result = await h.rt.sendRaw(new Transaction().add(ix), original.signers);
          const outcome = result.ok ? "(accepted)" : (errorNames.get(result.err?.code ?? -1) ?? "undocumented");
          reached.set(outcome, (reached.get(outcome) ?? 0) + 1);
          if (!result.ok) assertDocumentedFailure(result, data);
        }),
        { numRuns: 300, seed: 20261125 },
      );
      const report = [...reached].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ×${n}`);
      console.log(`      outcomes [${h.rt.name}]: ${report.join(", ")}`);
      assert.equal(reached.get("UnknownInstruction"), undefined, "every discriminator was valid");
      for (const validation of ["InstructionDataTooShort", "InstructionDataTooLong"])
        assert.ok(reached.has(validation), `${validation} reached`);
      assert.ok(reached.size >= 6, `at least 6 distinct outcomes (got ${reached.size})`);
    });
  },
  registryPrograms(upgradeAuthority),
);
