import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  COMMITTED_IDL_PATH,
  COMMITTED_TYPES_PATH,
  discriminator,
  GENERATED_IDL_PATH,
  GENERATED_TYPES_PATH,
} from "../../harness/program.js";

describe("the committed IDL", () => {
  it("is exactly what the build generates from the program's definitions", () => {
    assert.equal(
      readFileSync(COMMITTED_IDL_PATH, "utf8"),
      readFileSync(GENERATED_IDL_PATH, "utf8"),
      "the IDL is stale: run `npm run build && npm run idl:update` and commit the result",
    );
    assert.equal(
      readFileSync(COMMITTED_TYPES_PATH, "utf8"),
      readFileSync(GENERATED_TYPES_PATH, "utf8"),
      "the IDL's TypeScript type is stale: run `npm run idl:update`",
    );
  });

  it("uses Anchor's discriminators for instructions, accounts and events", () => {
    const idl = JSON.parse(readFileSync(COMMITTED_IDL_PATH, "utf8")) as {
      instructions: { name: string; discriminator: number[] }[];
      accounts: { name: string; discriminator: number[] }[];
      events: { name: string; discriminator: number[] }[];
    };
    assert.ok(idl.instructions.length > 0);
    for (const ix of idl.instructions)
      assert.deepEqual(ix.discriminator, [...discriminator("global", ix.name)], ix.name);
    for (const a of idl.accounts) assert.deepEqual(a.discriminator, [...discriminator("account", a.name)], a.name);
    for (const e of idl.events) assert.deepEqual(e.discriminator, [...discriminator("event", e.name)], e.name);
  });

  it("declares spec 0.1.0 and every error with a code from 6000 and a message", () => {
    const idl = JSON.parse(readFileSync(COMMITTED_IDL_PATH, "utf8")) as {
      metadata: { spec: string };
      errors: { code: number; name: string; msg: string }[];
    };
    assert.equal(idl.metadata.spec, "0.1.0");
    const codes = idl.errors.map((e) => e.code);
    assert.equal(new Set(codes).size, codes.length, "duplicate error codes");
    for (const e of idl.errors) {
      assert.ok(e.code >= 6000 && e.code < 7000, `${e.name}: ${e.code}`);
      assert.ok(e.msg.length > 10, `${e.name} has no message`);
    }
  });
});
