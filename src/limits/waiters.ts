/**
 * Callers waiting for a rate-limit slot, first come, first served: the queue of the in-process
 * limiter (./limiter.ts) and of the Redis limiter's process (./redis/limiter.ts). A caller whose
 * signal aborts leaves the queue at once and hears why; one served no longer listens for it.
 */
import { HtxAbortError } from "../http/request-errors.ts";

/** Tells the limiter that the request's answer (or its failure) has arrived. */
export type ReleaseSlot = () => void;

/** One caller in a queue. */
export interface Waiter {
  resolve: (release: ReleaseSlot) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Puts a caller in `queue` and calls `wake()`; resolves with its slot's release when served. On
 * its signal's abort it leaves the queue, `onEmpty()` runs if it was the last, and it rejects
 * with `HtxAbortError`.
 */
export function enqueue(
  queue: Waiter[],
  signal: AbortSignal | undefined,
  { wake, onEmpty }: { wake: () => void; onEmpty: () => void },
): Promise<ReleaseSlot> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<ReleaseSlot>((resolve, reject) => {
    const waiter: Waiter = { resolve, reject, signal };
    if (signal) {
      waiter.onAbort = () => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0) onEmpty();
        reject(abortError(signal));
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
    }
    queue.push(waiter);
    wake();
  });
}

/** Hands `release` to `waiter`, which no longer listens for its abort. */
export function serve(waiter: Waiter, release: ReleaseSlot): void {
  if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
  waiter.resolve(release);
}

/** What a caller whose signal aborted before it got a slot hears. */
export function abortError(signal: AbortSignal): HtxAbortError {
  return new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason });
}
