// Addresses derived from the program id: the registry PDA and the program's ProgramData.
import { PublicKey } from "@solana/web3.js";
import { LUME_REGISTRY_PROGRAM_ID } from "./idl.js";

export const BPF_LOADER_UPGRADEABLE_ID = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");

export const REGISTRY_SEED = Buffer.from("registry");

// Deriving the registry PDA costs ~0.3 ms (SHA-256 + curve checks per bump tried); the indexer's GraphQL
// resolvers ask for the registry's address on every partner they render. Keyed by the program id
// object first (the indexer passes the same one every time: no base58 encoding), then its text.
const registryAddressByKey = new WeakMap<PublicKey, PublicKey>();
const registryAddressByText = new Map<string, PublicKey>();

/** The registry configuration account, PDA `["registry"]` (memoized per program id). */
export function registryAddress(programId: PublicKey = LUME_REGISTRY_PROGRAM_ID): PublicKey {
  let address = registryAddressByKey.get(programId);
  if (address === undefined) {
    const text = programId.toBase58();
    address = registryAddressByText.get(text) ?? PublicKey.findProgramAddressSync([REGISTRY_SEED], programId)[0];
    registryAddressByText.set(text, address);
    registryAddressByKey.set(programId, address);
  }
  return address;
}

/** The upgradeable loader's ProgramData account of `programId` (it holds the upgrade authority). */
export function programDataAddress(programId: PublicKey = LUME_REGISTRY_PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([programId.toBuffer()], BPF_LOADER_UPGRADEABLE_ID)[0];
}

export const ROLE_NAMES = ["legalVerifier", "technicalAuditor", "auditor", "guardian", "reportingNode"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

function u16le(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u64le(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
function i64le(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
}

/** The seeds of every account the program owns (see the README's account list). */
export const registrySeeds = {
  registry: () => [REGISTRY_SEED],
  partner: (id: number | bigint) => [Buffer.from("partner"), u64le(id)],
  endpoint: (partner: PublicKey, index: number) => [Buffer.from("endpoint"), partner.toBuffer(), u16le(index)],
  key: (partner: PublicKey, index: number) => [Buffer.from("key"), partner.toBuffer(), u16le(index)],
  proposal: (id: number | bigint) => [Buffer.from("proposal"), u64le(id)],
  role: (role: RoleName, holder: PublicKey) => [
    Buffer.from("role"),
    Buffer.from([ROLE_NAMES.indexOf(role)]),
    holder.toBuffer(),
  ],
  deviation: (partner: PublicKey, reporter: PublicKey, windowStart: number | bigint) => [
    Buffer.from("deviation"),
    partner.toBuffer(),
    reporter.toBuffer(),
    i64le(windowStart),
  ],
};

/** Every account the program owns, at the canonical PDA of its seeds. */
export function registryAddresses(programId: PublicKey = LUME_REGISTRY_PROGRAM_ID) {
  const pda = (seeds: Buffer[]): PublicKey => PublicKey.findProgramAddressSync(seeds, programId)[0];
  return {
    registry: () => registryAddress(programId),
    partner: (id: number | bigint) => pda(registrySeeds.partner(id)),
    endpoint: (partner: PublicKey, index: number) => pda(registrySeeds.endpoint(partner, index)),
    key: (partner: PublicKey, index: number) => pda(registrySeeds.key(partner, index)),
    proposal: (id: number | bigint) => pda(registrySeeds.proposal(id)),
    role: (role: RoleName, holder: PublicKey) => pda(registrySeeds.role(role, holder)),
    deviation: (partner: PublicKey, reporter: PublicKey, windowStart: number | bigint) =>
      pda(registrySeeds.deviation(partner, reporter, windowStart)),
  };
}
export type RegistryAddresses = ReturnType<typeof registryAddresses>;
