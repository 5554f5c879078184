// The admission lifecycle against the bytecode in both runtimes: apply, declare_endpoint,
// attest_legal / attest_technical, and the ApprovePartner / RejectApplication proposals that
// end it. Every success checks the state decoded through Anchor, the event, and that the
// registry's history head equals the replay of every event since initialization.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair, PublicKey, SystemProgram } from "@solana/web3.js";
import { eventCpiAccounts } from "../../app/src/sdk/events.js";
import { rentExemptLamports } from "../../harness/loader.js";
import { discriminator, PROGRAM_ID, registryAddress } from "../../harness/program.js";
import {
  addresses,
  DEFAULT_ENDPOINT,
  DEFAULT_TRAFFIC_MODEL,
  type PartnerHandle,
  type RegistryFixture,
  type TrafficModelArg,
} from "../../harness/registry-fixture.js";
import { forEachReplayedRegistry } from "../support/for-each-runtime.js";
import {
  assertChangeHeader,
  onlyEvent,
  reportCu,
  sendInstructions,
  substituted,
  text,
  unixNow,
  unsigned,
} from "../support/lifecycle.js";

const { BN } = anchor;
const upgradeAuthority = Keypair.generate();

const model = (overrides: Partial<TrafficModelArg> = {}): TrafficModelArg => ({
  ...DEFAULT_TRAFFIC_MODEL(),
  ...overrides,
});

forEachReplayedRegistry(
  "apply",
  (s) => {
    it("creates Partner #0 and #1 with sequential ids, every field set, and PartnerApplied", async () => {
      const { f } = s;
      for (const id of [0, 1]) {
        const authority = await f.newSigner();
        const traffic = model({
          allowedCategories: new BN(0b1010),
          maxRequestsPerSecond: 250 + id,
          burst: 40,
          maxBandwidthKbps: 20_000,
        });
        const overrides = {
          legalName: `Acme Networks ${id} GmbH`,
          jurisdiction: "DE-BY",
          trafficModel: traffic,
          evidenceUri: `ipfs://bafy-evidence-${id}`,
        };
        const result = await f.send(f.applyTx(authority.publicKey, id, overrides), [authority]);
        f.assertOk(result, "apply");
        reportCu(f.rt, `apply #${id}`, result);
        const now = await unixNow(f.rt);

        const address = addresses.partner(id);
        const p = await f.partner(address);
        assert.equal(p.layoutVersion, 1);
        assert.equal(
          p.bump,
          PublicKey.findProgramAddressSync(
            [Buffer.from("partner"), new BN(id).toArrayLike(Buffer, "le", 8)],
            PROGRAM_ID,
          )[1],
        );
        assert.ok(p.partnerId.eq(new BN(id)));
        assert.ok(p.authority.equals(authority.publicKey));
        assert.equal(text(p.legalName), overrides.legalName);
        assert.equal(text(p.jurisdiction), "DE-BY");
        assert.deepEqual(p.legalEntityIdHash, Array.from(Buffer.alloc(32, id + 1)));
        assert.deepEqual(p.applicationEvidence.hash, Array.from(Buffer.alloc(32, 0xee)));
        assert.equal(text(p.applicationEvidence.uri), overrides.evidenceUri);
        assert.deepEqual(p.stage, { applied: {} });
        assert.deepEqual(p.status, { pending: {} });
        assert.deepEqual(p.statusBeforeSuspension, { pending: {} });
        assert.ok(p.trafficModel.allowedCategories.eq(new BN(0b1010)));
        assert.equal(p.trafficModel.maxRequestsPerSecond, 250 + id);
        assert.equal(p.trafficModel.burst, 40);
        assert.equal(p.trafficModel.maxBandwidthKbps, 20_000);
        for (const key of [p.legalVerifier, p.technicalAuditor, p.suspendedByGuardian])
          assert.ok(key.equals(PublicKey.default));
        for (const zero of [p.legalAttestedAt, p.technicalAttestedAt, p.admittedAt, p.nextReviewAt, p.lastProposalId])
          assert.ok(zero.isZero());
        assert.equal(p.endpointSetVersion, 0);
        assert.equal(p.activeEndpoints, 0);
        assert.equal(p.nextEndpointIndex, 0);
        assert.equal(p.keySetVersion, 0);
        assert.equal(p.revision, 1);
        assert.equal(p.createdAt.toString(), now.toString());
        assert.equal(p.updatedAt.toString(), now.toString());
        assert.deepEqual(p.reserved, new Array(42).fill(0));
        assert.equal(p.pendingChecks, 0, "no re-verification owed at application");
        assert.equal(p.reverificationDeadline.toNumber(), 0);

        const account = await f.rt.getAccount(address);
        assert.ok(account);
        assert.ok(account.owner.equals(PROGRAM_ID));
        assert.deepEqual(account.data.subarray(0, 8), discriminator("account", "Partner"));
        assert.equal(account.lamports, rentExemptLamports(account.data.length));
        assert.equal((await f.registry()).partnerCount.toNumber(), id + 1);

        const event = onlyEvent(f, result, "partnerApplied");
        await assertChangeHeader(f, event);
        assert.ok(event.partner.equals(address));
        assert.ok(event.partnerId.eq(new BN(id)));
        assert.ok(event.authority.equals(authority.publicKey));
        assert.equal(event.legalName, overrides.legalName);
        assert.equal(event.jurisdiction, "DE-BY");
        assert.deepEqual(event.legalEntityIdHash, Array.from(Buffer.alloc(32, id + 1)));
        assert.deepEqual(event.evidenceHash, Array.from(Buffer.alloc(32, 0xee)));
        assert.equal(event.evidenceUri, overrides.evidenceUri);
        assert.ok(event.trafficModel.allowedCategories.eq(new BN(0b1010)));
        assert.equal(event.trafficModel.maxRequestsPerSecond, 250 + id);
      }
    });

    const refuses = (title: string, code: string, overrides: Parameters<RegistryFixture["applyTx"]>[2]) =>
      it(`${code}: ${title}`, async () => {
        const { f } = s;
        const authority = await f.newSigner();
        const id = (await f.registry()).partnerCount.toNumber();
        f.assertError(await f.send(f.applyTx(authority.publicKey, id, overrides), [authority]), code);
      });

    refuses("empty legal name", "InvalidText", { legalName: "" });
    refuses("a control character in the legal name", "InvalidText", { legalName: "Acme\nGmbH" });
    refuses("a space in the jurisdiction code", "InvalidText", { jurisdiction: "D E" });
    refuses("empty evidence URI", "InvalidText", { evidenceUri: "" });
    refuses("a legal name over 63 bytes", "StringTooLong", { legalName: "x".repeat(64) });
    refuses("zero request rate", "InvalidTrafficModel", { trafficModel: model({ maxRequestsPerSecond: 0 }) });
    refuses("zero bandwidth", "InvalidTrafficModel", { trafficModel: model({ maxBandwidthKbps: 0 }) });
    refuses("zero burst", "InvalidTrafficModel", { trafficModel: model({ burst: 0 }) });
    refuses("no categories", "InvalidTrafficModel", { trafficModel: model({ allowedCategories: new BN(0) }) });
    // The fixture's catalogue has 4 categories: bit 4 names none of them.
    refuses("an unknown category bit", "InvalidTrafficModel", {
      trafficModel: model({ allowedCategories: new BN(0b1_0001) }),
    });
    refuses("the top category bit", "InvalidTrafficModel", {
      trafficModel: model({ allowedCategories: new BN(1).shln(63) }),
    });

    it("InvalidPda for a partner account that is not ['partner', partner_count]", async () => {
      const { f } = s;
      const authority = await f.newSigner();
      const id = (await f.registry()).partnerCount.toNumber();
      for (const wrong of [addresses.partner(id + 1), Keypair.generate().publicKey]) {
        const ix = substituted(await f.applyTx(authority.publicKey, id).then((tx) => tx.instructions[0]!), 1, wrong);
        f.assertError(await sendInstructions(f.rt, [ix], [authority]), "InvalidPda");
      }
    });

    it("AlreadyInitialized when applying at an existing partner PDA", async () => {
      const { f } = s;
      const authority = await f.newSigner();
      const before = await f.rt.getAccount(addresses.partner(0));
      const tx = await f.applyTx(authority.publicKey, 0);
      f.assertError(await f.send(Promise.resolve(tx), [authority]), "AlreadyInitialized");
      assert.deepEqual((await f.rt.getAccount(addresses.partner(0)))?.data, before?.data, "partner #0 untouched");
    });

    it("MissingSignature when the authority did not sign", async () => {
      const { f } = s;
      const authority = await f.newSigner();
      const id = (await f.registry()).partnerCount.toNumber();
      const ix = unsigned((await f.applyTx(authority.publicKey, id)).instructions[0]!, authority.publicKey);
      f.assertError(await sendInstructions(f.rt, [ix], []), "MissingSignature");
    });

    it("AccountNotWritable / UnexpectedAccountAddress for a read-only partner or a substituted registry", async () => {
      const { f } = s;
      const authority = await f.newSigner();
      const id = (await f.registry()).partnerCount.toNumber();
      const readOnly = (await f.applyTx(authority.publicKey, id)).instructions[0]!;
      readOnly.keys[1] = { ...readOnly.keys[1]!, isWritable: false };
      f.assertError(await sendInstructions(f.rt, [readOnly], [authority]), "AccountNotWritable");
      // A registry-shaped copy elsewhere is not the registry.
      const copy = Keypair.generate().publicKey;
      const real = await f.rt.getAccount(registryAddress());
      await f.rt.setAccount(copy, real!);
      const fake = substituted((await f.applyTx(authority.publicKey, id)).instructions[0]!, 0, copy);
      f.assertError(await sendInstructions(f.rt, [fake], [authority]), "UnexpectedAccountAddress");
    });

    it("still creates the next partner when someone pre-funded its address, with ids staying sequential after failures", async () => {
      const { f } = s;
      const id = (await f.registry()).partnerCount.toNumber();
      assert.equal(id, 2, "failed applications consumed no id");
      await f.rt.airdrop(addresses.partner(id), 1_000_000n);
      const partner = await f.apply();
      assert.equal(partner.id, 2);
      const account = await f.rt.getAccount(partner.address);
      assert.ok(account?.owner.equals(PROGRAM_ID));
      assert.equal(account?.lamports, rentExemptLamports(account!.data.length));
      assert.deepEqual((await f.partner(partner.address)).stage, { applied: {} });
    });

    it("AlreadyInitialized for a System-owned account that already holds data at the next partner PDA", async () => {
      // Cannot arise on a cluster (nobody can allocate a PDA without the program's signature);
      // it covers the data half of the re-initialization check, which the owner half hides.
      const { f } = s;
      const authority = await f.newSigner();
      const id = (await f.registry()).partnerCount.toNumber();
      await f.rt.setAccount(addresses.partner(id), {
        lamports: 10_000_000n,
        owner: SystemProgram.programId,
        data: Buffer.alloc(16, 1),
        executable: false,
      });
      f.assertError(await f.send(f.applyTx(authority.publicKey, id), [authority]), "AlreadyInitialized");
    });

    it("the history head equals the replay of every event since initialization", async () => {
      const { f, history } = s;
      assert.equal(history.events.length, 4, "initialize + 3 applications");
      await history.assertMatches(f.rt);
    });
  },
  upgradeAuthority,
);

forEachReplayedRegistry(
  "declare_endpoint",
  (s) => {
    let partner: PartnerHandle;

    before(async () => {
      partner = await s.f.apply();
    });

    it("adds endpoints at index 0, 1 with endpoint-set version and revision moving by one, and EndpointAdded", async () => {
      const { f } = s;
      const hosts = ["edge-1.partner.example", "203.0.113.7"];
      for (const [index, host] of hosts.entries()) {
        const endpoint = {
          host,
          port: 8443 + index,
          protocol: index === 0 ? { https: {} } : { quic: {} },
          categories: new BN(index === 0 ? 0b011 : 0b100),
        } as const;
        const before = await f.partner(partner.address);
        const result = await f.declareEndpoint(partner, endpoint);
        f.assertOk(result, "declare_endpoint");
        reportCu(f.rt, `declare_endpoint #${index}`, result);
        const now = await unixNow(f.rt);

        const p = await f.partner(partner.address);
        assert.equal(p.nextEndpointIndex, before.nextEndpointIndex + 1);
        assert.equal(p.endpointSetVersion, before.endpointSetVersion + 1);
        assert.equal(p.endpointSetVersion, index + 1);
        assert.equal(p.activeEndpoints, index + 1);
        assert.equal(p.revision, before.revision + 1);
        assert.equal(p.updatedAt.toString(), now.toString());
        assert.ok(p.lastProposalId.isZero());

        const address = addresses.endpoint(partner.address, index);
        const e = await f.program.account.endpoint.fetch(address);
        assert.equal(e.layoutVersion, 1);
        assert.ok(e.partner.equals(partner.address));
        assert.equal(e.index, index);
        assert.equal(text(e.host), host);
        assert.equal(e.port, 8443 + index);
        assert.deepEqual(e.protocol, endpoint.protocol);
        assert.ok(e.categories.eq(endpoint.categories));
        assert.deepEqual(e.status, { active: {} });
        assert.equal(e.addedInVersion, index + 1);
        assert.ok(e.proposalId.isZero());
        assert.equal(e.addedAt.toString(), now.toString());
        assert.ok(e.removedAt.isZero());
        const account = await f.rt.getAccount(address);
        assert.deepEqual(account?.data.subarray(0, 8), discriminator("account", "Endpoint"));

        const event = onlyEvent(f, result, "endpointAdded");
        await assertChangeHeader(f, event);
        assert.ok(event.partner.equals(partner.address));
        assert.equal(event.index, index);
        assert.equal(event.host, host);
        assert.equal(event.port, 8443 + index);
        assert.deepEqual(event.protocol, endpoint.protocol);
        assert.ok(event.categories.eq(endpoint.categories));
        assert.equal(event.endpointSetVersion, index + 1);
        assert.ok(event.proposalId.isZero());
        assert.equal(event.revision, p.revision);
      }
    });

    it("NotPartnerAuthority for anyone but the partner's authority", async () => {
      const { f } = s;
      const intruder = await f.newSigner();
      f.assertError(await f.declareEndpoint({ ...partner, authority: intruder }), "NotPartnerAuthority");
      // Not even another partner's authority.
      const other = await f.apply();
      f.assertError(await f.declareEndpoint({ ...partner, authority: other.authority }), "NotPartnerAuthority");
    });

    it("InvalidCategories outside the traffic model, or none", async () => {
      const { f } = s;
      // The traffic model allows 0b111; bit 3 exists in the catalogue but not in the model.
      f.assertError(
        await f.declareEndpoint(partner, { ...DEFAULT_ENDPOINT(), categories: new BN(0b1000) }),
        "InvalidCategories",
      );
      f.assertError(
        await f.declareEndpoint(partner, { ...DEFAULT_ENDPOINT(), categories: new BN(0b1001) }),
        "InvalidCategories",
      );
      f.assertError(
        await f.declareEndpoint(partner, { ...DEFAULT_ENDPOINT(), categories: new BN(0) }),
        "InvalidCategories",
      );
    });

    it("InvalidText for an empty host, a host with a space, or port 0", async () => {
      const { f } = s;
      f.assertError(await f.declareEndpoint(partner, DEFAULT_ENDPOINT("")), "InvalidText");
      f.assertError(await f.declareEndpoint(partner, DEFAULT_ENDPOINT("bad host")), "InvalidText");
      f.assertError(await f.declareEndpoint(partner, { ...DEFAULT_ENDPOINT(), port: 0 }), "InvalidText");
    });

    const f = () => s.f;
    /** declare_endpoint for `partner` as Anchor builds it, for tampering. */
    const declareIx = async (index: number) =>
      (
        await f()
          .program.methods.declareEndpoint("edge.partner.example", 443, { https: {} }, new BN(1))
          .accountsStrict({
            ...eventCpiAccounts(),
            registry: registryAddress(),
            partner: partner.address,
            endpoint: addresses.endpoint(partner.address, index),
            authority: partner.authority.publicKey,
            systemProgram: SystemProgram.programId,
          })
          .transaction()
      ).instructions[0]!;

    it("InvalidPda / AlreadyInitialized for an endpoint account that is not the next index", async () => {
      const next = (await f().partner(partner.address)).nextEndpointIndex;
      f().assertError(await sendInstructions(f().rt, [await declareIx(next + 1)], [partner.authority]), "InvalidPda");
      // The endpoint account passed twice (as endpoint and as the partner) is not new.
      const twice = substituted(await declareIx(next), 2, partner.address);
      f().assertError(await sendInstructions(f().rt, [twice], [partner.authority]), "AlreadyInitialized");
      // An existing endpoint cannot be declared over.
      const existing = substituted(await declareIx(next), 2, addresses.endpoint(partner.address, 0));
      f().assertError(await sendInstructions(f().rt, [existing], [partner.authority]), "AlreadyInitialized");
    });

    it("InvalidAccountData for an Endpoint or the registry passed as the partner (type cosplay)", async () => {
      const next = (await f().partner(partner.address)).nextEndpointIndex;
      for (const cosplay of [addresses.endpoint(partner.address, 0), registryAddress()]) {
        const ix = substituted(await declareIx(next), 1, cosplay);
        f().assertError(await sendInstructions(f().rt, [ix], [partner.authority]), "InvalidAccountData");
      }
    });

    it("InvalidAccountOwner for a System-owned copy of the partner", async () => {
      const next = (await f().partner(partner.address)).nextEndpointIndex;
      const copy = Keypair.generate().publicKey;
      const real = await f().rt.getAccount(partner.address);
      await f().rt.setAccount(copy, { ...real!, owner: SystemProgram.programId });
      const ix = substituted(await declareIx(next), 1, copy);
      f().assertError(await sendInstructions(f().rt, [ix], [partner.authority]), "InvalidAccountOwner");
    });

    it("MissingSignature when the authority did not sign", async () => {
      const next = (await f().partner(partner.address)).nextEndpointIndex;
      const ix = unsigned(await declareIx(next), partner.authority.publicKey);
      f().assertError(await sendInstructions(f().rt, [ix], []), "MissingSignature");
    });

    it("TooManyEndpoints for the 65th endpoint", async function () {
      // 62 more transactions take well under a second in either runtime, so both run it.
      this.timeout(120_000);
      const { f } = s;
      let count = (await f.partner(partner.address)).activeEndpoints;
      while (count < 64) {
        f.assertOk(
          await f.declareEndpoint(partner, DEFAULT_ENDPOINT(`edge-${count}.partner.example`)),
          `endpoint ${count}`,
        );
        count += 1;
      }
      const p = await f.partner(partner.address);
      assert.equal(p.activeEndpoints, 64);
      assert.equal(p.endpointSetVersion, 64);
      f.assertError(await f.declareEndpoint(partner, DEFAULT_ENDPOINT("edge-64.partner.example")), "TooManyEndpoints");
      assert.equal(
        await f.rt.getAccount(addresses.endpoint(partner.address, 64)),
        null,
        "the 65th endpoint account was not left behind",
      );
    });

    it("WrongAdmissionStage once the partner is admitted or rejected", async () => {
      const { f } = s;
      const admitted = await f.admittedPartner();
      f.assertError(await f.declareEndpoint(admitted), "WrongAdmissionStage");
      const rejected = await f.apply();
      f.assertOk(
        await f.pass({ rejectApplication: { reason: "incomplete" } }, rejected.address, [rejected.address]),
        "reject",
      );
      f.assertError(await f.declareEndpoint(rejected), "WrongAdmissionStage");
    });
  },
  upgradeAuthority,
);

forEachReplayedRegistry(
  "attest_legal / attest_technical",
  (s) => {
    let partner: PartnerHandle;
    let legal: Keypair;
    let technical: Keypair;

    before(async () => {
      const { f } = s;
      legal = await f.grantRole("legalVerifier");
      technical = await f.grantRole("technicalAuditor");
      partner = await f.apply();
      f.assertOk(await f.declareEndpoint(partner), "declare_endpoint");
    });

    /** attest_<kind> as Anchor builds it, with the fixture's accounts, for tampering. */
    const attestIx = async (
      kind: "legal" | "technical",
      verifier: Keypair,
      roleGrant: PublicKey,
      partnerAddress = partner.address,
    ) => {
      const builder =
        kind === "legal"
          ? s.f.program.methods.attestLegal(Array.from(Buffer.alloc(32, 1)), "https://verifier.example/r")
          : s.f.program.methods.attestTechnical(Array.from(Buffer.alloc(32, 2)), "https://auditor.example/r");
      const tx = await builder
        .accountsStrict({
          ...eventCpiAccounts(s.f.program.programId),
          registry: registryAddress(),
          partner: partnerAddress,
          verifier: verifier.publicKey,
          roleGrant,
        })
        .transaction();
      return tx.instructions[0]!;
    };

    it("WrongAdmissionStage for a technical attestation before the legal one", async () => {
      s.f.assertError(await s.f.attest("technical", partner.address, technical), "WrongAdmissionStage");
    });

    it("InvalidAccountOwner when the verifier has no grant account at all", async () => {
      const { f } = s;
      const nobody = await f.newSigner();
      assert.equal(await f.rt.getAccount(addresses.role("legalVerifier", nobody.publicKey)), null);
      // A missing account reads as System-owned and empty: the owner check refuses it first.
      f.assertError(await f.attest("legal", partner.address, nobody), "InvalidAccountOwner");
    });

    it("RoleNotGranted with a grant for another role, or another holder's grant", async () => {
      const { f } = s;
      f.assertError(await f.attest("legal", partner.address, technical, "technicalAuditor"), "RoleNotGranted");
      const impostor = await f.newSigner();
      const borrowed = await attestIx("legal", impostor, addresses.role("legalVerifier", legal.publicKey));
      f.assertError(await sendInstructions(f.rt, [borrowed], [impostor]), "RoleNotGranted");
    });

    it("RoleNotGranted with a revoked grant", async () => {
      const { f } = s;
      const revoked = await f.grantRole("legalVerifier");
      const role = addresses.role("legalVerifier", revoked.publicKey);
      f.assertOk(
        await f.pass({ revokeRole: { role: { legalVerifier: {} }, holder: revoked.publicKey } }, null, [role]),
        "revoke",
      );
      const grant = await f.program.account.roleGrant.fetch(role);
      assert.equal(grant.active, false);
      f.assertError(await f.attest("legal", partner.address, revoked), "RoleNotGranted");
    });

    it("InvalidAccountData for a Proposal passed as role_grant, or an Endpoint / the registry as partner (type cosplay)", async () => {
      const { f } = s;
      const asGrant = await attestIx("legal", legal, addresses.proposal(0));
      f.assertError(await sendInstructions(f.rt, [asGrant], [legal]), "InvalidAccountData");
      const partnerAsGrant = await attestIx("legal", legal, partner.address);
      f.assertError(await sendInstructions(f.rt, [partnerAsGrant], [legal]), "InvalidAccountData");
      for (const cosplay of [addresses.endpoint(partner.address, 0), registryAddress()]) {
        const asPartner = await attestIx("legal", legal, addresses.role("legalVerifier", legal.publicKey), cosplay);
        f.assertError(await sendInstructions(f.rt, [asPartner], [legal]), "InvalidAccountData");
      }
    });

    it("InvalidAccountOwner for System-owned accounts holding copied grant or partner bytes", async () => {
      const { f } = s;
      const grantAddress = addresses.role("legalVerifier", legal.publicKey);
      const fakeGrant = Keypair.generate().publicKey;
      await f.rt.setAccount(fakeGrant, { ...(await f.rt.getAccount(grantAddress))!, owner: SystemProgram.programId });
      f.assertError(
        await sendInstructions(f.rt, [await attestIx("legal", legal, fakeGrant)], [legal]),
        "InvalidAccountOwner",
      );
      const fakePartner = Keypair.generate().publicKey;
      await f.rt.setAccount(fakePartner, {
        ...(await f.rt.getAccount(partner.address))!,
        owner: SystemProgram.programId,
      });
      f.assertError(
        await sendInstructions(f.rt, [await attestIx("legal", legal, grantAddress, fakePartner)], [legal]),
        "InvalidAccountOwner",
      );
    });

    it("MissingSignature when the verifier did not sign", async () => {
      const { f } = s;
      const ix = unsigned(
        await attestIx("legal", legal, addresses.role("legalVerifier", legal.publicKey)),
        legal.publicKey,
      );
      f.assertError(await sendInstructions(f.rt, [ix], []), "MissingSignature");
    });

    for (const kind of ["legal", "technical"] as const) {
      it(`attest_${kind} records verifier, evidence and time, moves the stage, and emits VerificationAttested`, async () => {
        const { f } = s;
        const verifier = kind === "legal" ? legal : technical;
        const before = await f.partner(partner.address);
        const result = await f.attest(kind, partner.address, verifier);
        f.assertOk(result, `attest_${kind}`);
        reportCu(f.rt, `attest_${kind}`, result);
        const now = await unixNow(f.rt);
        const p = await f.partner(partner.address);
        const stage = kind === "legal" ? { legalVerified: {} } : { technicallyVerified: {} };
        const [who, evidence, at] =
          kind === "legal"
            ? [p.legalVerifier, p.legalEvidence, p.legalAttestedAt]
            : [p.technicalAuditor, p.technicalEvidence, p.technicalAttestedAt];
        const [hash, uri] =
          kind === "legal"
            ? [0xab, "https://verifier.example/report.pdf"]
            : [0xcd, "https://auditor.example/audit.pdf"];
        assert.deepEqual(p.stage, stage);
        assert.deepEqual(p.status, { pending: {} }, "only the council admits");
        assert.ok(who.equals(verifier.publicKey));
        assert.deepEqual(evidence.hash, Array.from(Buffer.alloc(32, hash)));
        assert.equal(text(evidence.uri), uri);
        assert.equal(at.toString(), now.toString());
        assert.equal(p.revision, before.revision + 1);
        assert.equal(p.updatedAt.toString(), now.toString());

        const event = onlyEvent(f, result, "verificationAttested");
        await assertChangeHeader(f, event);
        assert.ok(event.partner.equals(partner.address));
        assert.deepEqual(event.kind, kind === "legal" ? { legal: {} } : { technical: {} });
        assert.ok(event.verifier.equals(verifier.publicKey));
        assert.deepEqual(event.evidenceHash, Array.from(Buffer.alloc(32, hash)));
        assert.equal(event.evidenceUri, uri);
        assert.deepEqual(event.stage, stage);
        assert.equal(event.revision, p.revision);
      });
    }

    it("WrongAdmissionStage for a second attestation of either kind", async () => {
      const { f } = s;
      f.assertError(await f.attest("legal", partner.address, legal), "WrongAdmissionStage");
      f.assertError(await f.attest("technical", partner.address, technical), "WrongAdmissionStage");
    });

    it("RoleNotGranted for a technical attestation by a legal verifier", async () => {
      const { f } = s;
      const next = await f.apply();
      f.assertOk(await f.attest("legal", next.address, legal), "attest_legal");
      f.assertError(await f.attest("technical", next.address, legal, "legalVerifier"), "RoleNotGranted");
    });
  },
  upgradeAuthority,
);

forEachReplayedRegistry(
  "ApprovePartner / RejectApplication",
  (s) => {
    let legal: Keypair;
    let technical: Keypair;

    before(async () => {
      legal = await s.f.grantRole("legalVerifier");
      technical = await s.f.grantRole("technicalAuditor");
    });

    /** A partner with `endpoints` declared endpoints and attestations up to `stage`. */
    const applicant = async (endpoints: number, stage: "applied" | "legal" | "technical"): Promise<PartnerHandle> => {
      const { f } = s;
      const partner = await f.apply();
      for (let i = 0; i < endpoints; i++)
        f.assertOk(await f.declareEndpoint(partner, DEFAULT_ENDPOINT(`edge-${i}.example`)), "declare");
      if (stage !== "applied") f.assertOk(await f.attest("legal", partner.address, legal), "attest_legal");
      if (stage === "technical")
        f.assertOk(await f.attest("technical", partner.address, technical), "attest_technical");
      return partner;
    };

    it("WrongAdmissionStage for a partner that is only legally verified", async () => {
      const { f } = s;
      const partner = await applicant(1, "legal");
      const id = await f.approved({ approvePartner: { endpointSetVersion: 1 } }, partner.address);
      f.assertError(await f.execute(id, [partner.address]), "WrongAdmissionStage");
      assert.deepEqual((await f.proposal(id)).status, { approved: {} }, "the failed execution changed nothing");
    });

    it("NoEndpoints for a verified partner without endpoints", async () => {
      const { f } = s;
      const partner = await applicant(0, "technical");
      f.assertError(
        await f.pass({ approvePartner: { endpointSetVersion: 0 } }, partner.address, [partner.address]),
        "NoEndpoints",
      );
    });

    it("TechnicalAttestationStale for a set that changed after the technical attestation, until re-attested", async () => {
      const { f } = s;
      const partner = await applicant(1, "technical");
      assert.equal((await f.partner(partner.address)).technicalEndpointSetVersion, 1, "the attested set");
      f.assertOk(await f.declareEndpoint(partner, DEFAULT_ENDPOINT("unaudited.example")), "declare after the audit");
      // The council approves the set it sees (version 2), which no auditor has attested.
      const unaudited = await f.approved({ approvePartner: { endpointSetVersion: 2 } }, partner.address);
      f.assertError(await f.execute(unaudited, [partner.address]), "TechnicalAttestationStale");
      assert.deepEqual((await f.partner(partner.address)).status, { pending: {} });

      const reattested = await f.attest("technical", partner.address, technical);
      f.assertOk(reattested, "a new technical attestation of the changed set");
      assert.equal(f.event(reattested, "verificationAttested").endpointSetVersion, 2);
      assert.equal((await f.partner(partner.address)).technicalEndpointSetVersion, 2);
      f.assertOk(await f.execute(unaudited, [partner.address]), "execute ApprovePartner once re-attested");
      assert.deepEqual((await f.partner(partner.address)).stage, { admitted: {} });
    });

    it("EndpointSetChanged when an endpoint is declared after the proposal; the current set is then admitted", async () => {
      const { f } = s;
      const partner = await applicant(1, "technical");
      const stale = await f.approved({ approvePartner: { endpointSetVersion: 1 } }, partner.address);
      f.assertOk(await f.declareEndpoint(partner, DEFAULT_ENDPOINT("late.example")), "declare after proposing");
      f.assertError(await f.execute(stale, [partner.address]), "EndpointSetChanged");
      f.assertOk(await f.attest("technical", partner.address, technical), "re-attest the changed set");

      const before = await f.partner(partner.address);
      assert.equal(before.endpointSetVersion, 2);
      const id = await f.approved({ approvePartner: { endpointSetVersion: 2 } }, partner.address);
      const executor = await f.newSigner();
      const result = await f.execute(id, [partner.address], executor);
      f.assertOk(result, "execute ApprovePartner");
      reportCu(f.rt, "execute ApprovePartner", result);
      const now = await unixNow(f.rt);
      const nextReview = now + BigInt(f.options.policy.reviewIntervalSeconds);

      const p = await f.partner(partner.address);
      assert.deepEqual(p.stage, { admitted: {} });
      assert.deepEqual(p.status, { active: {} });
      assert.equal(p.admittedAt.toString(), now.toString());
      assert.equal(p.nextReviewAt.toString(), nextReview.toString());
      assert.equal(p.lastProposalId.toNumber(), id);
      assert.equal(p.revision, before.revision + 1);
      assert.equal(p.endpointSetVersion, 2, "admitted with the set the council saw");
      const proposal = await f.proposal(id);
      assert.deepEqual(proposal.status, { executed: {} });
      assert.equal(proposal.executedAt.toString(), now.toString());
      assert.ok(proposal.executedBy.equals(executor.publicKey));

      const event = onlyEvent(f, result, "partnerStatusChanged");
      await assertChangeHeader(f, event);
      assert.ok(event.partner.equals(partner.address));
      assert.deepEqual(event.oldStatus, { pending: {} });
      assert.deepEqual(event.newStatus, { active: {} });
      assert.deepEqual(event.cause, { admitted: {} });
      assert.ok(event.actor.equals(executor.publicKey));
      assert.equal(event.proposalId.toNumber(), id);
      assert.equal(event.until.toString(), nextReview.toString());
      assert.equal(event.reason, "");
      assert.equal(event.revision, p.revision);

      // Admitted once: the stale proposal stays unexecutable, and a new one is refused.
      f.assertError(await f.execute(stale, [partner.address]), "WrongAdmissionStage");
      f.assertError(
        await f.pass({ approvePartner: { endpointSetVersion: 2 } }, partner.address, [partner.address]),
        "WrongAdmissionStage",
      );
      f.assertError(
        await f.pass({ rejectApplication: { reason: "too late" } }, partner.address, [partner.address]),
        "WrongAdmissionStage",
      );
    });

    it("MissingAccounts without the partner, UnexpectedAccountAddress with another one", async () => {
      const { f } = s;
      const partner = await applicant(1, "technical");
      const other = await applicant(1, "technical");
      const id = await f.approved({ approvePartner: { endpointSetVersion: 1 } }, partner.address);
      f.assertError(await f.execute(id, []), "MissingAccounts");
      f.assertError(await f.execute(id, [other.address]), "UnexpectedAccountAddress");
      f.assertOk(await f.execute(id, [partner.address]), "execute");
      assert.deepEqual((await f.partner(other.address)).stage, { technicallyVerified: {} });
    });

    it("RejectApplication revokes a pending application for good, with PartnerStatusChanged", async () => {
      const { f } = s;
      const partner = await applicant(1, "legal");
      const before = await f.partner(partner.address);
      const id = await f.approved({ rejectApplication: { reason: "sanctions screening failed" } }, partner.address);
      const result = await f.execute(id, [partner.address]);
      f.assertOk(result, "execute RejectApplication");
      reportCu(f.rt, "execute RejectApplication", result);
      const p = await f.partner(partner.address);
      assert.deepEqual(p.stage, { rejected: {} });
      assert.deepEqual(p.status, { revoked: {} });
      assert.equal(p.lastProposalId.toNumber(), id);
      assert.equal(p.revision, before.revision + 1);
      assert.ok(p.admittedAt.isZero());

      const event = onlyEvent(f, result, "partnerStatusChanged");
      await assertChangeHeader(f, event);
      assert.deepEqual(event.oldStatus, { pending: {} });
      assert.deepEqual(event.newStatus, { revoked: {} });
      assert.deepEqual(event.cause, { applicationRejected: {} });
      assert.equal(event.reason, "sanctions screening failed");
      assert.equal(event.proposalId.toNumber(), id);

      // Final: nothing moves the application on again.
      f.assertError(await f.attest("technical", partner.address, technical), "WrongAdmissionStage");
      f.assertError(await f.declareEndpoint(partner), "WrongAdmissionStage");
      f.assertError(
        await f.pass({ approvePartner: { endpointSetVersion: 1 } }, partner.address, [partner.address]),
        "WrongAdmissionStage",
      );
      f.assertError(
        await f.pass({ rejectApplication: { reason: "again" } }, partner.address, [partner.address]),
        "WrongAdmissionStage",
      );
    });

    it("InvalidText for a RejectApplication without a reason (refused at propose)", async () => {
      const { f } = s;
      const partner = await applicant(0, "applied");
      const { result } = await f.propose(f.council[0]!, { rejectApplication: { reason: "" } }, partner.address);
      f.assertError(result, "InvalidText");
    });

    it("the history head equals the replay of every event since initialization", async () => {
      await s.history.assertMatches(s.f.rt);
      assert.ok(s.history.events.length > 40);
    });
  },
  upgradeAuthority,
);
