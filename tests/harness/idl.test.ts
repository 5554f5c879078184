// Unit tests of the IDL helpers (harness/idl.ts) on the registry's committed IDL; no
// runtime needed.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { EVENT_IX_TAG, eventAuthorityAddress, registryEventsOf } from "../../app/src/sdk/events.js";
import { decodeEvents, LUME_REGISTRY_IDL_PATH, loadIdl, programFromIdl } from "../../harness/idl.js";
import { defaultInitializeArgs, discriminator, type LumeRegistry, PROGRAM_ID } from "../../harness/program.js";

describe("harness: IDL helpers", () => {
  // Program construction only reads the provider; nothing is sent.
  const provider = new anchor.AnchorProvider(
    new anchor.web3.Connection("http://127.0.0.1:1"),
    new anchor.Wallet(Keypair.generate()),
  );

  it("builds a Program at the IDL's address, or at an overriding one", () => {
    assert.equal(loadIdl(LUME_REGISTRY_IDL_PATH).address, PROGRAM_ID.toBase58());
    assert.ok(programFromIdl(LUME_REGISTRY_IDL_PATH, provider).programId.equals(PROGRAM_ID));

    const programId = Keypair.generate().publicKey;
    const program = programFromIdl<LumeRegistry>(LUME_REGISTRY_IDL_PATH, provider, programId);
    assert.ok(program.programId.equals(programId));
    assert.equal(program.idl.address, programId.toBase58());
    // The IDL on disk (and any IDL object passed in) is left as it was.
    const idl = loadIdl<LumeRegistry>(LUME_REGISTRY_IDL_PATH);
    assert.ok(programFromIdl(idl, provider, programId).programId.equals(programId));
    assert.equal(idl.address, PROGRAM_ID.toBase58());
  });

  it("decodes Anchor events (RegistryInitialized) from the program's self-CPI event instructions", () => {
    const programId = Keypair.generate().publicKey;
    const program = programFromIdl<LumeRegistry>(LUME_REGISTRY_IDL_PATH, provider, programId);
    const id = programId.toBase58();
    const args = defaultInitializeArgs();
    const authority = Keypair.generate().publicKey;
    const event = {
      change: { changeIndex: new anchor.BN(1), slot: new anchor.BN(42), unixTimestamp: new anchor.BN(1_750_000_000) },
      authority,
      council: args.council,
      threshold: args.threshold,
      councilEpoch: 1,
      timeLockSeconds: args.timeLockSeconds,
      policy: args.policy,
      categories: args.categories,
    };
    // Anchor's event encoding: discriminator ("event:RegistryInitialized") then the Borsh fields.
    const payload = Buffer.concat([
      discriminator("event", "RegistryInitialized"),
      program.coder.types.encode("registryInitialized", event),
    ]);
    const authorityId = eventAuthorityAddress(programId).toBase58();
    const data = Buffer.concat([EVENT_IX_TAG, payload]);
    const inner = [
      { programId: "11111111111111111111111111111111", accounts: [authorityId], data },
      { programId: id, accounts: [authorityId], data },
    ];

    const events = decodeEvents(program, registryEventsOf(inner, programId));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.name, "registryInitialized"); // Anchor camelCases IDL names
    const decoded = events[0]?.data as typeof event;
    assert.equal(decoded.change.slot.toString(), "42");
    assert.equal(decoded.change.unixTimestamp.toString(), "1750000000");
    assert.ok(decoded.authority.equals(authority));
    assert.deepEqual(decoded.council.map(String), args.council.map(String));
    assert.equal(decoded.threshold, args.threshold);
    assert.deepEqual(decoded.policy, args.policy);
    assert.deepEqual(decoded.categories, args.categories);

    // Not events: another program's instruction (above), ours without the event authority as
    // its first account, or without the event tag.
    const other = Keypair.generate().publicKey.toBase58();
    assert.deepEqual(registryEventsOf([{ programId: id, accounts: [other], data }], programId), []);
    assert.deepEqual(registryEventsOf([{ programId: id, accounts: [authorityId], data: payload }], programId), []);
  });

  it("Anchor's client resolves the event_authority and program accounts every instruction ends with", async () => {
    const program = programFromIdl<LumeRegistry>(LUME_REGISTRY_IDL_PATH, provider);
    const proposer = Keypair.generate().publicKey;
    const ix = await program.methods
      .cancel()
      .accounts({ registry: Keypair.generate().publicKey, proposal: Keypair.generate().publicKey, proposer })
      .instruction();
    assert.deepEqual(
      ix.keys.slice(-2).map((k) => [k.pubkey.toBase58(), k.isSigner, k.isWritable]),
      [
        [eventAuthorityAddress(PROGRAM_ID).toBase58(), false, false],
        [PROGRAM_ID.toBase58(), false, false],
      ],
    );
  });
});
