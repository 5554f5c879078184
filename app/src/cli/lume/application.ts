// `lume partner apply --file application.json`: the application as a JSON file, validated with
// zod before anything is sent. Every problem names its JSON path and the line it is on.
// The schema is documented in docs/cli.md.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { UserError } from "../../entry/user-error.js";

const byteLength = (max: number) => (s: string) => Buffer.byteLength(s, "utf8") <= max;
const category = z.union([z.string().min(1), z.int().min(0).max(63)]);

export const APPLICATION_SCHEMA = z.strictObject({
  legalName: z.string().min(1, "must not be empty").refine(byteLength(63), "must be at most 63 bytes"),
  jurisdiction: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166 code such as "DE" or "US-CA"'),
  /** The legal entity identifier (LEI, registry number); only its SHA-256 goes on chain. */
  legalEntityId: z.string().min(1, "must not be empty"),
  evidence: z
    .strictObject({
      uri: z.string().min(1).refine(byteLength(127), "must be at most 127 bytes"),
      /** A local file hashed with SHA-256 (relative to the application file), or the hash itself. */
      file: z.string().min(1).optional(),
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits")
        .optional(),
    })
    .refine((e) => (e.file === undefined) !== (e.sha256 === undefined), "give exactly one of file and sha256"),
  trafficModel: z.strictObject({
    categories: z.array(category).min(1, "needs at least one category"),
    maxRequestsPerSecond: z.int().min(1).max(0xffff_ffff),
    burst: z.int().min(1).max(0xffff_ffff),
    maxBandwidthKbps: z.int().min(1).max(0xffff_ffff),
  }),
  endpoints: z
    .array(
      z.strictObject({
        host: z.string().min(1).refine(byteLength(63), "must be at most 63 bytes"),
        port: z.int().min(1).max(65_535),
        protocol: z.enum(["https", "wss", "quic", "tcp"]).default("https"),
        categories: z.array(category).min(1, "needs at least one category"),
      }),
    )
    .max(64)
    .default([]),
});

export type Application = z.infer<typeof APPLICATION_SCHEMA>;

/** The 1-based line of the value at `path` in `text` (found key by key; 1 if not found). */
export function lineOf(text: string, path: readonly PropertyKey[]): number {
  let position = 0;
  for (const segment of path) {
    if (typeof segment === "number") {
      // The n-th element: skip to the opening bracket, then count top-level commas.
      const open = text.indexOf("[", position);
      if (open < 0) break;
      let depth = 0;
      let count = 0;
      let i = open + 1;
      for (; i < text.length; i++) {
        const c = text[i]!;
        if (depth === 0 && count === segment && /\S/.test(c) && c !== ",") break; // the element starts here
        if (c === '"') {
          i = skipString(text, i);
          continue;
        }
        if (c === "[" || c === "{") depth++;
        else if (c === "]" || c === "}") {
          if (depth === 0) break;
          depth--;
        } else if (c === "," && depth === 0) count++;
      }
      position = i;
    } else {
      const found = text.indexOf(JSON.stringify(String(segment)), position);
      if (found < 0) break;
      position = found;
    }
  }
  return text.slice(0, position).split("\n").length;
}

function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

export class ApplicationError extends UserError {}

export interface LoadedApplication {
  application: Application;
  /** Directory relative evidence files are read from. */
  baseDir: string;
}

export function parseApplication(text: string, source: string): Application {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message);
    const line = at === null ? undefined : text.slice(0, Number(at[1])).split("\n").length;
    throw new ApplicationError(
      `${source}${line === undefined ? "" : `:${line}`}: not valid JSON (${(err as Error).message})`,
    );
  }
  const result = APPLICATION_SCHEMA.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path =
        issue.path.length === 0
          ? "(top level)"
          : issue.path
              .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
              .join("")
              .replace(/^\./, "");
      return `  ${source}:${lineOf(text, issue.path)}: ${path}: ${issue.message}`;
    });
    throw new ApplicationError(`${source} is not a valid application:\n${problems.join("\n")}`);
  }
  return result.data;
}

export function readApplication(path: string): LoadedApplication {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ApplicationError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return { application: parseApplication(text, path), baseDir: dirname(resolve(path)) };
}
