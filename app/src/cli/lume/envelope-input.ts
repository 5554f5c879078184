// `lume node verify <envelope>`: the envelope as typed on the command line. Hex (what logs
// usually show), base64 (what HTTP headers carry) or `@file` with the raw bytes. The length is
// not checked here: the verifier reports a wrong length as `malformed`, like any node would.
import { readFileSync } from "node:fs";
import { UserError } from "../../entry/user-error.js";
import { expandHome } from "../../sdk/keypair-file.js";
import { ENVELOPE_BYTES } from "../../verifier/envelope.js";

const HEX = /^(0x)?([0-9a-f]{2})+$/i;
// Standard or URL-safe alphabet, padding optional.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

const FORMATS = `hex (${2 * ENVELOPE_BYTES} digits), base64, or @file with the raw ${ENVELOPE_BYTES} bytes`;

export function envelopeArg(value: string): { bytes: Buffer; format: "hex" | "base64" | "file" } {
  const text = value.trim();
  if (text.startsWith("@")) {
    const path = text.slice(1);
    if (path === "") throw new UserError(`the envelope: "@" needs a file name (${FORMATS})`);
    try {
      return { bytes: readFileSync(expandHome(path)), format: "file" };
    } catch (err) {
      throw new UserError(
        `cannot read the envelope file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }
  // Hex first: a string of hex digits is also valid base64, but nobody base64-encodes to only hex digits.
  if (HEX.test(text)) return { bytes: Buffer.from(text.replace(/^0x/i, ""), "hex"), format: "hex" };
  if (BASE64.test(text) && text.replace(/=+$/, "").length % 4 !== 1) {
    return { bytes: Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64"), format: "base64" };
  }
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  throw new UserError(`the envelope "${shown}" is not ${FORMATS}`);
}
