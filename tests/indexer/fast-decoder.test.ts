// The IDL-compiled account decoder (the ingest hot path) against the reference: Anchor's coder +
// normalize(), on every account a real registry run on a surfnet leaves behind (all account
// types, proposals with every action shape used), plus truncated and corrupted copies.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { LUME_REGISTRY_IDL } from "../../app/src/sdk/idl.js";
import { camelCaseIdl } from "../../app/src/sdk/program.js";
import { addresses, DEFAULT_ENDPOINT } from "../../harness/registry-fixture.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { RegistryDecoder } from "../../indexer/src/decoder/decoder.js";
import { surfnetFixture } from "./support.js";

const { BN } = anchor;

function reference(decoder: RegistryDecoder, kind: string, data: Buffer): unknown {
  try {
    return { ok: decoder.anchorAccount(kind, data) };
  } catch {
    return "throws";
  }
}

function fast(decoder: RegistryDecoder, kind: string, data: Buffer): unknown {
  try {
    return { ok: decoder.fast.decode(kind, data) };
  } catch {
    return "throws";
  }
}

describe("IDL-compiled account decoder (surfnet accounts, Anchor's coder as reference)", function () {
  this.timeout(180_000);
  const net = useRegistrySurfnet();
  const decoder = new RegistryDecoder();

  it("decodes with the camelCase IDL a Program holds (the SDK's conversion equals Anchor's)", () => {
    const program = net.program(Keypair.generate());
    assert.deepEqual(camelCaseIdl(LUME_REGISTRY_IDL), program.idl);
    assert.deepEqual(decoder.idl, program.idl);
  });

  it("compiles every account type (no Anchor fallback)", () => {
    assert.deepEqual(decoder.fast.fallbacks, []);
  });

  it("decodes every real account exactly as Anchor's coder + normalize()", async () => {
    const f = await surfnetFixture(net);
    const partner = await f.admittedPartner();
    await f.pass({ addEndpoint: { ...DEFAULT_ENDPOINT("edge-2.partner.example") } }, partner.address, [
      partner.address,
      addresses.endpoint(partner.address, 1),
    ]);
    const now = await f.now();
    await f.pass(
      {
        issueKey: {
          publicKey: Array.from(Keypair.generate().publicKey.toBuffer()),
          endpoints: [0, 1],
          validFrom: new BN(now),
          validUntil: new BN(now + 86_400),
          replaces: null,
        },
      },
      partner.address,
      [partner.address, addresses.key(partner.address, 0)],
    );
    for (let i = 0; i < 4; i++)
      await f.apply({ legalName: `Applicant ${i} — Ünïcode AG`, jurisdiction: i % 2 ? "CH" : "DE" });
    await f.propose(
      f.council[0]!,
      { suspendPartner: { reason: "a pending suspension with a reason" } },
      partner.address,
    );
    await f.propose(f.council[0]!, { removeEndpoint: { index: 1 } }, partner.address);
    const node = await f.grantRole("reportingNode");
    await f.reportDeviation(node, partner.address, 1, 42);

    const accounts = await net.connection.getProgramAccounts(f.program.programId, "confirmed");
    const kinds = new Map<string, number>();
    let compared = 0;
    for (const { pubkey, account } of accounts) {
      const data = account.data;
      const kind = decoder.accountKind(data);
      assert.ok(kind, `unknown account ${pubkey.toBase58()}`);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      assert.deepEqual(fast(decoder, kind, data), reference(decoder, kind, data), `${kind} ${pubkey.toBase58()}`);
      compared += 1;
      // Truncated copies: the fast decoder refuses them, or agrees with Anchor. (It is stricter:
      // Anchor's 64-bit reads take a short final slice without complaint.)
      for (const cut of [9, 40, data.length >> 1, data.length - 1]) {
        const short = data.subarray(0, cut);
        const got = fast(decoder, kind, short);
        if (got !== "throws") assert.deepEqual(got, reference(decoder, kind, short), `${kind} cut at ${cut}`);
      }
      // Corrupted copies (every byte in turn, for one account of each kind).
      if (kinds.get(kind) === 1) {
        for (let i = 8; i < data.length; i += 3) {
          const bad = Buffer.from(data);
          bad[i] = bad[i]! ^ 0xa5;
          assert.deepEqual(fast(decoder, kind, bad), reference(decoder, kind, bad), `${kind} byte ${i} flipped`);
        }
      }
    }
    for (const kind of ["registry", "partner", "endpoint", "infraKey", "proposal", "roleGrant", "deviationReport"])
      assert.ok(kinds.has(kind), `no ${kind} account to compare`);
    assert.ok(compared >= 20, `compared ${compared}`);
  });
});
