/**
 * Taking a rate-limit slot for one request, for cancels and listings alike: a limiter that
 * fails (not through the caller's signal) is reported as what it is, its text redacted; one
 * that ignores the signal is not waited for past an abort; a release that throws costs nothing.
 */
import { HtxError } from "../core/errors.ts";
import { type RateLimiter, type ReleaseSlot, SlidingWindowLimiter } from "./limiter.ts";
import { redactCause } from "../core/redact.ts";

/**
 * Takes a slot; resolves to its release, if the limiter gives one. An abort (before or while
 * waiting, even when the limiter ignores the signal) throws `signal.reason` as it is, for the
 * caller to say what was not sent; a slot granted after the abort is released at once.
 * @param notSent what a failing limiter leaves unsent, e.g. `"these ids were not sent"`.
 * @returns a release that never throws: a limiter's failure to release (its shared store went
 *   away) must not cost the caller the answer of a request already sent.
 */
export async function takeSlot(
  limiter: RateLimiter | undefined,
  signal: AbortSignal | undefined,
  secrets: readonly string[],
  notSent: string,
): Promise<ReleaseSlot | undefined> {
  if (!limiter) return undefined;
  let granted: unknown;
  try {
    // `acquire(signal)` is the interface's promise: a limiter may rely on getting one. Without a
    // caller's signal, one that never aborts (made here, only where a limiter is asked), except
    // for this module's own acquire, which needs none (a signal costs Node 20 µs or so); a
    // subclass's acquire() is a custom one.
    const ours = limiter.acquire === SlidingWindowLimiter.prototype.acquire;
    const asked = signal ?? (ours ? undefined : new AbortController().signal);
    granted = await untilAborted(Promise.resolve(limiter.acquire(asked)), signal);
  } catch (cause) {
    if (signal?.aborted) throw signal.reason;
    throw new HtxError(`The rate limiter's acquire() failed; ${notSent}.`, false, {
      cause: redactCause(cause, secrets),
    });
  }
  const release = releaseOf(granted);
  if (signal?.aborted) {
    release?.();
    throw signal.reason;
  }
  return release;
}

/** The limiter's release, wrapped so that neither its throw nor its rejected promise escapes. */
function releaseOf(granted: unknown): ReleaseSlot | undefined {
  if (typeof granted !== "function") return undefined;
  return () => {
    try {
      const returned: unknown = granted();
      if (typeof (returned as PromiseLike<unknown> | undefined)?.then === "function") {
        (returned as PromiseLike<unknown>).then(undefined, () => {});
      }
    } catch {
      // The slot is the limiter's to free: its failure to do so is not this request's outcome.
    }
  };
}

/**
 * `acquiring`, or `signal.reason` as soon as the signal aborts, for limiters that ignore the
 * signal (a shared limiter whose store is down may never answer). A slot granted after that is
 * released at once.
 */
function untilAborted(acquiring: Promise<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  if (!signal) return acquiring;
  const releaseLate = () => acquiring.then((granted) => releaseOf(granted)?.(), () => {});
  if (signal.aborted) {
    releaseLate();
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      releaseLate();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    acquiring.then(
      (granted) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener("abort", onAbort);
        resolve(granted);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Tells `limiter` that HTX refused a request of its budget for its rate, if it wants to know
 * (`penalize`); neither its throw nor its rejected promise reaches the caller.
 */
export function reportRateLimited(limiter: RateLimiter | undefined): void {
  try {
    const returned: unknown = limiter?.penalize?.();
    if (typeof (returned as PromiseLike<unknown> | undefined)?.then === "function") {
      (returned as PromiseLike<unknown>).then(undefined, () => {});
    }
  } catch {
    // The budget is the limiter's to keep: its failure to learn is not this request's outcome.
  }
}
