// The truncation attack (issue 10) on a real local chain: SPL Memo noise before `apply` and before
// the `execute` of an approved proposal pushes the registry's part of the logs past the 10 KB a
// validator keeps. The indexer reads events from inner instructions, so it still stores every
// change, its history hash chain agrees with the registry's head, and it stays healthy (no
// "history incomplete" degradation, which would fail every authorize closed). A replay of the
// transactions as getTransaction returns them reaches the on-chain head too.
import assert from "node:assert/strict";
import { Transaction } from "@solana/web3.js";
import { HistoryReplay, programEvents, recordingRuntime } from "../../harness/history.js";
import { RegistryFixture } from "../../harness/registry-fixture.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { surfnetRuntime } from "../../harness/surfnet-runtime.js";
import type { Indexer } from "../../indexer/src/indexer.js";
import { logsTruncated, noisyMemos } from "../support/noisy-logs.js";
import { caughtUp, newIndexer, tempDir } from "./support.js";

describe("log truncation on a surfnet: the indexer keeps the whole trail", function () {
  this.timeout(120_000);
  let indexer: Indexer | undefined;
  const tmp = tempDir();
  after(async () => {
    await indexer?.stop();
    tmp.remove();
  });
  const net = useRegistrySurfnet();
  const replay = new HistoryReplay();
  let f: RegistryFixture;

  before(async () => {
    f = await RegistryFixture.create(recordingRuntime(surfnetRuntime(net), replay), net.upgradeAuthority, {
      timeLockSeconds: 60,
    });
    indexer = newIndexer(net, tmp.dbPath);
    await indexer.start();
    await caughtUp(indexer, f);
  });

  it("a padded apply: truncated logs, yet the event is indexed and the indexer stays healthy", async () => {
    const authority = await f.newSigner();
    const id = (await f.registry()).partnerCount.toNumber();
    const apply = await f.applyTx(authority.publicKey, id, { legalName: "Noisy Neighbour GmbH" });
    const result = await f.send(Promise.resolve(new Transaction().add(...noisyMemos(), ...apply.instructions)), [
      authority,
    ]);
    f.assertOk(result, "padded apply");
    assert.ok(logsTruncated(result.logs), "the chain truncated the logs");
    assert.equal(programEvents(result).length, 1);

    await caughtUp(indexer!, f);
    const stored = indexer!.store.transaction(result.signature);
    assert.ok(stored, "the transaction is indexed");
    await replay.assertMatches(f.rt);
  });

  it("a padded execute of an approved proposal: the event is indexed and the hash chain agrees", async () => {
    const id = await f.approved({ addCategory: { name: "zz-noise" } });
    const executor = f.council[0]!;
    const execute = await f.executeTx(id, executor.publicKey);
    const result = await f.send(Promise.resolve(new Transaction().add(...noisyMemos(), ...execute.instructions)), [
      executor,
    ]);
    f.assertOk(result, "padded execute");
    assert.ok(logsTruncated(result.logs), "the chain truncated the logs");

    const changes = await caughtUp(indexer!, f);
    assert.equal(indexer!.status().degraded, null);
    assert.equal(indexer!.status().contiguousChangeIndex, changes);
    await replay.assertMatches(f.rt);
  });
});
