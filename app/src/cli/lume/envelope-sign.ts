// `lume envelope sign`: a signed request envelope (docs/request-envelope.md) from a partner's
// infrastructure key file, for partners wiring up their clients and for testing nodes
// (`lume node verify` reads what this prints).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { UserError } from "../../entry/user-error.js";
import { catalogueNames } from "../../sdk/fixed-text.js";
import { expandHome, readKeypairFile } from "../../sdk/keypair-file.js";
import { signEnvelope } from "../../verifier/envelope.js";
import { intArg, u16Arg } from "./args.js";
import type { CliContext } from "./context.js";
import { loadRegistry } from "./registry-reads.js";
import type { Action } from "./runner.js";

/** A category index as given, or a catalogue name (then the registry is read for the catalogue). */
async function categoryIndex(ctx: CliContext, value: string): Promise<number> {
  if (/^\d+$/.test(value)) return intArg("--category", value, 0, 63);
  const catalogue = catalogueNames(await loadRegistry(ctx));
  const index = catalogue.indexOf(value);
  if (index < 0)
    throw new UserError(`--category: unknown category "${value}" (the catalogue: ${catalogue.join(", ")})`);
  return index;
}

/** `lume envelope sign`'s options. */
interface SignOptions {
  keyFile: string;
  partner: string;
  keyIndex: string;
  category: string;
  endpoint: string;
  payloadFile?: string;
  payloadHash?: string;
  out?: string;
}

/** SHA-256 of the payload file, or the hash given as 64 hex digits, or of nothing. */
function payloadHash(opts: SignOptions): Buffer {
  if (opts.payloadFile !== undefined && opts.payloadHash !== undefined)
    throw new UserError("give --payload-file or --payload-hash, not both");
  if (opts.payloadHash !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(opts.payloadHash))
      throw new UserError(`--payload-hash must be 64 hex digits (a SHA-256), got "${opts.payloadHash}"`);
    return Buffer.from(opts.payloadHash, "hex");
  }
  let payload: Buffer = Buffer.alloc(0);
  if (opts.payloadFile !== undefined) {
    try {
      payload = readFileSync(expandHome(opts.payloadFile));
    } catch (err) {
      throw new UserError(`cannot read the payload file ${opts.payloadFile}: ${(err as Error).message}`);
    }
  }
  return createHash("sha256").update(payload).digest();
}

export function registerEnvelope(program: Command, action: Action): void {
  program
    .command("envelope")
    .description("signed request envelopes (docs/request-envelope.md)")
    .command("sign")
    .description("sign a request envelope with an infrastructure key file, now (prints hex; lume node verify reads it)")
    .requiredOption(
      "--key-file <path>",
      "the infrastructure key (Solana CLI keypair file, from `lume partner keys generate`)",
    )
    .requiredOption("--partner <id>", "the partner id")
    .requiredOption("--key-index <n>", "the key's index in the registry (`lume partner status` lists it)")
    .requiredOption("--category <name|index>", "the request category (a catalogue name reads the registry)")
    .option("--endpoint <index>", "the endpoint index", "0")
    .option("--payload-file <path>", "the request payload (its SHA-256 is signed; default: an empty payload)")
    .option("--payload-hash <hex>", "the payload's SHA-256 as 64 hex digits, instead of --payload-file")
    .option("--out <path>", "also write the raw 134 bytes there (for `lume node verify @file`)")
    .action(
      action(async (ctx, opts: SignOptions) => {
        let key: ReturnType<typeof readKeypairFile>;
        try {
          key = readKeypairFile(opts.keyFile);
        } catch (err) {
          throw new UserError((err as Error).message);
        }
        const fields = {
          partnerId: intArg("--partner", opts.partner, 0, Number.MAX_SAFE_INTEGER),
          endpointIndex: u16Arg("--endpoint", opts.endpoint),
          category: await categoryIndex(ctx, opts.category),
          timestampMs: Date.now(),
          payloadHash: payloadHash(opts),
          keyIndex: u16Arg("--key-index", opts.keyIndex),
        };
        const envelope = signEnvelope(fields, key.secretKey);
        if (opts.out !== undefined) writeFileSync(expandHome(opts.out), envelope);
        ctx.print(
          {
            envelope: envelope.toString("hex"),
            base64: envelope.toString("base64"),
            signer: key.publicKey.toBase58(),
            ...fields,
            payloadHash: fields.payloadHash.toString("hex"),
            out: opts.out === undefined ? null : expandHome(opts.out),
          },
          () => envelope.toString("hex"),
        );
      }),
    );
}
