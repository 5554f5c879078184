// One JSON-RPC call from the reader's browser to the chain (the integrity checks read the chain
// themselves, not through the indexer).

/** Calls `method` with `params` at `rpcUrl` and returns its result; an RPC error is thrown in words. */
export async function rpcCall<T>(rpcUrl: string, method: string, params: unknown[]): Promise<T | undefined> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`the RPC refused ${method}: ${body.error.message}`);
  return body.result;
}
