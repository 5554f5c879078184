// Initializes the registry on a cluster where the program is deployed:
//   npx tsx migrations/deploy.ts [--url <rpc>] [--ws-url <pubsub>] [--wallet <keypair.json>]
//                                [--config <file.json>] [--handover] [--json]
// Defaults follow Anchor: ANCHOR_PROVIDER_URL (else http://127.0.0.1:8899), ANCHOR_WALLET (else
// Anchor.toml's [provider] wallet), and migrations/config/localnet.json. The PubSub URL (used to
// confirm the transaction) defaults to the RPC port + 1, as web3.js and the Solana CLI derive it.
// The wallet must be the program's upgrade authority. With --handover it then hands the upgrade
// authority to the registry council (the PDA ["upgrade_authority"]): from then on only executed
// proposals change the code. Running it again prints the registry and changes nothing.
import anchor from "@coral-xyz/anchor";
import { Connection } from "@solana/web3.js";
import { formatRegistry } from "../app/src/cli/format-registry.js";
import { runMain } from "../app/src/entry/run-main.js";
import { parseScriptArgs } from "../app/src/entry/script-args.js";
import { readAnchorToml } from "../app/src/localnet/anchor-toml.js";
import { readKeypairFile } from "../app/src/sdk/keypair-file.js";
import { DEFAULT_CONFIG_PATH, DEFAULT_RPC_URL } from "./deploy-defaults.js";
import { DeployError, ensureHandover, ensureRegistry } from "./initialize-registry.js";
import { loadRegistryConfig } from "./registry-config.js";

const USAGE = `Usage: npx tsx migrations/deploy.ts [options]

Initializes the registry where the program is deployed (idempotent: a second run changes nothing).

Options:
  --url <rpc>            JSON-RPC URL (default $ANCHOR_PROVIDER_URL, else ${DEFAULT_RPC_URL})
  --ws-url <pubsub>      PubSub URL (default: the RPC port + 1)
  --wallet <file.json>   the program's upgrade authority (default $ANCHOR_WALLET, else Anchor.toml's wallet)
  --config <file.json>   the registry's initial config (default ${DEFAULT_CONFIG_PATH})
  --handover             then hand the program's upgrade authority to the registry council
                         (final for the wallet: later upgrades only by council proposal)
  --json                 print the result as JSON
  -h, --help             this text`;

async function main(): Promise<void> {
  const values = parseScriptArgs(USAGE, {
    url: { type: "string" },
    "ws-url": { type: "string" },
    wallet: { type: "string" },
    config: { type: "string" },
    handover: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  });
  if (values === undefined) return;
  const url = values.url ?? process.env.ANCHOR_PROVIDER_URL ?? DEFAULT_RPC_URL;
  const walletPath = values.wallet ?? process.env.ANCHOR_WALLET ?? readAnchorToml().providerWallet;
  if (walletPath === undefined) throw new DeployError("no wallet: pass --wallet <keypair.json> or set ANCHOR_WALLET");
  const configPath = values.config ?? DEFAULT_CONFIG_PATH;

  // Read everything local first, so a bad file is reported before the network is touched.
  const config = loadRegistryConfig(configPath);
  const wallet = new anchor.Wallet(readKeypairFile(walletPath));
  const connection = new Connection(url, { commitment: "confirmed", wsEndpoint: values["ws-url"] });
  try {
    await connection.getVersion();
  } catch (err) {
    throw new DeployError(
      `cannot reach the JSON-RPC endpoint ${url} (${(err as Error).message}): is the local chain running (\`npm run localnet\`)?`,
    );
  }
  const provider = new anchor.AnchorProvider(connection, wallet, { commitment: "confirmed" });
  const result = await ensureRegistry(provider, config);
  const handover = values.handover ? await ensureHandover(provider) : null;

  if (values.json) {
    console.log(JSON.stringify(handover === null ? result : { ...result, handover }));
    return;
  }
  if (handover !== null)
    console.log(
      handover.status === "handed-over"
        ? `Handed the program's upgrade authority to the registry council ${handover.upgradeAuthority} (transaction ${handover.signature}).`
        : `The registry council ${handover.upgradeAuthority} already holds the program's upgrade authority.`,
    );
  if (result.status === "initialized") {
    console.log(`Initialized the registry from ${configPath} (transaction ${result.signature}).`);
    console.log(formatRegistry(result.registry));
  } else {
    console.log(
      `The registry already exists on ${url}: left as it is (${configPath} not applied, never re-initialized).`,
    );
    console.log(formatRegistry(result.registry));
  }
}

runMain(main);
