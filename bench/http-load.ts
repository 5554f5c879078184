/**
 * HTTP load generator for bench/graphql-lookup.ts, run as its own process so that the client's
 * CPU (request building, response parsing, checking) is not taken from the server it measures.
 * autocannon keeps `connections` keep-alive sockets busy for `seconds`; every response body is
 * parsed and checked, and any wrong answer, error or non-2xx fails the run.
 *
 *   node --import tsx bench/http-load.ts <spec.json>   → one JSON line on stdout (LoadResult)
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export interface LoadSpec {
  url: string;
  seconds: number;
  connections: number;
  /** POST bodies, sent round-robin. */
  bodies: string[];
  /** What a correct answer looks like. */
  expect: "partner" | "typename";
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number };
}

/** The GraphQL answers the load test sends for (only the fields it checks). */
interface Answer {
  data?: { partner?: { legalName?: unknown } | null; __typename?: unknown } | null;
}

const checks: Record<LoadSpec["expect"], (json: Answer | null) => boolean> = {
  partner: (json) => typeof json?.data?.partner?.legalName === "string",
  typename: (json) => json?.data?.__typename === "Query",
};

async function run(spec: LoadSpec): Promise<LoadResult> {
  const check = checks[spec.expect];
  const { pathname } = new URL(spec.url);
  let next = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    // 1 = no pipelining: one request in flight per socket, as a real client does.
    pipelining: 1,
    requests: [
      {
        method: "POST",
        path: pathname,
        headers: { "content-type": "application/json" },
        setupRequest: (req) => ({ ...req, body: spec.bodies[next++ % spec.bodies.length] }),
      },
    ],
    verifyBody: (body: string) => {
      try {
        return check(JSON.parse(body));
      } catch {
        return false;
      }
    },
  });
  const failures = result.errors + result.timeouts + result.non2xx + result.mismatches;
  if (failures > 0) {
    throw new Error(
      `${failures} of ${result.requests.total} requests failed (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, wrong answers ${result.mismatches})`,
    );
  }
  return {
    requests: result.requests.total,
    // Completed requests over the measured window (autocannon's own duration, not our wall clock).
    perSecond: result.requests.total / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
  };
}

const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as LoadSpec;
run(spec).then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
