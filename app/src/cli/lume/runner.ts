// How a commander action becomes a `lume` command: the global options resolved into a
// CliContext, the command's own options and positional arguments passed on.
import type { Command } from "commander";
import { CliContext, type GlobalOptions, type Io } from "./context.js";

/**
 * A command's body. `O` is the shape of the command's own options, written next to it as its
 * option declarations make them: commander gives a `<value>` option as a string, a flag as
 * `true` (`--no-x`: false), and leaves an option that was not given and has no default out.
 */
export type Handler<O> = (ctx: CliContext, opts: O, ...args: (string | undefined)[]) => Promise<void>;
/** Wraps a handler as commander's action callback (called with the positionals, the options and the Command). */
export type Action = <O>(handler: Handler<O>) => (...args: unknown[]) => Promise<void>;

export function actionFactory(io: Io, retryBaseMs: number): Action {
  return <O>(handler: Handler<O>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const positional = args.slice(0, -2) as (string | undefined)[];
      const ctx = new CliContext(command.optsWithGlobals<GlobalOptions>(), io, retryBaseMs);
      try {
        // The one unchecked step: the handler's `O` states what the command's declarations produce.
        await handler(ctx, command.opts() as O, ...positional);
      } finally {
        ctx.close();
      }
    };
}
