// `lume envelope sign`: an envelope a node accepts as well-formed and correctly signed, from an
// infrastructure key file (as `lume partner keys generate` writes it); no chain needed with a
// category index.
import assert from "node:assert/strict";
import { createHash, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublicKey } from "@solana/web3.js";
import {
  decodeEnvelope,
  ENVELOPE_BYTES,
  type Envelope,
  ed25519PublicKey,
  SIGNED_BYTES,
} from "../../app/src/verifier/envelope.js";
import { lume } from "./lume-helpers.js";

describe("lume envelope sign", () => {
  let dir: string;
  let keyFile: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "lume-envelope-"));
    keyFile = join(dir, "infra.json");
    assert.equal((await lume(["partner", "keys", "generate", "--out", keyFile])).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** `envelope sign` with the key file `key` (the suite's, unless given) as partner 0's key 0. */
  const signAsPartner0 = (key = keyFile): string[] => [
    "envelope",
    "sign",
    "--key-file",
    key,
    "--partner",
    "0",
    "--key-index",
    "0",
  ];

  it("signs the fields given, now, with the key file; the signature verifies with its public key", async () => {
    const payload = join(dir, "request.json");
    writeFileSync(payload, '{"GET":"/prices"}');
    const out = join(dir, "envelope.bin");
    const before = Date.now();
    const run = await lume([
      "--json",
      "envelope",
      "sign",
      "--key-file",
      keyFile,
      "--partner",
      "7",
      "--key-index",
      "2",
      "--category",
      "3",
      "--endpoint",
      "1",
      "--payload-file",
      payload,
      "--out",
      out,
    ]);
    assert.equal(run.code, 0, run.err);
    const printed = run.json<{ envelope: string; signer: string }>();
    const bytes = readFileSync(out);
    assert.equal(bytes.length, ENVELOPE_BYTES);
    assert.equal(printed.envelope, bytes.toString("hex"));
    const envelope = decodeEnvelope(bytes) as Envelope;
    assert.deepEqual([envelope.partnerId, envelope.keyIndex, envelope.category, envelope.endpointIndex], [7, 2, 3, 1]);
    assert.ok(envelope.timestampMs >= before && envelope.timestampMs <= Date.now());
    assert.equal(
      Buffer.from(envelope.payloadHash).toString("hex"),
      createHash("sha256").update('{"GET":"/prices"}').digest("hex"),
    );
    const publicKey = ed25519PublicKey(new PublicKey(printed.signer).toBytes());
    assert.ok(verify(null, bytes.subarray(0, SIGNED_BYTES), publicKey, envelope.signature));
    // Text output: the hex alone, ready for `lume node verify <hex>`.
    const text = await lume([...signAsPartner0(), "--category", "0"]);
    assert.match(text.out, new RegExp(`^[0-9a-f]{${2 * ENVELOPE_BYTES}}$`));
  });

  it("refuses bad input in words", async () => {
    const base = signAsPartner0();
    const hash = await lume([...base, "--category", "0", "--payload-hash", "abc"]);
    assert.match(hash.err, /--payload-hash must be 64 hex digits/);
    const noKey = await lume([...signAsPartner0(join(dir, "none.json")), "--category", "0"]);
    assert.equal(noKey.code, 1);
    assert.match(noKey.err, /^error: cannot read keypair file/);
  });
});
