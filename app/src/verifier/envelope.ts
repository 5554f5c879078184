// The request envelope, version 1 (docs/request-envelope.md): a fixed 134-byte record, all
// integers little-endian, signed with ed25519 by one of the partner's infrastructure keys over
// every byte before the signature.
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign } from "node:crypto";

export const ENVELOPE_VERSION = 1;
export const NONCE_BYTES = 16;
export const PAYLOAD_HASH_BYTES = 32;
export const SIGNATURE_BYTES = 64;

/** Byte offsets of every field. */
export const ENVELOPE_LAYOUT = {
  version: 0, // u8
  partnerId: 1, // u64
  endpointIndex: 9, // u16
  category: 11, // u8
  nonce: 12, // 16 bytes
  timestampMs: 28, // u64, unix milliseconds
  payloadHash: 36, // 32 bytes (SHA-256 of the request payload)
  keyIndex: 68, // u16
  signature: 70, // 64 bytes, ed25519 over bytes [0, 70)
} as const;
export const SIGNED_BYTES = ENVELOPE_LAYOUT.signature;
export const ENVELOPE_BYTES = SIGNED_BYTES + SIGNATURE_BYTES; // 134

export interface EnvelopeFields {
  partnerId: number;
  endpointIndex: number;
  /** Catalogue index of the request category. */
  category: number;
  nonce: Uint8Array;
  timestampMs: number;
  payloadHash: Uint8Array;
  keyIndex: number;
}

export interface Envelope extends EnvelopeFields {
  version: number;
  signature: Uint8Array;
}

export class EnvelopeFormatError extends Error {}

function checkInt(name: string, value: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max)
    throw new EnvelopeFormatError(`${name} must be an integer in [0, ${max}], got ${value}`);
}

/** The signed part (bytes [0, 70)) of an envelope with `fields`. */
export function encodeUnsigned(fields: EnvelopeFields): Buffer {
  checkInt("partnerId", fields.partnerId, Number.MAX_SAFE_INTEGER);
  checkInt("endpointIndex", fields.endpointIndex, 0xffff);
  checkInt("category", fields.category, 0xff);
  checkInt("timestampMs", fields.timestampMs, Number.MAX_SAFE_INTEGER);
  checkInt("keyIndex", fields.keyIndex, 0xffff);
  if (fields.nonce.length !== NONCE_BYTES) throw new EnvelopeFormatError(`nonce must be ${NONCE_BYTES} bytes`);
  if (fields.payloadHash.length !== PAYLOAD_HASH_BYTES)
    throw new EnvelopeFormatError(`payloadHash must be ${PAYLOAD_HASH_BYTES} bytes`);
  const b = Buffer.alloc(SIGNED_BYTES);
  const L = ENVELOPE_LAYOUT;
  b.writeUInt8(ENVELOPE_VERSION, L.version);
  b.writeBigUInt64LE(BigInt(fields.partnerId), L.partnerId);
  b.writeUInt16LE(fields.endpointIndex, L.endpointIndex);
  b.writeUInt8(fields.category, L.category);
  b.set(fields.nonce, L.nonce);
  b.writeBigUInt64LE(BigInt(fields.timestampMs), L.timestampMs);
  b.set(fields.payloadHash, L.payloadHash);
  b.writeUInt16LE(fields.keyIndex, L.keyIndex);
  return b;
}

/** The full envelope: the signed part followed by `signature`. */
export function encodeEnvelope(fields: EnvelopeFields, signature: Uint8Array): Buffer {
  if (signature.length !== SIGNATURE_BYTES) throw new EnvelopeFormatError(`signature must be ${SIGNATURE_BYTES} bytes`);
  return Buffer.concat([encodeUnsigned(fields), signature]);
}

/** Decodes an envelope, or returns the reason it is not one (never throws). */
export function decodeEnvelope(bytes: Uint8Array): Envelope | { error: string } {
  if (!(bytes instanceof Uint8Array)) return { error: "not a byte array" };
  if (bytes.length < 1) return { error: "empty envelope" };
  if (bytes[0] !== ENVELOPE_VERSION) return { error: `unsupported envelope version ${bytes[0]}` };
  if (bytes.length !== ENVELOPE_BYTES)
    return { error: `a version-1 envelope is ${ENVELOPE_BYTES} bytes, got ${bytes.length}` };
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const L = ENVELOPE_LAYOUT;
  const partnerId = b.readBigUInt64LE(L.partnerId);
  const timestampMs = b.readBigUInt64LE(L.timestampMs);
  if (partnerId > BigInt(Number.MAX_SAFE_INTEGER)) return { error: "partner id out of range" };
  if (timestampMs > BigInt(Number.MAX_SAFE_INTEGER)) return { error: "timestamp out of range" };
  return {
    version: b[L.version]!,
    partnerId: Number(partnerId),
    endpointIndex: b.readUInt16LE(L.endpointIndex),
    category: b[L.category]!,
    nonce: b.subarray(L.nonce, L.nonce + NONCE_BYTES),
    timestampMs: Number(timestampMs),
    payloadHash: b.subarray(L.payloadHash, L.payloadHash + PAYLOAD_HASH_BYTES),
    keyIndex: b.readUInt16LE(L.keyIndex),
    signature: b.subarray(L.signature, L.signature + SIGNATURE_BYTES),
  };
}

// DER wrappers that turn raw ed25519 keys into node:crypto KeyObjects.
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** A private KeyObject from a 32-byte seed or a 64-byte Solana secret key (seed || public key). */
export function ed25519PrivateKey(secret: Uint8Array): KeyObject {
  if (secret.length !== 32 && secret.length !== 64)
    throw new EnvelopeFormatError("an ed25519 secret key is 32 (seed) or 64 (Solana) bytes");
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, secret.subarray(0, 32)]),
    format: "der",
    type: "pkcs8",
  });
}

/** A public KeyObject from 32 raw bytes. */
export function ed25519PublicKey(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== 32) throw new EnvelopeFormatError("an ed25519 public key is 32 bytes");
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: "der", type: "spki" });
}

/** Encodes and signs an envelope; `nonce` defaults to 16 random bytes. */
export function signEnvelope(
  fields: Omit<EnvelopeFields, "nonce"> & { nonce?: Uint8Array },
  privateKey: KeyObject | Uint8Array,
): Buffer {
  const key = privateKey instanceof Uint8Array ? ed25519PrivateKey(privateKey) : privateKey;
  const full: EnvelopeFields = { ...fields, nonce: fields.nonce ?? randomBytes(NONCE_BYTES) };
  const unsigned = encodeUnsigned(full);
  return Buffer.concat([unsigned, sign(null, unsigned, key)]);
}
