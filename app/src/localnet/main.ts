// `npm run localnet`: the registry program on a local chain at Solana's default ports, until
// Ctrl-C. Options: --upgrade-authority <keypair.json> --rpc-port <n> --ws-port <n>
import { existsSync } from "node:fs";
import type { Keypair } from "@solana/web3.js";
import { portArg } from "../entry/port-arg.js";
import { runMain } from "../entry/run-main.js";
import { parseScriptArgs } from "../entry/script-args.js";
import { untilStopSignal } from "../entry/signals.js";
import { expandHome, loadOrCreateKeypairFile, readKeypairFile } from "../sdk/keypair-file.js";
import { readAnchorToml } from "./anchor-toml.js";
import { DEFAULT_RPC_PORT, DEFAULT_WS_PORT } from "./localnet.js";
import { startRegistryLocalnet } from "./registry-localnet.js";

/** Used when Anchor.toml's provider wallet does not exist on this machine. */
const FALLBACK_AUTHORITY_PATH = ".lume/localnet/upgrade-authority.json";

/** The upgrade authority: --upgrade-authority, else Anchor.toml's wallet, else a kept local key. */
function upgradeAuthority(flag: string | undefined): { path: string; keypair: Keypair } {
  if (flag !== undefined) return { path: flag, keypair: readKeypairFile(flag) };
  const wallet = readAnchorToml().providerWallet;
  if (wallet !== undefined && existsSync(expandHome(wallet))) return { path: wallet, keypair: readKeypairFile(wallet) };
  return { path: FALLBACK_AUTHORITY_PATH, keypair: loadOrCreateKeypairFile(FALLBACK_AUTHORITY_PATH).keypair };
}

const USAGE = `Usage: npm run localnet -- [options]   (or: npx lume localnet [options])

The registry program on a fresh local chain (in memory) until Ctrl-C.

Options:
  --upgrade-authority <file.json>  the program's upgrade authority (default Anchor.toml's wallet, else ${FALLBACK_AUTHORITY_PATH})
  --rpc-port <n>                   JSON-RPC port (default ${DEFAULT_RPC_PORT}; 0 picks a free one)
  --ws-port <n>                    PubSub port (default ${DEFAULT_WS_PORT}; 0 picks a free one)
  -h, --help                       this text`;

async function main(): Promise<void> {
  const values = parseScriptArgs(USAGE, {
    "upgrade-authority": { type: "string" },
    "rpc-port": { type: "string" },
    "ws-port": { type: "string" },
  });
  if (values === undefined) return;
  const authority = upgradeAuthority(values["upgrade-authority"]);
  const localnet = await startRegistryLocalnet({
    upgradeAuthority: authority.keypair.publicKey,
    rpcPort: portArg(values["rpc-port"], DEFAULT_RPC_PORT, "--rpc-port"),
    wsPort: portArg(values["ws-port"], DEFAULT_WS_PORT, "--ws-port"),
  });
  console.log(
    [
      "Local chain (surfpool embedded runtime, in memory: every start is a fresh chain)",
      `  JSON-RPC            ${localnet.rpcUrl}`,
      `  PubSub (WebSocket)  ${localnet.wsUrl}`,
      `  program             ${localnet.programId.toBase58()} (lume_registry)`,
      `  upgrade authority   ${localnet.upgradeAuthority.toBase58()} (${authority.path}, funded with 100 SOL)`,
      "",
      `Initialize the registry: npx tsx migrations/deploy.ts --wallet ${authority.path}`,
      "Ctrl-C stops the chain.",
    ].join("\n"),
  );
  const signal = await untilStopSignal();
  await localnet.stop();
  console.log(`\nStopped (${signal}).`);
}

runMain(main);
