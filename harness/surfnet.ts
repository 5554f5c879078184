// A private surfnet per mocha suite: dynamic loopback ports (never 8899/8900, so a running
// `npm start` or `npm run localnet` is never touched), the registry program deployed with a
// fresh upgrade authority, stopped in teardown.
import anchor from "@coral-xyz/anchor";
import { Connection, Keypair, type PublicKey } from "@solana/web3.js";
import { DEFAULT_RPC_PORT, DEFAULT_WS_PORT } from "../app/src/localnet/localnet.js";
import { Surfnet } from "../app/src/localnet/surfnet.js";
import { closeConnectionSocket } from "../app/src/sdk/connection-socket.js";
import { programDataAddress } from "../app/src/sdk/pda.js";
import { type RegistryProgram, registryProgram } from "../app/src/sdk/program.js";
import { withUpgradeAuthority } from "../app/src/sdk/program-data.js";
import { PROGRAM_ID, PROGRAM_SO_PATH } from "./program.js";

export const SOL = 1_000_000_000;

export interface SurfnetSuite {
  surfnet: Surfnet;
  connection: Connection;
  /** The program's upgrade authority (funded with 100 SOL). */
  upgradeAuthority: Keypair;
  /** A `confirmed` AnchorProvider on this surfnet for `wallet`. */
  provider(wallet: Keypair): anchor.AnchorProvider;
  /** The registry client with `wallet` as provider wallet. */
  program(wallet: Keypair): RegistryProgram;
  /** A new keypair funded with `sol` SOL. */
  fundedKeypair(sol?: number): Keypair;
  /** Rewrites the registry program's upgrade authority in its ProgramData (a cheatcode; null: immutable). */
  setUpgradeAuthority(authority: PublicKey | null): Promise<void>;
}

/**
 * A private surfnet on free ports (never the defaults) with the registry program deployed and a
 * funded upgrade authority; the caller stops it (`closeConnectionSocket(connection)`, then
 * `surfnet.stop()`). `useRegistrySurfnet` does both for a mocha suite; bench/ calls it directly.
 */
export async function startRegistrySurfnet(): Promise<SurfnetSuite> {
  const surfnet = Surfnet.start();
  const ports = [surfnet.rpcUrl, surfnet.wsUrl].map((u) => Number(new URL(u).port));
  if (ports.includes(DEFAULT_RPC_PORT) || ports.includes(DEFAULT_WS_PORT)) {
    surfnet.stop();
    throw new Error(`a private surfnet got a default port (${ports.join(", ")})`);
  }
  const upgradeAuthority = Keypair.generate();
  await surfnet.deploy({
    programId: PROGRAM_ID,
    soPath: PROGRAM_SO_PATH,
    upgradeAuthority: upgradeAuthority.publicKey,
  });
  surfnet.fundSol(upgradeAuthority.publicKey, 100 * SOL);
  const connection = new Connection(surfnet.rpcUrl, { commitment: "confirmed", wsEndpoint: surfnet.wsUrl });
  const provider = (wallet: Keypair) =>
    new anchor.AnchorProvider(connection, new anchor.Wallet(wallet), { commitment: "confirmed" });
  return {
    surfnet,
    connection,
    upgradeAuthority,
    provider,
    program: (wallet: Keypair) => registryProgram(provider(wallet)),
    fundedKeypair: (sol = 10) => {
      const keypair = Keypair.generate();
      surfnet.fundSol(keypair.publicKey, sol * SOL);
      return keypair;
    },
    setUpgradeAuthority: async (authority) => {
      const address = programDataAddress(PROGRAM_ID);
      const account = (await connection.getAccountInfo(address, "processed"))!;
      surfnet.setAccount({
        address,
        lamports: account.lamports,
        data: withUpgradeAuthority(account.data, authority),
        owner: account.owner,
      });
    },
  };
}

/**
 * Call inside `describe`: registers before/after hooks and returns the suite's handle,
 * whose fields are set once `before` has run.
 */
export function useRegistrySurfnet(): SurfnetSuite {
  const suite = {} as SurfnetSuite;
  before(async function () {
    this.timeout(30_000);
    Object.assign(suite, await startRegistrySurfnet());
  });
  after(() => {
    if (suite.connection !== undefined) closeConnectionSocket(suite.connection);
    suite.surfnet?.stop();
  });
  return suite;
}
