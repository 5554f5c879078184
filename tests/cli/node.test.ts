// `lume node verify` and `lume node watch`, run as a person runs them (a child process of
// app/src/cli/lume.ts) against a private surfnet with the registry, the indexer on a SQLite file
// and its GraphQL server on an ephemeral port: verdicts over RPC and from the indexer, exit
// codes, bad input, and a watch that prints changes as they land, survives the indexer's
// server going away and stops on SIGINT.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Keypair } from "@solana/web3.js";
import type { PartnerHandle, RegistryFixture } from "../../harness/registry-fixture.js";
import type { ApiServer } from "../../indexer/src/api/server.js";
import type { Indexer } from "../../indexer/src/indexer.js";
import type { HistoryEvent } from "../indexer/graphql-schema.js";
import {
  closedPort,
  newIndexer,
  revokeKey,
  setTrafficModel,
  signedRequest,
  startApiServer,
  surfnetFixture,
  until,
  useIndexerSurfnet,
} from "../indexer/support.js";
import { RunningScript, runScript, type ScriptResult } from "../support/scripts.js";

const LUME = "app/src/cli/lume.ts";

/** No stack trace: no "    at fn (file:line)" lines. */
function assertNoStack(result: { stdout: string; stderr: string }): void {
  assert.doesNotMatch(result.stdout + result.stderr, /^\s+at .+:\d+/m, `a stack trace was printed:\n${result.stderr}`);
}

/** Asserts `run` exited 1 saying the indexer at `port` refused the connection. */
function assertIndexerRefused(run: ScriptResult, port: number): void {
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    new RegExp(
      `^error: cannot reach the indexer at http://127\\.0\\.0\\.1:${port}/graphql: ECONNREFUSED\\. Is the indexer running`,
      "m",
    ),
  );
}

/** What `lume node watch --json` prints, one object per line (app/src/cli/lume/node-watch.ts). */
type WatchLine =
  | { type: "connected"; indexer: string; after: number }
  | { type: "reconnected"; indexer: string; after: number; lostSince: string | null }
  | { type: "disconnected"; reason: string; retryInMs: number; after: number }
  | { type: "degraded"; reason: string }
  | ({ type: "change" } & Pick<
      HistoryEvent,
      "changeIndex" | "slot" | "signature" | "blockTime" | "name" | "partner" | "data"
    >);

/** The JSON objects of a --json watch, one per line. */
function jsonLines(stdout: string): WatchLine[] {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as WatchLine);
}

describe("lume node (surfnet, indexer, GraphQL over HTTP and WebSocket)", function () {
  this.timeout(240_000);
  const watches: RunningScript[] = [];
  const { net, tmp } = useIndexerSurfnet(async () => {
    for (const w of watches) await w.stop("SIGKILL", 5_000);
    await api?.close().catch(() => undefined); // already closed if the reconnect test failed midway
    await indexer?.stop();
  });
  let f: RegistryFixture;
  let indexer: Indexer;
  let api: ApiServer;
  let alpha: PartnerHandle;
  // alpha's key 0 stays active, key 1 is revoked in `before`.
  const keys = [Keypair.generate(), Keypair.generate()];

  /** `lume` with the surfnet's endpoints, as a child process. */
  const lume = (...args: string[]): Promise<ScriptResult> =>
    runScript(LUME, ["--url", net.surfnet.rpcUrl, "--ws-url", net.surfnet.wsUrl, ...args]);
  /** A request of alpha signed with its key `index`, at the wall clock (the node checks at its own clock). */
  const request = (index: number): Buffer => signedRequest(alpha, keys[index]!, index);
  const onChainChanges = async (): Promise<number> => Number((await f.registry()).history.changeCount);
  const indexed = async (): Promise<void> => {
    const expected = await onChainChanges();
    await until(`the index to hold ${expected} changes`, () => indexer.store.contiguousChangeIndex() === expected);
  };

  before(async function () {
    this.timeout(240_000);
    f = await surfnetFixture(net);
    alpha = await f.admittedPartner();
    for (const [index, key] of keys.entries()) await f.issueKeyValidNow(alpha.address, key, index);
    await revokeKey(f, alpha, 1);
    indexer = newIndexer(net, tmp.dbPath);
    api = await startApiServer(indexer, { port: 0 });
    await indexer.start();
    await indexed();
  });

  describe("verify", () => {
    it("over RPC: an active key's envelope (hex) is allowed, exit 0, with the partner, endpoint and key in words", async () => {
      const run = await lume("node", "verify", request(0).toString("hex"));
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /^allowed: request allowed$/m);
      assert.match(
        run.stdout,
        new RegExp(`^  partner  ${alpha.id} Partner ${alpha.id} GmbH, active \\(${alpha.address.toBase58()}\\)$`, "m"),
      );
      assert.match(run.stdout, /^ {2}endpoint 0 https:\/\/api\.partner\.example:443, active$/m);
      assert.match(run.stdout, new RegExp(`^  key      0 ${keys[0]!.publicKey.toBase58()}, active, valid `, "m"));
      assert.match(
        run.stdout,
        new RegExp(
          `^  snapshot RPC ${net.surfnet.rpcUrl.replace(/[.]/g, "\\.")}, slot \\d+, ${await onChainChanges()} changes$`,
          "m",
        ),
      );
      assert.equal(run.stderr.trim(), "");
    });

    it("over RPC: a revoked key's envelope (base64) is refused with the reason, exit 1, no error line; --json too", async () => {
      const run = await lume("node", "verify", request(1).toString("base64"));
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(
        run.stdout,
        new RegExp(`^refused \\(key_revoked\\): key 1 of partner ${alpha.id} was revoked$`, "m"),
      );
      assert.match(run.stdout, /^ {2}key {6}1 \S+, revoked, /m);
      assert.equal(run.stderr.trim(), "", "a refusal is an answer, not an error");
      const json = await lume("--json", "node", "verify", request(1).toString("base64url"));
      assert.equal(json.code, 1, json.stderr);
      const report = JSON.parse(json.stdout);
      assert.deepEqual(
        [report.allowed, report.reason, report.key.status, report.partner.address, report.envelope.keyIndex],
        [false, "key_revoked", "revoked", alpha.address.toBase58(), 1],
      );
    });

    it("--indexer: the same verdicts from the indexer's snapshot (@file with the raw bytes, --json)", async () => {
      const file = join(tmp.dir, "request.bin");
      writeFileSync(file, request(0));
      const good = await lume("--json", "node", "verify", `@${file}`, "--indexer", api.url);
      assert.equal(good.code, 0, good.stdout + good.stderr);
      const allowed = JSON.parse(good.stdout);
      assert.deepEqual(
        [allowed.allowed, allowed.reason, allowed.snapshot.source],
        [true, "allowed", `indexer ${api.url}`],
      );
      assert.equal(allowed.snapshot.changeCount, await onChainChanges());
      const revoked = await lume("node", "verify", request(1).toString("hex"), "--indexer", api.url);
      assert.equal(revoked.code, 1, revoked.stdout + revoked.stderr);
      assert.match(revoked.stdout, /^refused \(key_revoked\): key 1 of partner \d+ was revoked$/m);
      assert.match(revoked.stdout, /^ {2}snapshot indexer http:\/\/127\.0\.0\.1:\d+\/graphql, /m);
    });

    it("--indexer: a degraded indexer gives no verdict (its snapshot may miss a revocation): exit 1, why", async () => {
      // The indexer's own switch, as its source flips it when the chain's stream is lost (a
      // source-reported fault would be repaired within a second; a closed stream stays until it reopens).
      indexer.streamClosed("account stream lost (test)");
      try {
        const run = await lume("node", "verify", request(0).toString("hex"), "--indexer", api.url);
        assert.equal(run.code, 1, run.stdout + run.stderr);
        assert.equal(run.stdout.trim(), "");
        assert.match(
          run.stderr,
          /^error: the indexer at http:\/\/\S+ is degraded \(account stream lost \(test\)\): its snapshot may miss changes, so no verdict\. Retry later, or verify over RPC \(without --indexer\)$/m,
        );
        assertNoStack(run);
      } finally {
        indexer.streamClosed(null);
      }
    });

    it("garbage, a wrong length, a missing file, an unreachable indexer: exit 1, a clear message, no stack trace", async () => {
      const garbage = await lume("node", "verify", "this is not an envelope!");
      assert.equal(garbage.code, 1);
      assert.match(
        garbage.stderr,
        /^error: the envelope "this is not an envelope!" is not hex \(268 digits\), base64, or @file with the raw 134 bytes$/m,
      );
      assertNoStack(garbage);
      // Hex, but not 134 bytes: the verifier's own verdict.
      const short = await lume("node", "verify", "01abcdef");
      assert.equal(short.code, 1);
      assert.match(short.stdout, /^refused \(malformed\): a version-1 envelope is 134 bytes, got 4$/m);
      const missing = await lume("node", "verify", `@${join(tmp.dir, "nope.bin")}`);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^error: cannot read the envelope file .*nope\.bin: ENOENT$/m);
      const port = await closedPort();
      const gone = await lume(
        "node",
        "verify",
        request(0).toString("hex"),
        "--indexer",
        `http://127.0.0.1:${port}/graphql`,
      );
      assertIndexerRefused(gone, port);
      for (const run of [missing, gone]) assertNoStack(run);
    });
  });

  describe("watch", () => {
    it("prints the changes made while it runs, one line each, and exits 0 on SIGINT", async () => {
      const watch = RunningScript.start(LUME, ["node", "watch", "--indexer", api.url]);
      watches.push(watch);
      await watch.waitForOutput("(Ctrl-C to stop)", 30_000);
      assert.match(
        watch.stdout,
        new RegExp(
          `^watching registry changes at ws://127\\.0\\.0\\.1:\\d+/graphql after change #${await onChainChanges()} `,
          "m",
        ),
      );
      const newcomer = await f.apply({ legalName: "Watched Oy", jurisdiction: "FI" });
      const index = await onChainChanges();
      await watch.waitForOutput(`#${index} `, 20_000);
      assert.match(
        watch.stdout,
        new RegExp(
          // A real date: surfpool's getTransaction blockTime (Unix time / 1000) once printed 1970.
          `^#${index} slot \\d+ 20\\d\\d-\\d\\d-\\d\\dT\\S+Z  partner applied  partner ${newcomer.address.toBase58()}  tx \\w+$`,
          "m",
        ),
      );
      const result = await watch.stop("SIGINT");
      assert.deepEqual([result.code, result.signal], [0, null], result.stderr);
      assert.match(result.stdout, /^stopped \(SIGINT\)$/m);
      // Only the new change: nothing from before the watch started.
      assert.equal(result.stdout.split("\n").filter((l) => l.startsWith("#")).length, 1);
      assertNoStack(result);
    });

    it("--json --from 0 --partner: one JSON object per line, that partner's history replayed, then its live changes", async () => {
      const watch = RunningScript.start(LUME, [
        "--json",
        "node",
        "watch",
        "--indexer",
        api.url,
        "--from",
        "0",
        "--partner",
        String(alpha.id),
      ]);
      watches.push(watch);
      await watch.waitForOutput('"type":"connected"', 30_000);
      // A change of another partner, then one of alpha's: only alpha's is printed.
      await f.apply({ legalName: "Someone Else BV", jurisdiction: "NL" });
      await setTrafficModel(f, alpha);
      const last = await onChainChanges();
      await until(
        "the live change",
        () => jsonLines(watch.stdout).some((l) => l.type === "change" && l.changeIndex === last),
        20_000,
      );
      const result = await watch.stop("SIGINT");
      assert.equal(result.code, 0, result.stderr);
      const lines = jsonLines(result.stdout);
      assert.deepEqual(lines[0], { type: "connected", indexer: api.wsUrl, after: 0 });
      const changes = lines.filter((l) => l.type === "change");
      assert.ok(changes.length >= 5, `alpha's history: ${changes.map((c) => c.name).join(", ")}`);
      assert.ok(changes.every((c) => c.partner === alpha.address.toBase58()));
      assert.equal(changes[0]!.name, "partnerApplied");
      assert.ok(changes.some((c) => c.name === "keyRevoked" && c.data?.index === 1));
      assert.equal(changes.at(-1)!.changeIndex, last);
      // In change order, each once.
      const indices = changes.map((c) => c.changeIndex);
      assert.deepEqual(
        indices,
        [...new Set(indices)].sort((a, b) => a - b),
      );
    });

    it("says when the connection drops and comes back, and resumes without a gap", async () => {
      const watch = RunningScript.start(LUME, ["node", "watch", "--indexer", api.url]);
      watches.push(watch);
      await watch.waitForOutput("(Ctrl-C to stop)", 30_000);
      // One change seen live before the drop: the watch must resume after it, not before.
      await f.apply({ legalName: "Before Drop AS", jurisdiction: "NO" });
      const seen = await onChainChanges();
      await watch.waitForOutput(`#${seen} `, 20_000);
      const port = api.port;
      await api.close();
      await watch.waitForOutput("connection lost (", 10_000);
      // A change while the watch is cut off: printed once it is back.
      await f.apply({ legalName: "While Away AB", jurisdiction: "SE" });
      const missed = await onChainChanges();
      await indexed();
      api = await startApiServer(indexer, { port });
      await watch.waitForOutput("reconnected to ", 30_000);
      await watch.waitForOutput(`#${missed} `, 20_000);
      const result = await watch.stop("SIGINT");
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^connection lost \(.+\); reconnecting in \d+ ms$/m);
      assert.match(result.stdout, new RegExp(`^reconnected to ws://\\S+; resuming after change #${seen}$`, "m"));
      // Each change exactly once, in order: the one seen before the drop and the one made while cut off.
      const printed = result.stdout
        .split("\n")
        .filter((l) => l.startsWith("#"))
        .map((l) => Number(/^#(\d+) /.exec(l)![1]));
      assert.deepEqual(printed, [seen, missed]);
      assert.match(result.stdout, new RegExp(`^#${missed} slot \\d+ .* partner applied `, "m"));
    });

    it("an unreachable indexer or a bad URL at start: exit 1 with a clear message, not a hang", async () => {
      const started = Date.now();
      const port = await closedPort();
      const gone = await lume("node", "watch", "--indexer", `http://127.0.0.1:${port}/graphql`);
      assertIndexerRefused(gone, port);
      const bad = await lume("node", "watch", "--indexer", "not a url");
      assert.equal(bad.code, 1);
      assert.match(
        bad.stderr,
        /^error: --indexer must be the indexer's GraphQL URL, e\.g\. http:\/\/127\.0\.0\.1:4000\/graphql, got "not a url"$/m,
      );
      const missing = await lume("node", "watch");
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /required option '--indexer <graphql-url>' not specified/);
      assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
      for (const run of [gone, bad, missing]) assertNoStack(run);
    });
  });
});
