import assert from "node:assert/strict";
import { backoffDelay, retry } from "../../app/src/entry/retry.js";

describe("retry (app/src/entry/retry.ts)", () => {
  it("backoffDelay doubles, keeps within [half, all] of the doubled delay, and caps", () => {
    for (let failures = 0; failures < 6; failures++) {
      const ceiling = Math.min(1_000, 100 * 2 ** failures);
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(failures, 100, 1_000);
        assert.ok(delay >= ceiling / 2 && delay <= ceiling, `${delay} for ${failures} failures`);
      }
    }
  });

  it("retries until the tries run out, naming each try and its pause; then throws the last failure", async () => {
    const seen: string[] = [];
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls += 1;
          throw new Error(`failure ${calls}`);
        },
        {
          attempts: 3,
          firstDelayMs: 4,
          onRetry: ({ error, attempt, delayMs }) =>
            seen.push(`${attempt}: ${error.message} (${delayMs >= 2 ** attempt && delayMs <= 2 ** (attempt + 1)})`),
        },
      ),
      /failure 3/,
    );
    assert.equal(calls, 3);
    assert.deepEqual(seen, ["1: failure 1 (true)", "2: failure 2 (true)"]);
  });

  it("returns the first success; a failure it may not retry is thrown at once", async () => {
    let calls = 0;
    assert.equal(
      await retry(async (attempt) => (++calls < 2 ? Promise.reject(new Error("flaky")) : attempt), {
        attempts: 5,
        firstDelayMs: 1,
      }),
      2,
    );
    calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls += 1;
          throw new Error("refused");
        },
        { attempts: 5, firstDelayMs: 1, retryable: (err) => err.message !== "refused" },
      ),
      /refused/,
    );
    assert.equal(calls, 1);
  });

  it("an abort ends the pause at once and rejects with the signal's reason", async () => {
    const stopping = new AbortController();
    const started = Date.now();
    const running = retry(() => Promise.reject(new Error("down")), {
      attempts: Number.POSITIVE_INFINITY,
      firstDelayMs: 60_000,
      signal: stopping.signal,
      onRetry: () => setTimeout(() => stopping.abort(new Error("stopped")), 10),
    });
    await assert.rejects(running, /stopped/);
    assert.ok(Date.now() - started < 5_000);
  });
});
