// `lume localnet`: the local chain (start it; fund a key; move its clock past a time lock).
// fund and time-travel refuse any chain that is not on this machine: they are the local chain's
// cheatcodes, not something a real cluster offers.
import { Command } from "commander";
import { UserError } from "../../entry/user-error.js";
import { chainUnixTime } from "../../sdk/clock.js";
import { timeArg } from "./args.js";
import type { CliContext } from "./context.js";
import { addressOrKeyFile } from "./keys.js";
import type { Action } from "./runner.js";

const LAMPORTS_PER_SOL = 1_000_000_000;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Refuses a remote --url: airdrops and time travel exist only on the local chain. */
function requireLocalChain(ctx: CliContext, what: string, elsewhere: string): void {
  if (!LOOPBACK_HOSTS.has(new URL(ctx.url).hostname))
    throw new UserError(`${what} works only on a local chain (127.0.0.1/localhost), not on ${ctx.url}. ${elsewhere}`);
}

/** One JSON-RPC call outside web3.js (surfpool's `surfnet_*` cheatcodes), with the context's timeout. */
async function rpcCall(ctx: CliContext, what: string, method: string, params: unknown[]): Promise<unknown> {
  const body = await ctx.read(what, async () => {
    const response = await ctx.fetchRpc(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));
    return (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
  });
  if (body.error !== undefined) {
    if (body.error.code === -32601)
      throw new UserError(`${what}: the chain at ${ctx.url} has no ${method} (it is not the local chain of npm start)`);
    throw new UserError(`${what}: ${body.error.message}`);
  }
  return body.result;
}

export function registerLocalnet(
  program: Command,
  action: Action,
  startLocalnet: (args: string[]) => Promise<number>,
): void {
  const localnet = program
    .command("localnet")
    .description("the local chain: start it (default), fund a key, move its clock")
    .allowUnknownOption()
    .argument("[args...]", "to start the chain: --upgrade-authority <keypair.json> --rpc-port <n> --ws-port <n>")
    .action(async (args: string[]) => {
      const code = await startLocalnet(args);
      if (code !== 0) throw new UserError(`the local chain exited with code ${code}`);
    });

  localnet.addCommand(
    new Command("fund")
      .description("airdrop SOL to an address or a keypair file's key (local chain only)")
      .argument("<address|keypair.json>", "who gets the SOL")
      .option("--sol <n>", "how much", "10")
      .action(
        action(async (ctx, opts: { sol: string }, target) => {
          requireLocalChain(
            ctx,
            "lume localnet fund",
            "On devnet use `solana airdrop` or https://faucet.solana.com; on mainnet send SOL from a funded wallet.",
          );
          const address = addressOrKeyFile("<address|keypair.json>", target);
          const sol = Number(opts.sol);
          if (!Number.isFinite(sol) || sol <= 0 || sol > 1_000_000)
            throw new UserError(`--sol must be a number of SOL above 0, got "${opts.sol}"`);
          const lamports = Math.round(sol * LAMPORTS_PER_SOL);
          const signature = (await rpcCall(ctx, "funding", "requestAirdrop", [address.toBase58(), lamports])) as string;
          const balance = await ctx.read("reading the balance", async () => {
            const latest = await ctx.connection.getLatestBlockhash("confirmed");
            await ctx.connection.confirmTransaction({ signature, ...latest }, "confirmed");
            return ctx.connection.getBalance(address, "confirmed");
          });
          ctx.print(
            { address: address.toBase58(), lamports: String(lamports), balance: String(balance), signature },
            () => `funded ${address.toBase58()} with ${sol} SOL, confirmed: balance ${balance / LAMPORTS_PER_SOL} SOL`,
          );
        }),
      ),
  );

  localnet.addCommand(
    new Command("time-travel")
      .description("move the local chain's clock forward, e.g. past a proposal's time lock (local chain only)")
      .argument("<when>", "+<n>d/h/m/s from the chain's clock (e.g. +1h), an ISO date, or unix seconds")
      .action(
        action(async (ctx, _opts, when) => {
          requireLocalChain(
            ctx,
            "lume localnet time-travel",
            "A real cluster's clock cannot be moved: wait for the time lock.",
          );
          const before = await ctx.read("reading the clock", () => chainUnixTime(ctx.connection));
          const target = timeArg("<when>", when ?? "", before);
          if (target <= before)
            throw new UserError(
              `the chain's clock only moves forward: it reads ${new Date(before * 1000).toISOString()}, ${when} is not after that`,
            );
          await rpcCall(ctx, "moving the clock", "surfnet_timeTravel", [{ absoluteTimestamp: target * 1000 }]);
          const after = await ctx.read("reading the clock", () => chainUnixTime(ctx.connection));
          ctx.print(
            { before, after },
            () =>
              `the chain's clock moved from ${new Date(before * 1000).toISOString()} to ${new Date(after * 1000).toISOString()} ` +
              `(${Math.round((after - Date.now() / 1000) / 60)} min ahead of this machine's clock)`,
          );
        }),
      ),
  );
}
