// Commands for operators of nodes (the user devices that serve partners' requests):
// `node verify <envelope>` and `node watch --indexer <url>`.
import { type Command, CommanderError } from "commander";
import { untilStopSignal } from "../../entry/signals.js";
import { intArg } from "./args.js";
import { formatVerifyReport, indexerUrlArg, runVerify } from "./node-verify.js";
import { IndexerWatch } from "./node-watch.js";
import { partnerAddressOf } from "./registry-reads.js";
import type { Action } from "./runner.js";

export function registerNode(program: Command, action: Action): void {
  const node = program
    .command("node")
    .description("node operators: check a signed request envelope, follow registry changes");

  node
    .command("verify")
    .description("decide on one signed request envelope as a node would (docs/request-envelope.md)")
    .argument("<envelope>", "the 134-byte envelope as hex, base64, or @file with the raw bytes")
    .option(
      "--indexer <graphql-url>",
      "load the registry snapshot from this indexer (e.g. http://127.0.0.1:4000/graphql) instead of over RPC (--url)",
    )
    .addHelpText(
      "after",
      "\nExit code: 0 when the request would be allowed, 1 when it is refused (the reason is printed) or\n" +
        "the envelope or snapshot cannot be read. A degraded indexer is refused: its snapshot may miss changes.\n" +
        "The check runs at this machine's clock: an envelope signed more than 30 s ago is refused (timestamp_skew).",
    )
    .action(
      action(async (ctx, opts: { indexer?: string }, envelope) => {
        const report = await runVerify(ctx, envelope!, opts.indexer);
        ctx.print(report, () => formatVerifyReport(report));
        // A refusal is an answer, not an error: no "error:" line, just the exit code (runLume returns it).
        if (!report.allowed) throw new CommanderError(1, "lume.node.refused", `refused: ${report.reason}`);
      }),
    );

  node
    .command("watch")
    .description("print every registry change the indexer reports, as it happens, until Ctrl-C")
    .requiredOption(
      "--indexer <graphql-url>",
      "the indexer's GraphQL URL, e.g. http://127.0.0.1:4000/graphql (its WebSocket serves the subscription)",
    )
    .option(
      "--from <changeIndex>",
      "first replay the stored changes after this change index (default: only new changes)",
    )
    .option("--partner <partner>", "only this partner's changes (its id or account address)")
    .addHelpText(
      "after",
      "\nOne line per change: change index, slot, block time, event, partner, transaction; with --json one\n" +
        'JSON object per line ({"type":"change",...}, and "connected" / "disconnected" / "reconnected").\n' +
        "A lost connection is retried with backoff and resumes after the last change printed.\n" +
        "Exit code 1 if the indexer cannot be reached at start (within 10 s); 0 on Ctrl-C (SIGINT) or SIGTERM.",
    )
    .action(
      action(async (ctx, opts: { indexer: string; from?: string; partner?: string }) => {
        // Listen first: a Ctrl-C during start-up must stop us cleanly, not kill the process mid-print.
        const stopSignal = untilStopSignal();
        const watch = new IndexerWatch({
          graphqlUrl: indexerUrlArg(opts.indexer),
          ...(opts.from === undefined ? {} : { from: intArg("--from", opts.from, 0, Number.MAX_SAFE_INTEGER) }),
          ...(opts.partner === undefined ? {} : { partner: partnerAddressOf(ctx, opts.partner).toBase58() }),
          json: ctx.json,
          out: (line) => ctx.io.out(line),
        });
        try {
          await Promise.race([watch.start(), stopSignal]);
          const signal = await Promise.race([stopSignal, watch.failed]);
          if (!ctx.json) ctx.io.out(`stopped (${signal})`);
        } finally {
          await watch.stop();
        }
      }),
    );
}
