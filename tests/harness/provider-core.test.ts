// Unit tests of the shared signing path, with a fake runtime so duplicates are deterministic.
import assert from "node:assert/strict";
import { Keypair, Transaction, TransactionInstruction } from "@solana/web3.js";
import { prepareTransaction, type TxEngine } from "../../harness/provider-core.js";
import { signatureOf } from "../../harness/tx-utils.js";
import type { TxResult } from "../../harness/types.js";

class FakeEngine implements TxEngine {
  readonly payer = Keypair.generate();
  readonly blockhashes = [Keypair.generate(), Keypair.generate()].map((k) => k.publicKey.toBase58());
  readonly processed = new Set<string>();
  expiries = 0;

  async latestBlockhash(): Promise<string> {
    const bh = this.blockhashes[Math.min(this.expiries, this.blockhashes.length - 1)];
    assert.ok(bh);
    return bh;
  }
  alreadyProcessed(signature: string): boolean {
    return this.processed.has(signature);
  }
  async expireBlockhash(): Promise<void> {
    this.expiries += 1;
  }
  async execute(): Promise<TxResult> {
    throw new Error("not used");
  }
}

function memoTx(): Transaction {
  const programId = Keypair.generate().publicKey;
  return new Transaction().add(new TransactionInstruction({ programId, keys: [], data: Buffer.from("x") }));
}

describe("harness: provider-core signing", () => {
  it("sets fee payer and blockhash and signs with the payer", async () => {
    const engine = new FakeEngine();
    const tx = memoTx();
    await prepareTransaction(engine, tx, []);
    assert.ok(tx.feePayer?.equals(engine.payer.publicKey));
    assert.equal(tx.recentBlockhash, engine.blockhashes[0]);
    assert.equal(tx.verifySignatures(), true);
    assert.equal(engine.expiries, 0);
  });

  it("moves to a new blockhash when the transaction would duplicate a processed one", async () => {
    const engine = new FakeEngine();
    const first = memoTx();
    await prepareTransaction(engine, first, []);
    engine.processed.add(signatureOf(first));

    // Same content again: same blockhash would give the same signature.
    const again = Transaction.populate(first.compileMessage());
    await prepareTransaction(engine, again, []);
    assert.equal(engine.expiries, 1);
    assert.equal(again.recentBlockhash, engine.blockhashes[1]);
    assert.notEqual(signatureOf(again), signatureOf(first));
    assert.equal(again.verifySignatures(), true);
  });
});
