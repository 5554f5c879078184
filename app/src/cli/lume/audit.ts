// Auditors' commands over the chain's own transactions (no indexer to trust): `lume history`
// lists the registry's changes, `lume audit` replays the history hash chain
// (head_n = sha256(head_{n-1} || event bytes n), head_0 = 32 zero bytes; docs/history-chain.md)
// and compares it with the head the registry account holds.
import type { Command } from "commander";
import { HistoryChain } from "../../../../indexer/src/history-chain.js";
import { eventPartner } from "../../../../indexer/src/store/store.js";
import { UserError } from "../../entry/user-error.js";
import { type ChainEvent, readChainEvents } from "./chain-history.js";
import type { CliContext } from "./context.js";
import { loadRegistry, partnerAddressOf } from "./registry-reads.js";
import type { Action } from "./runner.js";
import { isoTime, orDash } from "./time-text.js";

/** Progress on stderr (never in --json output on stdout). */
const progressOf = (ctx: CliContext) => (line: string) => ctx.io.err(line);

function eventJson(e: ChainEvent) {
  return {
    changeIndex: e.changeIndex,
    slot: e.slot,
    blockTime: e.blockTime,
    time: e.blockTime === null ? null : isoTime(e.blockTime),
    name: e.name,
    partner: eventPartner(e),
    signature: e.signature,
    raw: e.raw.toString("hex"),
    data: e.data,
  };
}

export function registerAudit(program: Command, action: Action): void {
  program
    .command("history")
    .description(
      "the registry's changes, read from the chain's transactions (no indexer): index, slot, time, what, transaction",
    )
    .option("--partner <id|address>", "only the changes about this partner")
    .action(
      action(async (ctx, opts: { partner?: string }) => {
        const partner = opts.partner === undefined ? undefined : partnerAddressOf(ctx, opts.partner).toBase58();
        const events = (await readChainEvents(ctx, progressOf(ctx)))
          .map(eventJson)
          .filter((e) => partner === undefined || e.partner === partner);
        ctx.print(events, () =>
          events.length === 0
            ? `no changes${partner === undefined ? "" : ` about partner ${partner}`}`
            : events
                .map(
                  (e) =>
                    `#${e.changeIndex} slot ${e.slot} ${orDash(e.time)}  ${e.name}${e.partner === null ? "" : `  partner ${e.partner}`}  tx ${e.signature}`,
                )
                .join("\n"),
        );
      }),
    );

  program
    .command("audit")
    .description(
      "replay the history hash chain from the chain's transactions and compare it with the registry's on-chain head; exit 1 on any difference",
    )
    .action(
      action(async (ctx) => {
        const registry = await loadRegistry(ctx);
        const onChainCount = Number(registry.history.changeCount.toString());
        const onChainHead = Buffer.from(registry.history.head).toString("hex");
        const events = await readChainEvents(ctx, progressOf(ctx));
        // Changes made after the registry was read are not in its head yet: replay up to its count.
        const chain = new HistoryChain();
        const problems: string[] = [];
        for (const e of events) {
          if (chain.through === onChainCount) break;
          if (e.changeIndex !== chain.through + 1) {
            problems.push(
              `change #${chain.through + 1} is missing from the chain's transactions (next found: #${e.changeIndex})`,
            );
            break;
          }
          chain.append(e.changeIndex, e.raw);
        }
        if (chain.through < onChainCount && problems.length === 0)
          problems.push(`the chain's transactions hold ${chain.through} changes, the registry counts ${onChainCount}`);
        const replayedHead = chain.through === onChainCount ? chain.head : null;
        if (replayedHead !== null && replayedHead !== onChainHead)
          problems.push(`the replayed head ${replayedHead} differs from the on-chain head ${onChainHead}`);
        const report = {
          ok: problems.length === 0,
          changesReplayed: chain.through,
          onChainChangeCount: onChainCount,
          replayedHead,
          onChainHead,
          problems,
        };
        ctx.print(report, () =>
          [
            `replayed ${report.changesReplayed} changes from the chain's transactions; the registry counts ${onChainCount}`,
            `  head: replayed ${orDash(replayedHead)}, on chain ${onChainHead}`,
            ...problems.map((p) => `  DIFF ${p}`),
            report.ok ? "audit: OK" : `audit: ${problems.length} difference(s)`,
          ].join("\n"),
        );
        if (!report.ok) throw new UserError(`audit found ${problems.length} difference(s)`);
      }),
    );
}
