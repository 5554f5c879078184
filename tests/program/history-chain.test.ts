// The tamper-evident history: a long mixed sequence of changes (every event kind), replayed
// from the transactions' event instructions (the registry's self-CPI, an inner instruction) as an
// indexer or auditor would, must fold
// (head = sha256(head || event bytes), from 32 zero bytes) to the head and change count the
// registry stores on-chain; dropping, altering or swapping any single event breaks that.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { programEvents } from "../../harness/history.js";
import { decodeEvents } from "../../harness/idl.js";
import { extendHistory } from "../../harness/program.js";
import { addresses, DEFAULT_ENDPOINT, RegistryFixture } from "../../harness/registry-fixture.js";
import type { TestRuntime, TxResult } from "../../harness/types.js";
import { forEachRuntime, registryPrograms } from "../support/for-each-runtime.js";
import { DAY } from "../support/lifecycle.js";

const { BN } = anchor;
const upgradeAuthority = Keypair.generate();

/** `rt`, but every transaction sent through it is also appended to `sink`, in order. */
function recording(rt: TestRuntime, sink: TxResult[]): TestRuntime {
  return new Proxy(rt, {
    get(target, prop) {
      if (prop === "sendRaw") {
        return async (...args: Parameters<TestRuntime["sendRaw"]>) => {
          const result = await target.sendRaw(...args);
          sink.push(result);
          return result;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const fold = (entries: Buffer[]): Buffer =>
  entries.reduce((head, entry) => extendHistory(head, entry), Buffer.alloc(32));

forEachRuntime(
  "history hash chain",
  (h) => {
    const sent: TxResult[] = [];
    let f: RegistryFixture;
    let entries: Buffer[];

    /** Every event of the successful transactions so far, in order (what an indexer sees). */
    const replayed = (): Buffer[] => sent.filter((r) => r.ok).flatMap((r) => programEvents(r));

    /** The replay so far folds to the registry's head and count right now. */
    async function checkpoint(): Promise<void> {
      const registry = await f.registry();
      const events = replayed();
      assert.equal(registry.history.changeCount.toNumber(), events.length);
      assert.deepEqual(Buffer.from(registry.history.head), fold(events));
    }

    before(async function () {
      this.timeout(300_000);
      f = await RegistryFixture.create(recording(h.rt, sent), upgradeAuthority);
      await checkpoint();

      // Roles, an admission, and a second applicant.
      const auditor = await f.grantRole("auditor");
      const guardian = await f.grantRole("guardian");
      const nodes = [
        await f.grantRole("reportingNode"),
        await f.grantRole("reportingNode"),
        await f.grantRole("reportingNode"),
      ];
      const p = await f.admittedPartner();
      const q = await f.apply({ legalName: "Second Applicant SARL", jurisdiction: "FR" });
      f.assertOk(await f.declareEndpoint(q, DEFAULT_ENDPOINT("api.second.example")), "declare");
      await checkpoint();

      // Endpoint and key changes.
      const now = await f.now();
      const remaining = (...extra: ReturnType<typeof addresses.key>[]) => [p.address, ...extra];
      f.assertOk(
        await f.pass(
          { addEndpoint: { ...DEFAULT_ENDPOINT("edge-2.partner.example") } },
          p.address,
          remaining(addresses.endpoint(p.address, 1)),
        ),
        "add endpoint",
      );
      f.assertOk(
        await f.pass(
          { setEndpointCategories: { index: 1, categories: new BN(0b100) } },
          p.address,
          remaining(addresses.endpoint(p.address, 1)),
        ),
        "categories",
      );
      const key = (replaces: number | null) => ({
        issueKey: {
          publicKey: Array.from(Keypair.generate().publicKey.toBuffer()),
          endpoints: [0, 1],
          validFrom: new BN(now),
          validUntil: new BN(now + 365 * DAY),
          replaces,
        },
      });
      f.assertOk(await f.pass(key(null), p.address, remaining(addresses.key(p.address, 0))), "issue key");
      // A partner-requested rotation, approved by the council.
      const rotation = await f.approved(key(0), p.address, p.authority);
      f.assertOk(
        await f.execute(rotation, remaining(addresses.key(p.address, 1), addresses.key(p.address, 0))),
        "rotate key",
      );
      f.assertOk(
        await f.pass(
          { revokeKey: { index: 0, reason: { superseded: {} } } },
          p.address,
          remaining(addresses.key(p.address, 0)),
        ),
        "revoke key",
      );
      f.assertOk(
        await f.pass({ removeEndpoint: { index: 1 } }, p.address, remaining(addresses.endpoint(p.address, 1))),
        "remove endpoint",
      );
      const model = {
        allowedCategories: new BN(0b1111),
        maxRequestsPerSecond: 900,
        burst: 90,
        maxBandwidthKbps: 80_000,
      };
      f.assertOk(await f.pass({ setTrafficModel: { model } }, p.address, [p.address]), "traffic model");
      await checkpoint();

      // Failed transactions change nothing and are not part of the history.
      f.assertError(
        await f.pass({ removeEndpoint: { index: 1 } }, p.address, remaining(addresses.endpoint(p.address, 1))),
        "InvalidEndpoint",
      );
      f.assertError(await f.liftGuardianSuspension(auditor, p.address), "SuspensionNotLapsed");

      // Monitoring, guardian suspension and its ratification.
      f.assertOk(await f.recordReview(auditor, p.address, "concerns"), "review");
      f.assertOk(await f.recordReview(auditor, p.address, "passed"), "review");
      for (const node of nodes) f.assertOk((await f.reportDeviation(node, p.address, 0, 1_000)).result, "report");
      f.assertError((await f.reportDeviation(nodes[0]!, p.address, 0, 1_000)).result, "AlreadyReported");
      f.assertOk(await f.guardianSuspend(guardian, p.address, "burst over ceiling"), "guardian_suspend");
      f.assertOk(await f.pass({ suspendPartner: { reason: "ratified" } }, p.address, [p.address]), "ratify");
      f.assertOk(await f.pass({ reinstatePartner: {} }, p.address, [p.address]), "reinstate");
      f.assertOk(await f.guardianSuspend(guardian, p.address, "second incident"), "guardian_suspend");
      await f.warp(3 * DAY);
      f.assertOk(await f.liftGuardianSuspension(auditor, p.address), "lift");
      await f.warp(200 * DAY);
      f.assertOk(await f.markReviewOverdue(auditor, p.address), "mark overdue");
      f.assertOk(await f.recordReview(auditor, p.address, "passed"), "review");
      await checkpoint();

      // Proposals that never execute: cancelled and rejected.
      const cancelled = await f.propose(f.council[0]!, { addCategory: { name: "never-added" } });
      f.assertOk(cancelled.result, "propose");
      f.assertOk(await f.cancel(f.council[0]!, cancelled.id), "cancel");
      const rejected = await f.propose(f.council[1]!, { addCategory: { name: "voted-down" } });
      f.assertOk(rejected.result, "propose");
      f.assertOk(await f.vote("reject", f.council[0]!, rejected.id), "reject");
      f.assertOk(await f.vote("reject", f.council[2]!, rejected.id), "reject");

      // Governance.
      f.assertOk(await f.pass({ addCategory: { name: "dns-resolve" } }), "add category");
      f.assertOk(await f.pass({ renameCategory: { index: 4, name: "dns-query" } }), "rename category");
      const policy = { ...(await f.registry()).policy, deviationThreshold: 4 };
      f.assertOk(await f.pass({ setPolicy: { policy, timeLockSeconds: f.options.timeLockSeconds } }), "policy");
      f.assertOk(
        await f.pass({ revokeRole: { role: { guardian: {} }, holder: guardian.publicKey } }, null, [
          addresses.role("guardian", guardian.publicKey),
        ]),
        "revoke role",
      );
      const council = [f.council[1]!, await f.newSigner(), await f.newSigner(), await f.newSigner()];
      f.assertOk(await f.pass({ setCouncil: { members: council.map((k) => k.publicKey), threshold: 3 } }), "council");
      f.adoptCouncil(council, 3);

      // The new council ends both partners.
      f.assertOk(
        await f.pass({ rejectApplication: { reason: "incomplete evidence" } }, q.address, [q.address]),
        "reject application",
      );
      f.assertOk(
        await f.pass({ revokePartner: { reason: "repeated deviations" } }, p.address, [p.address]),
        "revoke partner",
      );
      // The deployer hands the program's upgrade authority to the council.
      f.assertOk(await f.handover(), "handover");
      await checkpoint();

      entries = replayed();
    });

    it("replaying every event from the logs reaches the on-chain head and change count", async () => {
      const registry = await f.registry();
      assert.ok(entries.length >= 30, `${entries.length} changes`);
      assert.equal(registry.history.changeCount.toNumber(), entries.length);
      assert.deepEqual(Buffer.from(registry.history.head), fold(entries));
      assert.ok(
        sent.some((r) => !r.ok),
        "the sequence includes failed transactions",
      );
      console.log(
        `      ${entries.length} changes in ${sent.filter((r) => r.ok).length} transactions (${sent.filter((r) => !r.ok).length} failed ones left out) [${h.rt.name}]`,
      );
    });

    it("every event decodes with Anchor's coder, every kind occurs, and change_index runs 1..N without gaps", () => {
      const events = decodeEvents(f.program, replayed());
      assert.equal(events.length, entries.length);
      let previous = { slot: 0, time: 0 };
      events.forEach((event, i) => {
        const change = (event.data as { change: { changeIndex: anchor.BN; slot: anchor.BN; unixTimestamp: anchor.BN } })
          .change;
        assert.equal(change.changeIndex.toNumber(), i + 1, `event ${i} (${event.name})`);
        assert.ok(
          change.slot.toNumber() >= previous.slot && change.unixTimestamp.toNumber() >= previous.time,
          "slots and times never go back",
        );
        previous = { slot: change.slot.toNumber(), time: change.unixTimestamp.toNumber() };
        // The parser decoded exactly the bytes that were hashed.
        const decoded = f.program.coder.events.decode(entries[i]!.toString("base64"));
        assert.equal(decoded?.name, event.name);
      });
      const kinds = new Set(events.map((e) => e.name));
      // ProgramUpgraded needs a second build of the program: program-upgrade.test.ts replays
      // the history across an upgrade.
      const elsewhere = new Set(["programUpgraded"]);
      const all = f.program.idl
        .events!.map((e) => e.name.charAt(0).toLowerCase() + e.name.slice(1))
        .filter((name) => !elsewhere.has(name));
      assert.deepEqual([...kinds].sort(), [...all].sort(), "every event kind of the IDL occurs in the sequence");
    });

    it("dropping any one event breaks the chain", async () => {
      const head = Buffer.from((await f.registry()).history.head);
      for (let i = 0; i < entries.length; i++) {
        const tampered = entries.filter((_, j) => j !== i);
        assert.notDeepEqual(fold(tampered), head, `dropping event ${i + 1}`);
      }
    });

    it("altering any one event (one bit of it) breaks the chain", async () => {
      const head = Buffer.from((await f.registry()).history.head);
      for (let i = 0; i < entries.length; i++) {
        for (const position of [0, 8, entries[i]!.length - 1]) {
          const tampered = entries.map((e) => Buffer.from(e));
          tampered[i]![position]! ^= 0x01;
          assert.notDeepEqual(fold(tampered), head, `altering byte ${position} of event ${i + 1}`);
        }
      }
    });

    it("swapping any two adjacent events breaks the chain", async () => {
      const head = Buffer.from((await f.registry()).history.head);
      for (let i = 0; i + 1 < entries.length; i++) {
        const tampered = [...entries];
        [tampered[i], tampered[i + 1]] = [tampered[i + 1]!, tampered[i]!];
        assert.notDeepEqual(fold(tampered), head, `swapping events ${i + 1} and ${i + 2}`);
      }
      // Also a distant swap: the first and the last.
      const tampered = [...entries];
      [tampered[0], tampered[tampered.length - 1]] = [tampered[tampered.length - 1]!, tampered[0]!];
      assert.notDeepEqual(fold(tampered), head);
    });
  },
  registryPrograms(upgradeAuthority),
  { readsEvents: true },
);
