/**
 * The options of `SlidingWindowLimiter`, checked apart from the limiter itself, so that
 * `new HtxClient` can refuse a bad window at once while the limiter is built on first use.
 */
import { HtxInputError } from "../core/errors.ts";
import { isNumberInRange, MAX_TIMER_MS } from "../core/checks.ts";

/** Options of {@link SlidingWindowLimiter}. */
export interface SlidingWindowOptions {
  /** Requests per window; default 50 (HTX's batch-cancel limit). */
  limit?: number;
  /** Window length in ms; default 2000. */
  intervalMs?: number;
  /** Extra ms each slot is held, against timer and clock rounding; default 10. */
  marginMs?: number;
  /**
   * A slot whose release never comes is freed this many ms after its grant; default 30_000 (or
   * `intervalMs` if longer). Keep it at least the longest time a request can be in flight (the
   * client's `timeoutMs`): a slot freed earlier lets a new request overlap one still on its way.
   */
  maxHoldMs?: number;
  /** Monotonic clock in ms; default `performance.now`. Use `Date.now` when slots are persisted. */
  now?: () => number;
  /**
   * Busy slots from an earlier {@link SlidingWindowLimiter.snapshot} (same clock), e.g. after a
   * restart. A slot still in flight stays busy until `grantedAt + maxHoldMs`: its request may
   * still be on its way to HTX, and its release is lost with the process that held it.
   */
  restore?: readonly SlotRecord[];
}

/** A busy slot: when it was granted and, once the answer came, when that was. */
export interface SlotRecord {
  /** When the slot was granted (limiter clock, ms). */
  grantedAt: number;
  /** When the answer arrived; absent while the request is in flight. */
  releasedAt?: number;
}

/** The window of a limiter built without options: HTX's batch-cancel window, 2 s. */
export const DEFAULT_INTERVAL_MS = 2000;
/** How long an unreleased slot is held at most by default (at least a window). */
export const DEFAULT_MAX_HOLD_MS = 30_000;
/** A window's options without `restore`: what a client's own window takes (it starts empty). */
export type WindowOptions = Omit<SlidingWindowOptions, "restore">;
/**
 * The fields of {@link WindowOptions}, for checking an options object. `restore` is left out: a
 * client builds its window when it is first used, and slots carried over from elsewhere belong
 * in a `SlidingWindowLimiter` built with them, passed as the `rateLimit`.
 */
export const WINDOW_FIELDS: readonly (keyof WindowOptions)[] = ["limit", "intervalMs", "marginMs", "maxHoldMs", "now"];

/** Window options after {@link checkWindowOptions}: every default filled in; `restore` is the limiter's to check. */
export interface CheckedWindowOptions {
  limit: number;
  intervalMs: number;
  marginMs: number;
  maxHoldMs: number;
  now: () => number;
}

/**
 * Checks a sliding window's options and fills in the defaults.
 * @param owner How to name the limiter in messages, e.g. `"SlidingWindowLimiter"`.
 * @throws {HtxInputError} naming the option and what to pass.
 */
export function checkWindowOptions(owner: string, options: WindowOptions): CheckedWindowOptions {
  if (typeof options !== "object" || options === null) {
    throw new HtxInputError(`${owner}: pass an options object such as { limit: 50, intervalMs: 2000 }.`);
  }
  const limit = checkedNumber(owner, "limit", options.limit ?? 50, 1, { integer: true });
  const intervalMs = checkedNumber(owner, "intervalMs", options.intervalMs ?? DEFAULT_INTERVAL_MS, 1);
  const marginMs = checkedNumber(owner, "marginMs", options.marginMs ?? 10, 0);
  // At least a window: a slot freed sooner would not have held its window.
  const maxHoldMs = checkedNumber(
    owner,
    "maxHoldMs (at least intervalMs)",
    options.maxHoldMs ?? Math.max(DEFAULT_MAX_HOLD_MS, intervalMs),
    intervalMs,
  );
  if (options.now !== undefined && typeof options.now !== "function") {
    throw new HtxInputError(`${owner}: now must be a function returning ms, e.g. () => Date.now().`);
  }
  const now = options.now ?? (() => performance.now());
  return { limit, intervalMs, marginMs, maxHoldMs, now };
}

/**
 * `value` if it is a finite number from `min` to 2^31 − 1 (the longest timer; a whole number if
 * asked), else an {@link HtxInputError} that names `owner` and `name` and says what to pass.
 */
export function checkedNumber(
  owner: string,
  name: string,
  value: unknown,
  min: number,
  { integer = false } = {},
): number {
  if (!isNumberInRange(value, min, MAX_TIMER_MS, integer)) {
    const kind = integer ? "a whole number" : "a number of ms";
    throw new HtxInputError(
      `${owner}: ${name} must be ${kind} from ${min} to ${MAX_TIMER_MS}; got ${describe(value)}.`,
    );
  }
  return value;
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : typeof value === "bigint" ? `${value}n` : String(value);
}
