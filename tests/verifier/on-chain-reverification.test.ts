// The request verifier on snapshots of accounts the real program wrote (both runtimes): an
// endpoint the council adds after admission is refused as pending audit until a technical
// auditor attests the endpoint set that contains it, and a re-verification still pending at its
// deadline makes the partner overdue for nodes before anyone runs the crank.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import {
  type RegistrySnapshot,
  SNAPSHOT_FORMAT_VERSION,
  snapshotEndpoint,
  snapshotKey,
  snapshotPartner,
} from "../../app/src/sdk/snapshot.js";
import { signEnvelope } from "../../app/src/verifier/envelope.js";
import { RequestVerifier } from "../../app/src/verifier/verifier.js";
import { addresses, DEFAULT_ENDPOINT, type PartnerHandle, RegistryFixture } from "../../harness/registry-fixture.js";
import { forEachRuntime, registryPrograms } from "../support/for-each-runtime.js";
import { DAY } from "../support/lifecycle.js";

const { BN } = anchor;
const upgradeAuthority = Keypair.generate();

forEachRuntime(
  "verifier on the program's accounts: re-verification",
  (h) => {
    let f: RegistryFixture;
    let technical: Keypair;
    let p: PartnerHandle;
    const infraKey = Keypair.generate();

    /** The registry snapshot of partner `p`, mapped by the SDK from the accounts as stored. */
    async function snapshot(): Promise<RegistrySnapshot> {
      const partner = snapshotPartner(p.address, await f.partner(p.address));
      const data = await f.partner(p.address);
      for (let i = 0; i < data.nextEndpointIndex; i++)
        partner.endpoints.push(snapshotEndpoint(addresses.endpoint(p.address, i), await f.endpoint(p.address, i)));
      for (let i = 0; i < data.nextKeyIndex; i++)
        partner.keys.push(snapshotKey(addresses.key(p.address, i), await f.key(p.address, i)));
      const registry = await f.registry();
      return {
        formatVersion: SNAPSHOT_FORMAT_VERSION,
        programId: "registry",
        slot: 0,
        changeCount: registry.history.changeCount.toNumber(),
        historyHead: "",
        categories: ["a", "b", "c"],
        reviewGraceSeconds: registry.policy.reviewGraceSeconds,
        partners: [partner],
        fetchedAt: (await f.now()) * 1000,
      };
    }

    async function verify(endpointIndex: number) {
      const nowMs = (await f.now()) * 1000;
      const envelope = signEnvelope(
        { partnerId: p.id, endpointIndex, category: 0, timestampMs: nowMs, payloadHash: Buffer.alloc(32), keyIndex: 0 },
        infraKey.secretKey,
      );
      return new RequestVerifier(await snapshot()).verify(envelope, nowMs);
    }

    before(async () => {
      f = await RegistryFixture.create(h.rt, upgradeAuthority);
      p = await f.admittedPartner();
      technical = await f.grantRole("technicalAuditor");
      const now = await f.now();
      const issue = {
        issueKey: {
          publicKey: Array.from(infraKey.publicKey.toBuffer()),
          endpoints: [],
          validFrom: new BN(now - 3_600),
          validUntil: new BN(now + 365 * DAY),
          replaces: null,
        },
      };
      f.assertOk(await f.pass(issue, p.address, [p.address, addresses.key(p.address, 0)]), "issue key");
    });

    it("serves the admitted endpoint; refuses an endpoint added after admission until a technical auditor attests it", async () => {
      assert.equal((await verify(0)).reason, "allowed");
      const ep = DEFAULT_ENDPOINT("late.partner.example");
      const add = { addEndpoint: { host: ep.host, port: ep.port, protocol: ep.protocol, categories: ep.categories } };
      f.assertOk(await f.pass(add, p.address, [p.address, addresses.endpoint(p.address, 1)]), "add endpoint");
      const refused = await verify(1);
      assert.equal(refused.reason, "endpoint_pending_audit", refused.detail);
      assert.match(refused.detail, /pending audit until a technical auditor attests it/);
      assert.equal((await verify(0)).reason, "allowed", "the audited endpoint keeps serving");
      f.assertOk(await f.attest("technical", p.address, technical), "attest the new set");
      assert.equal((await verify(1)).reason, "allowed");
    });

    it("a pending re-verification past its deadline is refused as overdue before the crank runs", async () => {
      const deadline = (await f.now()) + 10 * DAY;
      const action = {
        requireReverification: { legal: false, technical: true, reason: "audit", deadline: new BN(deadline) },
      };
      f.assertOk(await f.pass(action, p.address, [p.address]), "require");
      assert.equal((await verify(0)).reason, "allowed", "under audit still serves");
      await h.rt.warpTo(BigInt(deadline + 1));
      const refused = await verify(0);
      assert.equal(refused.reason, "partner_overdue", refused.detail);
      assert.match(refused.detail, /technical re-verification was due/);
    });
  },
  registryPrograms(upgradeAuthority),
);
