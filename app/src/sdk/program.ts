// The typed Anchor client of the registry program, and its coders for code that only decodes.

import type { Program, Provider } from "@coral-xyz/anchor";
import anchor from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";
import camelcase from "camelcase";
import { LUME_REGISTRY_IDL, type LumeRegistry } from "./idl.js";

export type RegistryProgram = Program<LumeRegistry>;

/** The registry's IDL; `programId` overrides its address. */
export function registryIdl(programId?: PublicKey): LumeRegistry {
  // The address is typed as the IDL's literal; any deployment may serve the same interface.
  return programId === undefined
    ? LUME_REGISTRY_IDL
    : ({ ...LUME_REGISTRY_IDL, address: programId.toBase58() } as LumeRegistry);
}

/** `Program<LumeRegistry>` on `provider`; `programId` overrides the IDL's address. */
export function registryProgram(provider: Provider, programId?: PublicKey): RegistryProgram {
  return new anchor.Program<LumeRegistry>(registryIdl(programId), provider);
}

/**
 * The IDL with the camelCase names `Program` gives it (Anchor converts `name`, `path`, `account`,
 * `relations` and `generic` values at run time, and does not export how); tested against a
 * `Program`'s own `idl` in tests/indexer/fast-decoder.test.ts.
 */
export function camelCaseIdl(idl: LumeRegistry): LumeRegistry {
  const keys = new Set(["name", "path", "account", "relations", "generic"]);
  const convert = (name: string) =>
    name
      .split(".")
      .map((part) => camelcase(part, { locale: false }))
      .join(".");
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== "object" || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        keys.has(key) && typeof inner === "string"
          ? convert(inner)
          : keys.has(key) && Array.isArray(inner)
            ? inner.map((v) => convert(String(v)))
            : walk(inner),
      ]),
    );
  };
  return walk(idl) as LumeRegistry;
}

/**
 * Anchor's coders of the registry (accounts, events, instructions), as a `Program` has them:
 * decoding needs no connection. `idl`: the camelCase IDL, if the caller already holds it.
 */
export function registryCoder(idl: LumeRegistry = camelCaseIdl(LUME_REGISTRY_IDL)): anchor.BorshCoder {
  return new anchor.BorshCoder(idl);
}
