// Every PDA kind the program creates, offered at a *valid* program address of the right seeds
// with a non-canonical bump (the next bump below the canonical one that is off the curve): a
// random address would fail for a different reason, this one only because its bump is not the
// canonical one. The program derives the canonical address itself and refuses (InvalidPda).
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair, PublicKey, type Signer, type Transaction } from "@solana/web3.js";
import { registrySeeds } from "../../app/src/sdk/pda.js";
import {
  defaultInitializeArgs,
  initializeAccounts,
  PROGRAM_ID,
  registryClient,
  registryErrorCode,
} from "../../harness/program.js";
import { addresses, DEFAULT_ENDPOINT, type PartnerHandle, RegistryFixture } from "../../harness/registry-fixture.js";
import type { TestRuntime, TxResult } from "../../harness/types.js";
import { forEachRuntime, registryPrograms } from "../support/for-each-runtime.js";
import { DAY } from "../support/lifecycle.js";

const { BN } = anchor;
const upgradeAuthority = Keypair.generate();

/** The program address of `seeds` at the highest bump below the canonical one (a valid PDA). */
export function nonCanonicalAddress(seeds: Buffer[]): PublicKey {
  const [, canonical] = PublicKey.findProgramAddressSync(seeds, PROGRAM_ID);
  for (let bump = canonical - 1; bump >= 0; bump--) {
    try {
      return PublicKey.createProgramAddressSync([...seeds, Buffer.from([bump])], PROGRAM_ID);
    } catch {
      // on the curve: not a program address, try the next bump
    }
  }
  throw new Error("no non-canonical bump for these seeds");
}

/**
 * `rt` whose next send has account `from` replaced by `to` in every instruction (the fixture
 * builds the instruction as a client would; the substitution is the attack).
 */
class SubstitutingRuntime {
  private pending: { from: PublicKey; to: PublicKey } | null = null;
  readonly rt: TestRuntime;

  constructor(inner: TestRuntime) {
    this.rt = new Proxy(inner, {
      get: (target, property, receiver) => {
        if (property === "sendRaw")
          return (tx: Transaction, signers?: Signer[]): Promise<TxResult> => target.sendRaw(this.apply(tx), signers);
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** The next transaction sent gets `from` replaced by `to`. */
  substituteOnce(from: PublicKey, to: PublicKey): void {
    this.pending = { from, to };
  }

  private apply(tx: Transaction): Transaction {
    const swap = this.pending;
    if (swap === null) return tx;
    this.pending = null;
    let replaced = 0;
    for (const ix of tx.instructions) {
      ix.keys = ix.keys.map((meta) => {
        if (!meta.pubkey.equals(swap.from)) return meta;
        replaced += 1;
        return { ...meta, pubkey: swap.to };
      });
    }
    assert.ok(replaced > 0, `the transaction does not use ${swap.from.toBase58()}`);
    return tx;
  }
}

forEachRuntime(
  "non-canonical bumps for every PDA kind (InvalidPda)",
  (h) => {
    let sub: SubstitutingRuntime;
    let f: RegistryFixture;
    let p: PartnerHandle;

    it("registry ['registry']", async () => {
      await h.rt.airdrop(upgradeAuthority.publicKey, 10_000_000_000n);
      const args = defaultInitializeArgs();
      const tx = await registryClient(h.rt)
        .methods.initializeRegistry(args.council, args.threshold, args.timeLockSeconds, args.policy, args.categories)
        .accountsStrict({
          ...initializeAccounts(upgradeAuthority.publicKey),
          registry: nonCanonicalAddress(registrySeeds.registry()),
        })
        .transaction();
      const result = await h.rt.sendRaw(tx, [upgradeAuthority]);
      assert.equal(result.ok, false);
      assert.equal(result.err?.code, registryErrorCode("InvalidPda"), `${result.err?.description}`);

      sub = new SubstitutingRuntime(h.rt);
      f = await RegistryFixture.create(sub.rt, upgradeAuthority);
      p = await f.admittedPartner();
    });

    it("partner ['partner', id]", async () => {
      const authority = await f.newSigner();
      const id = (await f.registry()).partnerCount.toNumber();
      sub.substituteOnce(addresses.partner(id), nonCanonicalAddress(registrySeeds.partner(id)));
      f.assertError(await f.send(f.applyTx(authority.publicKey, id), [authority]), "InvalidPda");
    });

    it("endpoint ['endpoint', partner, index]", async () => {
      const next = (await f.partner(p.address)).nextEndpointIndex;
      // An admitted partner's endpoints come through an executed AddEndpoint proposal.
      const id = await f.approved({ addEndpoint: { ...DEFAULT_ENDPOINT("bump.example") } }, p.address);
      sub.substituteOnce(
        addresses.endpoint(p.address, next),
        nonCanonicalAddress(registrySeeds.endpoint(p.address, next)),
      );
      f.assertError(await f.execute(id, [p.address, addresses.endpoint(p.address, next)]), "InvalidPda");
    });

    it("key ['key', partner, index]", async () => {
      const now = await f.now();
      const id = await f.approved(
        {
          issueKey: {
            publicKey: Array.from(Keypair.generate().publicKey.toBuffer()),
            endpoints: [],
            validFrom: new BN(now),
            validUntil: new BN(now + 30 * DAY),
            replaces: null,
          },
        },
        p.address,
      );
      const next = (await f.partner(p.address)).nextKeyIndex;
      sub.substituteOnce(addresses.key(p.address, next), nonCanonicalAddress(registrySeeds.key(p.address, next)));
      f.assertError(await f.execute(id, [p.address, addresses.key(p.address, next)]), "InvalidPda");
    });

    it("proposal ['proposal', id]", async () => {
      const id = (await f.registry()).proposalCount.toNumber();
      sub.substituteOnce(addresses.proposal(id), nonCanonicalAddress(registrySeeds.proposal(id)));
      const { result } = await f.propose(f.council[0]!, { addCategory: { name: "zz-bump" } });
      f.assertError(result, "InvalidPda");
    });

    it("role ['role', role, holder]", async () => {
      const holder = Keypair.generate().publicKey;
      const id = await f.approved({ grantRole: { role: { auditor: {} }, holder } });
      sub.substituteOnce(addresses.role("auditor", holder), nonCanonicalAddress(registrySeeds.role("auditor", holder)));
      f.assertError(await f.execute(id, [addresses.role("auditor", holder)]), "InvalidPda");
    });

    it("deviation report ['deviation', partner, reporter, window_start]", async () => {
      const node = await f.grantRole("reportingNode");
      const windowStart = await f.deviationWindowStart(p.address);
      const canonical = addresses.deviation(p.address, node.publicKey, windowStart);
      sub.substituteOnce(
        canonical,
        nonCanonicalAddress(registrySeeds.deviation(p.address, node.publicKey, windowStart)),
      );
      const { result } = await f.reportDeviation(node, p.address, 0, 1_000, { report: canonical });
      f.assertError(result, "InvalidPda");
    });
  },
  registryPrograms(upgradeAuthority),
);
