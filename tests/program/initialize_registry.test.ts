import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair, PublicKey, SystemProgram, Transaction, TransactionInstruction } from "@solana/web3.js";
import { programEvents, reportsEvents } from "../../harness/history.js";
import { decodeEvents } from "../../harness/idl.js";
import { rentExemptLamports } from "../../harness/loader.js";
import {
  defaultInitializeArgs,
  discriminator,
  expectRegistryError,
  extendHistory,
  type InitializeArgs,
  initializeAccounts,
  PROGRAM_ID,
  registryAddress,
  registryClient,
} from "../../harness/program.js";
import type { TestRuntime, TxResult } from "../../harness/types.js";
import { forEachRuntime, registryPrograms } from "../support/for-each-runtime.js";

const { BN } = anchor;

/** The initialize_registry transaction, built by Anchor's client from the IDL. */
function initializeTransaction(rt: TestRuntime, authority: PublicKey, args: InitializeArgs): Promise<Transaction> {
  return registryClient(rt)
    .methods.initializeRegistry(args.council, args.threshold, args.timeLockSeconds, args.policy, args.categories)
    .accountsStrict(initializeAccounts(authority))
    .transaction();
}

/** Sends initialize_registry through Anchor's `rpc()` (throws on failure). */
function initializeRpc(rt: TestRuntime, authority: Keypair, args: InitializeArgs): Promise<string> {
  return registryClient(rt)
    .methods.initializeRegistry(args.council, args.threshold, args.timeLockSeconds, args.policy, args.categories)
    .accountsStrict(initializeAccounts(authority.publicKey))
    .signers([authority])
    .rpc();
}

const upgradeAuthority = Keypair.generate();

forEachRuntime(
  "initialize_registry",
  (handle) => {
    let created: TxResult;
    let args: InitializeArgs;

    before(async () => {
      await handle.rt.airdrop(upgradeAuthority.publicKey, 10_000_000_000n);
    });

    it("is refused to anyone but the program's upgrade authority", async () => {
      const impostor = Keypair.generate();
      await handle.rt.airdrop(impostor.publicKey, 10_000_000_000n);
      await expectRegistryError(initializeRpc(handle.rt, impostor, defaultInitializeArgs()), "NotUpgradeAuthority");
    });

    it("creates the registry from the upgrade authority's arguments", async () => {
      const rt = handle.rt;
      args = defaultInitializeArgs();
      const clock = await rt.getClock();
      created = await rt.sendRaw(await initializeTransaction(rt, upgradeAuthority.publicKey, args), [upgradeAuthority]);
      assert.ok(created.ok, `failed: ${created.err}\n${created.logs.join("\n")}`);
      console.log(`      initialize_registry: ${created.computeUnits} CU [${rt.name}]`);
      // Budgets are reported by bench/, not asserted here.
      assert.ok(created.computeUnits > 0);

      const registry = await registryClient(rt).account.registry.fetch(registryAddress());
      assert.equal(registry.layoutVersion, 1);
      assert.equal(registry.bump, PublicKey.findProgramAddressSync([Buffer.from("registry")], PROGRAM_ID)[1]);
      assert.equal(registry.threshold, args.threshold);
      assert.equal(registry.councilLen, args.council.length);
      assert.equal(registry.councilEpoch, 1);
      assert.equal(registry.timeLockSeconds, args.timeLockSeconds);
      assert.ok(registry.initializedBy.equals(upgradeAuthority.publicKey));
      assert.deepEqual(registry.council.slice(0, args.council.length).map(String), args.council.map(String));
      assert.ok(registry.council.slice(args.council.length).every((k) => k.equals(PublicKey.default)));
      assert.deepEqual(registry.policy, args.policy);
      assert.equal(registry.categoryCount, args.categories.length);
      const names = registry.categories.map(fixedText);
      assert.deepEqual(names.slice(0, args.categories.length), args.categories);
      assert.ok(names.slice(args.categories.length).every((n) => n === ""));
      assert.ok(registry.partnerCount.eq(new BN(0)));
      assert.ok(registry.proposalCount.eq(new BN(0)));
      assert.ok(registry.history.changeCount.eq(new BN(1)));
      assert.ok(registry.createdAt.eq(new BN(clock.unixTimestamp.toString())));
      assert.deepEqual(registry.reserved, new Array(60).fill(0));

      const account = await rt.getAccount(registryAddress());
      assert.ok(account);
      assert.ok(account.owner.equals(PROGRAM_ID));
      assert.equal(account.lamports, rentExemptLamports(account.data.length));
      assert.deepEqual(account.data.subarray(0, 8), discriminator("account", "Registry"));
    });

    it("emits RegistryInitialized, and the history head is sha256(zero head || event)", async function () {
      const rt = handle.rt;
      // Events are inner instructions, which bankrun does not report.
      if (!reportsEvents(rt.name)) this.skip();
      const program = registryClient(rt);
      const entries = programEvents(created);
      assert.equal(entries.length, 1);
      const [event] = decodeEvents(program, entries);
      assert.equal(event?.name, "registryInitialized");
      const data = event?.data as {
        change: { changeIndex: anchor.BN; slot: anchor.BN; unixTimestamp: anchor.BN };
        authority: PublicKey;
        council: PublicKey[];
        threshold: number;
        councilEpoch: number;
        timeLockSeconds: number;
        policy: unknown;
        categories: string[];
      };
      const registry = await program.account.registry.fetch(registryAddress());
      assert.ok(data.change.changeIndex.eq(new BN(1)));
      assert.ok(data.change.unixTimestamp.eq(registry.createdAt));
      assert.ok(data.authority.equals(upgradeAuthority.publicKey));
      assert.deepEqual(data.council.map(String), args.council.map(String));
      assert.equal(data.threshold, args.threshold);
      assert.equal(data.councilEpoch, 1);
      assert.equal(data.timeLockSeconds, args.timeLockSeconds);
      assert.deepEqual(data.policy, args.policy);
      assert.deepEqual(data.categories, args.categories);

      assert.deepEqual(Buffer.from(registry.history.head), extendHistory(Buffer.alloc(32), entries[0] as Buffer));
    });

    it("cannot be initialized a second time", async () => {
      await expectRegistryError(
        initializeRpc(handle.rt, upgradeAuthority, defaultInitializeArgs()),
        "AlreadyInitialized",
      );
    });
  },
  registryPrograms(upgradeAuthority),
);

/** Sends initialize_registry as a raw instruction: custom data and account metas. */
function rawInitialize(rt: TestRuntime, data: Buffer, keys: TransactionInstruction["keys"], signers: Keypair[]) {
  const ix = new TransactionInstruction({ programId: PROGRAM_ID, data, keys });
  return rt.sendRaw(new Transaction().add(ix), signers);
}

function initializeMetas(
  authority: PublicKey,
  overrides: Partial<Record<keyof ReturnType<typeof initializeAccounts>, PublicKey>> = {},
) {
  const a = { ...initializeAccounts(authority), ...overrides };
  return [
    { pubkey: a.registry, isSigner: false, isWritable: true },
    { pubkey: a.authority, isSigner: true, isWritable: true },
    { pubkey: a.programData, isSigner: false, isWritable: false },
    { pubkey: a.systemProgram, isSigner: false, isWritable: false },
    { pubkey: a.eventAuthority, isSigner: false, isWritable: false },
    { pubkey: a.program, isSigner: false, isWritable: false },
  ];
}

forEachRuntime(
  "initialize_registry rejects",
  (handle) => {
    before(async () => {
      await handle.rt.airdrop(upgradeAuthority.publicKey, 10_000_000_000n);
    });

    const rejects = (name: string, mutate: (args: InitializeArgs) => void) =>
      it(`${name} arguments`, async () => {
        const args = defaultInitializeArgs();
        mutate(args);
        await expectRegistryError(initializeRpc(handle.rt, upgradeAuthority, args), name);
      });

    rejects("CouncilEmpty", (a) => (a.council = []));
    rejects("DuplicateCouncilMember", (a) => (a.council = [a.council[0] as PublicKey, a.council[0] as PublicKey]));
    rejects("InvalidCouncilMember", (a) => (a.council = [PublicKey.default]));
    rejects("InvalidThreshold", (a) => (a.threshold = 0));
    rejects("ListTooLong", (a) => (a.council = Array.from({ length: 17 }, () => Keypair.generate().publicKey)));
    rejects("InvalidPolicy", (a) => (a.policy.reviewIntervalSeconds = 0));
    rejects("CategoriesNotAscending", (a) => (a.categories = ["b", "a"]));
    rejects("InvalidCategoryName", (a) => (a.categories = [""]));
    rejects("StringTooLong", (a) => (a.categories = ["x".repeat(32)]));

    it("InvalidThreshold above the council size", async () => {
      const args = defaultInitializeArgs();
      args.threshold = args.council.length + 1;
      await expectRegistryError(initializeRpc(handle.rt, upgradeAuthority, args), "InvalidThreshold");
    });

    it("InvalidPolicy for a time lock over 30 days", async () => {
      const args = defaultInitializeArgs();
      args.timeLockSeconds = 30 * 86_400 + 1;
      await expectRegistryError(initializeRpc(handle.rt, upgradeAuthority, args), "InvalidPolicy");
    });

    it("MissingSignature when the authority did not sign", async () => {
      const rt = handle.rt;
      const data = registryClient(rt).coder.instruction.encode("initializeRegistry", defaultInitializeArgs());
      const metas = initializeMetas(upgradeAuthority.publicKey);
      (metas[1] as { isSigner: boolean }).isSigner = false;
      const result = await rawInitialize(rt, data, metas, []);
      assert.equal(result.err?.code, codeOf("MissingSignature"));
    });

    it("AccountNotWritable when the registry is passed read-only", async () => {
      const rt = handle.rt;
      const data = registryClient(rt).coder.instruction.encode("initializeRegistry", defaultInitializeArgs());
      const metas = initializeMetas(upgradeAuthority.publicKey);
      (metas[0] as { isWritable: boolean }).isWritable = false;
      const result = await rawInitialize(rt, data, metas, [upgradeAuthority]);
      assert.equal(result.err?.code, codeOf("AccountNotWritable"));
    });

    it("InvalidPda when the registry account is not the canonical PDA", async () => {
      const rt = handle.rt;
      const data = registryClient(rt).coder.instruction.encode("initializeRegistry", defaultInitializeArgs());
      const result = await rawInitialize(
        rt,
        data,
        initializeMetas(upgradeAuthority.publicKey, { registry: Keypair.generate().publicKey }),
        [upgradeAuthority],
      );
      assert.equal(result.err?.code, codeOf("InvalidPda"));
    });

    it("UnexpectedAccountAddress for a substituted system program or program account", async () => {
      const rt = handle.rt;
      const data = registryClient(rt).coder.instruction.encode("initializeRegistry", defaultInitializeArgs());
      for (const override of [
        { systemProgram: Keypair.generate().publicKey },
        { program: Keypair.generate().publicKey },
      ]) {
        const result = await rawInitialize(rt, data, initializeMetas(upgradeAuthority.publicKey, override), [
          upgradeAuthority,
        ]);
        assert.equal(result.err?.code, codeOf("UnexpectedAccountAddress"));
      }
    });

    it("InvalidAccountOwner when program_data is not owned by the upgradeable loader", async () => {
      const rt = handle.rt;
      const fake = Keypair.generate().publicKey;
      const real = await rt.getAccount(initializeAccounts(upgradeAuthority.publicKey).programData);
      assert.ok(real);
      // Same bytes (naming our authority), but owned by the System program.
      await rt.setAccount(fake, { ...real, owner: SystemProgram.programId, executable: false });
      const data = registryClient(rt).coder.instruction.encode("initializeRegistry", defaultInitializeArgs());
      const result = await rawInitialize(rt, data, initializeMetas(upgradeAuthority.publicKey, { programData: fake }), [
        upgradeAuthority,
      ]);
      assert.equal(result.err?.code, codeOf("InvalidAccountOwner"));
    });

    it("InvalidProgramData for a loader-owned account that is not this program's ProgramData", async () => {
      const rt = handle.rt;
      const fake = Keypair.generate().publicKey;
      const real = await rt.getAccount(initializeAccounts(upgradeAuthority.publicKey).programData);
      assert.ok(real);
      // A perfect copy at another address: the program account does not point at it.
      await rt.setAccount(fake, { ...real, executable: false });
      const data = registryClient(rt).coder.instruction.encode("initializeRegistry", defaultInitializeArgs());
      const result = await rawInitialize(rt, data, initializeMetas(upgradeAuthority.publicKey, { programData: fake }), [
        upgradeAuthority,
      ]);
      assert.equal(result.err?.code, codeOf("InvalidProgramData"));
    });

    it("MissingAccounts when accounts are left out", async () => {
      const rt = handle.rt;
      const data = registryClient(rt).coder.instruction.encode("initializeRegistry", defaultInitializeArgs());
      const result = await rawInitialize(rt, data, initializeMetas(upgradeAuthority.publicKey).slice(0, 4), [
        upgradeAuthority,
      ]);
      assert.equal(result.err?.code, codeOf("MissingAccounts"));
    });
  },
  registryPrograms(upgradeAuthority),
);

import { fixedText } from "../../app/src/sdk/fixed-text.js";
import { registryErrorCode as codeOf } from "../../harness/program.js";
