// The one retry loop of the project (RPC reads, CLI requests, program buffer writes, the
// indexer's first read of the chain): a number of tries, a doubling pause with jitter, an abort
// signal, and a hook that says each retry in words. p-retry counts the tries and honours the
// signal; the pause is computed here so that the hook can name the wait that follows.
import { setTimeout as sleep } from "node:timers/promises";
import pRetry from "p-retry";

export interface RetryOptions {
  /** Tries in all, the first included (`Infinity`: until one succeeds or `signal` aborts). */
  attempts: number;
  /** The pause before the first retry; it doubles after each failure, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs?: number;
  /** Retries only the failures this accepts (default: all); any other is thrown at once. */
  retryable?: (err: Error) => boolean;
  /** Ends the waiting at once: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called before each pause: the failure, the try that failed (1 is the first), the pause. */
  onRetry?: (retry: { error: Error; attempt: number; delayMs: number }) => void;
}

/**
 * The pause after `failures` failed tries: the doubled delay (capped), less a random part of up
 * to half of it ("equal jitter"), so that many clients failing together do not retry together.
 */
export function backoffDelay(failures: number, firstDelayMs: number, maxDelayMs = Number.POSITIVE_INFINITY): number {
  const ceiling = Math.min(maxDelayMs, firstDelayMs * 2 ** failures);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Runs `fn` until it succeeds or the tries run out (then its last failure is thrown). As in
 * p-retry, a `TypeError` other than fetch's network failure is a bug, thrown at once.
 */
export function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { signal } = options;
  return pRetry(fn, {
    retries: options.attempts - 1,
    minTimeout: 0, // the pause is the one below
    signal,
    shouldRetry: async ({ error, attemptNumber }) => {
      if (options.retryable !== undefined && !options.retryable(error)) return false;
      const delayMs = backoffDelay(attemptNumber - 1, options.firstDelayMs, options.maxDelayMs);
      options.onRetry?.({ error, attempt: attemptNumber, delayMs });
      // An abort ends the pause; p-retry then rejects with the signal's reason.
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
      return true;
    },
  });
}
