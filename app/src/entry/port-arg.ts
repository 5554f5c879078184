// A `--*-port` command-line value.
import { UserError } from "./user-error.js";

export function portArg(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new UserError(`${flag} must be a port number (0 picks a free one), got "${value}"`);
  return n;
}
