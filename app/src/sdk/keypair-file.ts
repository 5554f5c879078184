// Keypair files in the Solana CLI's format: a JSON array of the 64 secret-key bytes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, resolve } from "node:path";
import { Keypair } from "@solana/web3.js";

/** Expands a leading `~/` (as Anchor.toml and the Solana CLI write paths). */
export function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? resolve(homedir(), path.slice(2)) : resolve(path);
}

export function readKeypairFile(path: string): Keypair {
  const full = expandHome(path);
  let bytes: unknown;
  try {
    bytes = JSON.parse(readFileSync(full, "utf8"));
  } catch (err) {
    throw new Error(`cannot read keypair file ${full}: ${(err as Error).message}`);
  }
  if (!Array.isArray(bytes) || bytes.length !== 64 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw new Error(`${full} is not a keypair file (expected a JSON array of 64 bytes, as solana-keygen writes)`);
  }
  return Keypair.fromSecretKey(Uint8Array.from(bytes as number[]));
}

export function writeKeypairFile(path: string, keypair: Keypair): void {
  const full = expandHome(path);
  mkdirSync(dirname(full), { recursive: true });
  // 0600: it is a secret key, even if only a local one.
  writeFileSync(full, `${JSON.stringify(Array.from(keypair.secretKey))}\n`, { mode: 0o600 });
}

/** Reads `path`, or creates it with a fresh keypair; `created` tells which. */
export function loadOrCreateKeypairFile(path: string): { keypair: Keypair; created: boolean } {
  if (existsSync(expandHome(path))) return { keypair: readKeypairFile(path), created: false };
  const keypair = Keypair.generate();
  writeKeypairFile(path, keypair);
  return { keypair, created: true };
}
