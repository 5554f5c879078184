// The truncation attack (issue 10) on a real local chain: SPL Memo noise before `apply` and before
// the `execute` of an approved proposal pushes the registry's part of the logs past the 10 KB a
// validator keeps. The indexer reads events from inner instructions, so it still stores every
// change, its history hash chain agrees with the registry's head, and it stays healthy (no
// "history incomplete" degradation, which would fail every authorize closed). A replay of the
// transactions as getTransaction returns them reaches the on-chain head too.
import assert from "node:assert/strict";
import { HistoryReplay, programEvents, recordingRuntime } from "../../harness/history.js";
import { RegistryFixture } from "../../harness/registry-fixture.js";
import { surfnetRuntime } from "../../harness/surfnet-runtime.js";
import type { Indexer } from "../../indexer/src/indexer.js";
import { logsTruncated, paddedApply, paddedExecute } from "../support/noisy-logs.js";
import { caughtUp, newIndexer, useIndexerSurfnet } from "./support.js";

describe("log truncation on a surfnet: the indexer keeps the whole trail", function () {
  this.timeout(120_000);
  let indexer: Indexer | undefined;
  const { net, tmp } = useIndexerSurfnet(() => indexer?.stop());
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
    const { result } = await paddedApply(f);
    assert.ok(logsTruncated(result.logs), "the chain truncated the logs");
    assert.equal(programEvents(result).length, 1);

    await caughtUp(indexer!, f);
    const stored = indexer!.store.transaction(result.signature);
    assert.ok(stored, "the transaction is indexed");
    await replay.assertMatches(f.rt);
  });

  it("a padded execute of an approved proposal: the event is indexed and the hash chain agrees", async () => {
    const { result } = await paddedExecute(f);
    assert.ok(logsTruncated(result.logs), "the chain truncated the logs");

    const changes = await caughtUp(indexer!, f);
    assert.equal(indexer!.status().degraded, null);
    assert.equal(indexer!.status().contiguousChangeIndex, changes);
    await replay.assertMatches(f.rt);
  });
});
