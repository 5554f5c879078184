// A deadline on every JSON-RPC request of the CLI. Without one, a chain that accepts the
// connection but never answers held a command for undici's 300 s header timeout per attempt
// (20 minutes with the retries); now each request fails after `timeoutMs`, naming the method.

/** A request that got no answer in time; retried like any network failure. */
export class RpcTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
}

/** The JSON-RPC method(s) a request body asks for, for the message ("getAccountInfo"). */
function methodsOf(body: unknown): string {
  if (typeof body !== "string") return "request";
  try {
    const parsed = JSON.parse(body) as { method?: string } | { method?: string }[];
    const methods = (Array.isArray(parsed) ? parsed : [parsed]).map((r) => r.method ?? "?");
    return methods.join(", ");
  } catch {
    return "request";
  }
}

/** `fetch` for web3.js's Connection (and raw calls) that gives up after `timeoutMs`. */
export function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    try {
      return await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      if ((err as Error)?.name !== "TimeoutError") throw err;
      const url = input instanceof Request ? input.url : String(input);
      throw new RpcTimeoutError(
        `${methodsOf(init?.body)} timed out: no answer from ${url} within ${timeoutMs / 1000} s (--timeout)`,
      );
    }
  };
}
