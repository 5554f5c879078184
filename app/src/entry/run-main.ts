// The shell of every entry point: run, then exit with the returned code. A UserError prints
// its message alone; anything else is a bug and prints its stack.
import { UserError } from "./user-error.js";

// biome-ignore lint/suspicious/noConfusingVoidType: entry points that have no exit code return nothing.
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    // Exit explicitly: an idle keep-alive socket or WebSocket must not keep a finished CLI alive.
    (code) => process.exit(code ?? 0),
    (err: unknown) => {
      console.error(err instanceof UserError ? `error: ${err.message}` : err);
      process.exit(1);
    },
  );
}
