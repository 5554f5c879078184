// A synthetic registry snapshot with one active partner, its endpoints and keys, for the
// verifier's unit and property tests (no chain needed).
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import anchor from "@coral-xyz/anchor";
import type { RegistrySnapshot, SnapshotKey, SnapshotPartner } from "../../app/src/sdk/snapshot.js";
import { type EnvelopeFields, signEnvelope } from "../../app/src/verifier/envelope.js";

export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const NOW_S = NOW / 1000;
const DAY = 86_400;

export interface TestKey {
  privateKey: KeyObject;
  publicKeyBase58: string;
}

export function newKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return { privateKey, publicKeyBase58: anchor.utils.bytes.bs58.encode(raw) };
}

export function snapshotKeyOf(key: TestKey, index: number, overrides: Partial<SnapshotKey> = {}): SnapshotKey {
  return {
    index,
    address: `key-${index}`,
    publicKey: key.publicKeyBase58,
    endpoints: [],
    validFrom: NOW_S - DAY,
    validUntil: NOW_S + 365 * DAY,
    status: "active",
    graceUntil: 0,
    ...overrides,
  };
}

export interface Scenario {
  snapshot: RegistrySnapshot;
  partner: SnapshotPartner;
  keys: TestKey[];
}

/**
 * Partner 7: active, categories 0..2 allowed, 1000 req/s burst 50; endpoint 0 (categories 0,1),
 * endpoint 1 (category 2), endpoint 2 removed; key 0 (all endpoints), key 1 bound to endpoint 1.
 */
export function scenario(): Scenario {
  const keys = [newKey(), newKey()];
  const partner: SnapshotPartner = {
    id: 7,
    address: "partner-7",
    authority: "authority-7",
    legalName: "Partner 7 GmbH",
    status: "active",
    stage: "admitted",
    trafficModel: { allowedCategories: [0, 1, 2], maxRequestsPerSecond: 1000, burst: 50, maxBandwidthKbps: 100_000 },
    nextReviewAt: NOW_S + 100 * DAY,
    suspensionExpiresAt: 0,
    endpointSetVersion: 3,
    technicalEndpointSetVersion: 3,
    pendingChecks: [],
    reverificationDeadline: 0,
    keySetVersion: 2,
    endpoints: [
      {
        index: 0,
        address: "ep-0",
        host: "api.p7.example",
        port: 443,
        protocol: "https",
        categories: [0, 1],
        status: "active",
        changedInVersion: 1,
      },
      {
        index: 1,
        address: "ep-1",
        host: "feed.p7.example",
        port: 443,
        protocol: "wss",
        categories: [2, 3],
        status: "active",
        changedInVersion: 2,
      },
      {
        index: 2,
        address: "ep-2",
        host: "old.p7.example",
        port: 443,
        protocol: "https",
        categories: [0],
        status: "removed",
        changedInVersion: 3,
      },
    ],
    keys: [snapshotKeyOf(keys[0]!, 0), snapshotKeyOf(keys[1]!, 1, { endpoints: [1] })],
  };
  const snapshot: RegistrySnapshot = {
    formatVersion: 2,
    programId: "program",
    slot: 1234,
    changeCount: 42,
    historyHead: "00".repeat(32),
    categories: ["api-read", "api-write", "content-fetch", "price-feed"],
    reviewGraceSeconds: 14 * DAY,
    partners: [partner],
    fetchedAt: NOW - 1_000,
  };
  return { snapshot, partner, keys };
}

export function request(key: TestKey, overrides: Partial<EnvelopeFields> = {}): Buffer {
  return signEnvelope(
    {
      partnerId: 7,
      endpointIndex: 0,
      category: 0,
      timestampMs: NOW,
      payloadHash: Buffer.alloc(32, 0x11),
      keyIndex: 0,
      ...overrides,
    },
    key.privateKey,
  );
}
