/**
 * Request verifications per second on one core (the verifier is synchronous: one JS thread),
 * against a baseline of bare `crypto.verify` ed25519 over the same envelopes in the same run.
 * Targets: at least 25,000 verifications/s and at least 0.6 of the baseline.
 *
 *   npm run bench:verifier        # prints the table, writes bench/results/verifier.json
 */
import { generateKeyPairSync, verify } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import anchor from "@coral-xyz/anchor";
import type { RegistrySnapshot } from "../app/src/sdk/snapshot.js";
import { SIGNED_BYTES, signEnvelope } from "../app/src/verifier/envelope.js";
import { RequestVerifier } from "../app/src/verifier/verifier.js";
import { admittedSnapshotPartner, snapshotEndpoint } from "../harness/snapshot-partner.js";

const ENVELOPES = 20_000;
const ROUNDS = 5;
const NOW = Date.now();

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
const snapshot: RegistrySnapshot = {
  formatVersion: 2,
  programId: "bench",
  slot: 0,
  changeCount: 0,
  historyHead: "00".repeat(32),
  categories: ["api-read", "api-write"],
  reviewGraceSeconds: 0,
  fetchedAt: NOW,
  partners: Array.from({ length: 100 }, (_, id) =>
    admittedSnapshotPartner(id, {
      trafficModel: {
        allowedCategories: [0, 1],
        maxRequestsPerSecond: 1_000_000_000,
        burst: 1_000_000_000,
        maxBandwidthKbps: 1,
      },
      nextReviewAt: 0,
      endpoints: Array.from({ length: 8 }, (_, index) => snapshotEndpoint(index, `e${index}`, [0, 1])),
      keys: Array.from({ length: 4 }, (_, index) => ({
        index,
        address: `k${index}`,
        publicKey: anchor.utils.bytes.bs58.encode(raw),
        endpoints: [],
        validFrom: 0,
        validUntil: NOW / 1000 + 86_400,
        status: "active" as const,
        graceUntil: 0,
      })),
    }),
  ),
};

const envelopes = Array.from({ length: ENVELOPES }, (_, i) =>
  signEnvelope(
    {
      partnerId: i % 100,
      endpointIndex: i % 8,
      category: i % 2,
      timestampMs: NOW,
      payloadHash: Buffer.alloc(32, i & 0xff),
      keyIndex: i % 4,
    },
    privateKey,
  ),
);
const messages = envelopes.map((e) => e.subarray(0, SIGNED_BYTES));
const signatures = envelopes.map((e) => e.subarray(SIGNED_BYTES));

function perSecond(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return ENVELOPES / (Number(process.hrtime.bigint() - start) / 1e9);
}

const baseline: number[] = [];
const verifier: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  baseline.push(
    perSecond(() => {
      for (let i = 0; i < ENVELOPES; i++)
        if (!verify(null, messages[i]!, publicKey, signatures[i]!)) throw new Error("baseline failed");
    }),
  );
  // A fresh verifier per round: every envelope's nonce is new to it.
  const v = new RequestVerifier(snapshot, { maxSnapshotAgeMs: 3_600_000, maxClockSkewMs: 3_600_000 });
  verifier.push(
    perSecond(() => {
      for (let i = 0; i < ENVELOPES; i++) {
        const verdict = v.verify(envelopes[i]!, NOW);
        if (!verdict.allowed) throw new Error(`verifier refused envelope ${i}: ${verdict.detail}`);
      }
    }),
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const result = {
  machine: `${cpus()[0]?.model ?? "unknown"} (${cpus().length} cores), node ${process.version}`,
  envelopes: ENVELOPES,
  rounds: ROUNDS,
  baselinePerSecond: Math.round(median(baseline)),
  verifierPerSecond: Math.round(median(verifier)),
  ratio: Number((median(verifier) / median(baseline)).toFixed(3)),
  targets: { verifierPerSecond: 25_000, ratio: 0.6 },
};
const fmt = (n: number) => n.toLocaleString("en-US");
console.log(
  `request verifier, one core, median of ${ROUNDS} rounds of ${fmt(ENVELOPES)} envelopes (${result.machine})`,
);
console.log(`  bare crypto.verify ed25519   ${fmt(result.baselinePerSecond).padStart(9)} /s`);
console.log(
  `  RequestVerifier.verify       ${fmt(result.verifierPerSecond).padStart(9)} /s   (target ≥ 25,000: ${result.verifierPerSecond >= 25_000 ? "met" : "NOT met"})`,
);
console.log(
  `  ratio                        ${result.ratio.toFixed(3).padStart(9)}      (target ≥ 0.6: ${result.ratio >= 0.6 ? "met" : "NOT met"})`,
);
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/verifier.json", `${JSON.stringify(result, null, 2)}\n`);
