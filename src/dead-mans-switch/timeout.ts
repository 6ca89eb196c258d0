/**
 * The dead man's switch's timeout, checked before anything is sent. HTX: `0` disarms, otherwise
 * at least 5 s (docs/htx-notes.md, "Dead man's switch"); it documents no maximum, so ours is the
 * longest timeout whose milliseconds fit a signed 32-bit integer, the most a service keeping the
 * trigger in an `int` of ms can hold, and the longest a timer can wait (docs/dead-mans-switch.md).
 */
import { HtxInputError } from "../core/errors.ts";
import { describe, MAX_TIMER_MS } from "../core/checks.ts";

/** HTX's shortest timeout that arms, in seconds. */
export const MIN_TIMEOUT_SECONDS = 5;
/** Ours: ⌊(2^31 − 1) / 1000⌋ s, about 24.8 days. */
export const MAX_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/**
 * The timeout as HTX takes it: `0` (disarm) or an integer from 5 to {@link MAX_TIMEOUT_SECONDS}.
 * @throws {HtxInputError} saying what to pass, for anything else.
 */
export function validateTimeout(value: unknown, name = "timeoutSeconds"): number {
  const ok = typeof value === "number" && Number.isInteger(value) &&
    (value === 0 || (value >= MIN_TIMEOUT_SECONDS && value <= MAX_TIMEOUT_SECONDS));
  if (ok) return value;
  const shown = typeof value === "number" ? String(value) : describe(value);
  throw new HtxInputError(
    `${name} must be 0 (disarm) or a whole number of seconds from ${MIN_TIMEOUT_SECONDS} to ` +
      `${MAX_TIMEOUT_SECONDS}, got ${shown}: HTX arms no switch under 5 s (60 s is its advice).`,
  );
}
