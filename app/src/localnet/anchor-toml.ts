// The two Anchor.toml settings the local chain needs: the program id under
// [programs.localnet] and the provider wallet. Anchor.toml keeps these as plain
// `key = "string"` lines, so a line reader does (no TOML dependency for two strings).
import { readFileSync } from "node:fs";
import { PublicKey } from "@solana/web3.js";
import { LocalnetError } from "./errors.js";

export interface AnchorWorkspace {
  /** `[programs.localnet]`: program name → id. */
  localnetPrograms: Map<string, PublicKey>;
  /** `[provider] wallet`, as written (may start with `~/`). */
  providerWallet: string | undefined;
}

const SECTION = /^\[([^\]]+)\]\s*(?:#.*)?$/;
const STRING_ENTRY = /^([A-Za-z0-9_-]+)\s*=\s*"([^"]*)"\s*(?:#.*)?$/;

function sections(text: string): Map<string, Map<string, string>> {
  const result = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  result.set("", current);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const section = SECTION.exec(line);
    if (section?.[1] !== undefined) {
      current = result.get(section[1].trim()) ?? new Map<string, string>();
      result.set(section[1].trim(), current);
      continue;
    }
    const entry = STRING_ENTRY.exec(line);
    if (entry?.[1] !== undefined && entry[2] !== undefined) current.set(entry[1], entry[2]);
  }
  return result;
}

export function readAnchorToml(path = "Anchor.toml"): AnchorWorkspace {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new LocalnetError(`cannot read ${path}: ${(err as Error).message} (run from the repository root)`);
  }
  const parsed = sections(text);
  const localnetPrograms = new Map<string, PublicKey>();
  for (const [name, id] of parsed.get("programs.localnet") ?? []) {
    try {
      localnetPrograms.set(name, new PublicKey(id));
    } catch {
      throw new LocalnetError(`${path}: [programs.localnet] ${name} = "${id}" is not a valid program id`);
    }
  }
  return { localnetPrograms, providerWallet: parsed.get("provider")?.get("wallet") };
}

/** The id of `program` under [programs.localnet]. */
export function localnetProgramId(workspace: AnchorWorkspace, program: string): PublicKey {
  const id = workspace.localnetPrograms.get(program);
  if (id === undefined) throw new LocalnetError(`Anchor.toml has no ${program} under [programs.localnet]`);
  return id;
}
