// Loads an Anchor IDL (spec 0.1.0) from disk and builds a typed-enough Program on a provider.
import { readFileSync } from "node:fs";
import type { Idl, Program, Provider } from "@coral-xyz/anchor";
import anchor from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";

/** Path of the registry program's IDL (written by the program build). */
export const LUME_REGISTRY_IDL_PATH = "programs/lume-registry/idl/lume_registry.json";

export function loadIdl<T extends Idl = Idl>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/**
 * `new Program(idl, provider)`; `programId` overrides the IDL's address, for tests that
 * deploy the same binary at a fresh id.
 */
export function programFromIdl<T extends Idl = Idl>(
  idlOrPath: T | string,
  provider: Provider,
  programId?: PublicKey,
): Program<T> {
  const idl = typeof idlOrPath === "string" ? loadIdl<T>(idlOrPath) : idlOrPath;
  const withAddress = programId === undefined ? idl : { ...idl, address: programId.toBase58() };
  return new anchor.Program<T>(withAddress, provider);
}

/** Events (discriminator + Borsh body, see `programEvents`) decoded by `program`'s coder. */
export function decodeEvents<T extends Idl>(program: Program<T>, events: Buffer[]): { name: string; data: unknown }[] {
  return events.map((bytes) => {
    const event = program.coder.events.decode(bytes.toString("base64"));
    if (event === null) throw new Error("an event the IDL does not describe");
    return { name: event.name, data: event.data };
  });
}
