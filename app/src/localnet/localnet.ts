// A local chain on Solana's default ports: a surfnet with programs deployed, its dynamic
// JSON-RPC and PubSub ports forwarded to fixed loopback ports.
import type { PublicKey } from "@solana/web3.js";
import { type DeployOptions, Surfnet } from "./surfnet.js";
import { startTcpForwarder, type TcpForwarder } from "./tcp-forward.js";

/** Solana's defaults (solana-test-validator, the CLI's `-u localhost`, Anchor's localnet). */
export const DEFAULT_RPC_PORT = 8899;
export const DEFAULT_WS_PORT = 8900;
export const LOOPBACK = "127.0.0.1";

export interface LocalnetOptions {
  programs: DeployOptions[];
  /** Accounts to fund with SOL (lamports), e.g. the upgrade authority that pays for initialization. */
  fund?: { address: PublicKey; lamports: number | bigint }[];
  /** Default 8899; 0 picks a free port. */
  rpcPort?: number;
  /** Default 8900; 0 picks a free port. */
  wsPort?: number;
}

export interface Localnet {
  readonly surfnet: Surfnet;
  /** The forwarded JSON-RPC URL, e.g. http://127.0.0.1:8899 */
  readonly rpcUrl: string;
  /** The forwarded PubSub URL, e.g. ws://127.0.0.1:8900 */
  readonly wsUrl: string;
  /** Closes the forwarders (dropping connected clients), then the surfnet. Idempotent. */
  stop(): Promise<void>;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

export async function startLocalnet(options: LocalnetOptions): Promise<Localnet> {
  const surfnet = Surfnet.start();
  const forwarders: TcpForwarder[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(forwarders.map((f) => f.close()));
    surfnet.stop();
  };
  try {
    for (const program of options.programs) await surfnet.deploy(program);
    for (const { address, lamports } of options.fund ?? []) surfnet.fundSol(address, lamports);
    const forwards = [
      { label: "JSON-RPC", listenPort: options.rpcPort ?? DEFAULT_RPC_PORT, target: surfnet.rpcUrl },
      { label: "PubSub", listenPort: options.wsPort ?? DEFAULT_WS_PORT, target: surfnet.wsUrl },
    ];
    for (const { label, listenPort, target } of forwards)
      forwarders.push(await startTcpForwarder({ label, listenPort, targetHost: LOOPBACK, targetPort: portOf(target) }));
  } catch (err) {
    await stop();
    throw err;
  }
  const [rpc, ws] = forwarders as [TcpForwarder, TcpForwarder];
  let stopping: Promise<void> | undefined;
  return {
    surfnet,
    rpcUrl: `http://${rpc.host}:${rpc.port}`,
    wsUrl: `ws://${ws.host}:${ws.port}`,
    stop: () => (stopping ??= stop()),
  };
}
