// The fleet's children (HAProxy, the replicas) must end with it, also when it is killed with
// SIGKILL, which runs no handler of its own: HAProxy would keep the port and the replicas their
// chain streams. On Linux, util-linux's `setpriv --pdeathsig SIGTERM` asks the kernel to send the
// child SIGTERM when its parent dies and then execs the command (same pid, so `kill` and exit
// codes are the command's own). Where setpriv is missing the command runs as it is, and only
// the fleet's exit handler covers an ending without stop().
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { existsSync } from "node:fs";

const SETPRIV = "/usr/bin/setpriv";

/** Whether children spawned with `spawnTied` end when this process dies, however it dies. */
export const childrenTiedToParent = process.platform === "linux" && existsSync(SETPRIV);

/** `spawn(command, args, options)`, the child sent SIGTERM when this process dies. */
export function spawnTied(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  if (!childrenTiedToParent) return spawn(command, args, options);
  return spawn(SETPRIV, ["--pdeathsig", "SIGTERM", "--", command, ...args], options);
}
