// How a commander action becomes a `lume` command: the global options resolved into a
// CliContext, the command's own options and positional arguments passed on.
import type { Command } from "commander";
import { CliContext, type GlobalOptions, type Io } from "./context.js";

export type Handler = (ctx: CliContext, opts: Record<string, any>, ...args: (string | undefined)[]) => Promise<void>;
export type Action = (handler: Handler) => (...args: any[]) => Promise<void>;

export function actionFactory(io: Io, retryBaseMs: number): Action {
  return (handler) =>
    async (...args: any[]) => {
      const command = args[args.length - 1] as Command;
      const positional = args.slice(0, -2) as (string | undefined)[];
      const ctx = new CliContext(command.optsWithGlobals<GlobalOptions>(), io, retryBaseMs);
      try {
        await handler(ctx, command.opts(), ...positional);
      } finally {
        ctx.close();
      }
    };
}
