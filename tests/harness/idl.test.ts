// Unit tests of the IDL helpers (tests/support/idl.ts) on the registry's committed IDL; no
// runtime needed.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { eventsFromLogs, LUME_REGISTRY_IDL_PATH, loadIdl, programFromIdl } from "../support/idl.js";
import { defaultInitializeArgs, discriminator, type LumeRegistry, PROGRAM_ID } from "../support/program.js";

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

  it("decodes Anchor events (RegistryInitialized) from program logs", () => {
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
    const logs = [
      `Program ${id} invoke [1]`,
      "Program 11111111111111111111111111111111 invoke [2]",
      "Program 11111111111111111111111111111111 success",
      `Program data: ${payload.toString("base64")}`,
      `Program ${id} consumed 4000 of 200000 compute units`,
      `Program ${id} success`,
    ];

    const events = eventsFromLogs(program, logs);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.name, "registryInitialized"); // Anchor camelCases IDL names
    const data = events[0]?.data as typeof event;
    assert.equal(data.change.slot.toString(), "42");
    assert.equal(data.change.unixTimestamp.toString(), "1750000000");
    assert.ok(data.authority.equals(authority));
    assert.deepEqual(data.council.map(String), args.council.map(String));
    assert.equal(data.threshold, args.threshold);
    assert.deepEqual(data.policy, args.policy);
    assert.deepEqual(data.categories, args.categories);

    // Another program's data lines are not ours.
    const other = Keypair.generate().publicKey.toBase58();
    assert.deepEqual(
      eventsFromLogs(
        program,
        logs.map((l) => l.replaceAll(id, other)),
      ),
      [],
    );
  });
});
