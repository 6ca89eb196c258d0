/**
 * Taking a rate-limit slot for one request, for cancels and listings alike: a limiter that
 * fails (not through the caller's signal) is reported as what it is, its text redacted.
 */
import { HtxError } from "../errors.ts";
import type { RateLimiter, ReleaseSlot } from "../limiter.ts";
import { redactCause } from "../redact.ts";

/**
 * Takes a slot; resolves to its release, if the limiter gives one. An abort (before or while
 * waiting) throws `signal.reason` as it is, for the caller to say what was not sent; a slot
 * granted after the abort is released at once.
 * @param notSent what a failing limiter leaves unsent, e.g. `"these ids were not sent"`.
 */
export async function takeSlot(
  limiter: RateLimiter | undefined,
  signal: AbortSignal,
  secrets: readonly string[],
  notSent: string,
): Promise<ReleaseSlot | undefined> {
  if (!limiter) return undefined;
  let granted: unknown;
  try {
    granted = await limiter.acquire(signal);
  } catch (cause) {
    if (signal.aborted) throw signal.reason;
    throw new HtxError(`The rate limiter's acquire() failed; ${notSent}.`, false, {
      cause: redactCause(cause, secrets),
    });
  }
  const release = typeof granted === "function" ? (granted as ReleaseSlot) : undefined;
  if (signal.aborted) {
    release?.();
    throw signal.reason;
  }
  return release;
}
