// On-chain times (unix seconds, 0 for "never set") as the CLI shows them: ISO text, or null in
// --json output and "-" in text when unset.

/** ISO 8601 (whole seconds), or null for an unset time (0). */
export function isoTime(seconds: number | { toNumber(): number }): string | null {
  const s = typeof seconds === "number" ? seconds : seconds.toNumber();
  return s === 0 ? null : new Date(s * 1000).toISOString().replace(".000Z", "Z");
}

/** For text output: the value, or "-" when there is none. */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined ? "-" : String(value);
}
