// Properties of the verifier (fast-check): tampering with any single byte of a signed
// envelope is caught, and arbitrary bytes never make it throw.
import assert from "node:assert/strict";
import fc from "fast-check";
import { ENVELOPE_BYTES } from "../../app/src/verifier/envelope.js";
import { RequestVerifier } from "../../app/src/verifier/verifier.js";
import { NOW, request, scenario } from "./fixture.js";

describe("request verifier: properties", () => {
  const { snapshot, keys } = scenario();

  it("rejects any single-byte change of a signed envelope", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: ENVELOPE_BYTES - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (nonce, position, xor) => {
          const original = request(keys[0]!, { nonce });
          // The untouched envelope passes a fresh verifier...
          assert.equal(new RequestVerifier(snapshot).verify(original, NOW).allowed, true);
          // ...and no changed one passes another fresh verifier (so no replay state is involved).
          const changed = Buffer.from(original);
          changed[position]! ^= xor;
          const verdict = new RequestVerifier(snapshot).verify(changed, NOW);
          assert.equal(verdict.allowed, false, `byte ${position} ^ ${xor} was accepted`);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("never throws on random bytes (any length, and exactly envelope-sized with a valid version byte)", () => {
    const verifier = new RequestVerifier(snapshot);
    const sized = fc.uint8Array({ minLength: ENVELOPE_BYTES, maxLength: ENVELOPE_BYTES }).map((b) => {
      b[0] = 1;
      return b;
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 400 }), sized),
        fc.integer({ min: -1e15, max: 1e15 }),
        (bytes, now) => {
          const verdict = verifier.verify(bytes, now);
          assert.equal(typeof verdict.allowed, "boolean");
          assert.equal(verdict.allowed, false);
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
