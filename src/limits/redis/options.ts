/**
 * The options of `redisRateLimiter`, checked at once: a bad one is an `HtxInputError` that says
 * what to pass, before any call to Redis.
 */
import { HtxInputError } from "../../core/errors.ts";
import { checkedNumber } from "../options.ts";
import { DEFAULT_ENDPOINT_LIMITS } from "../endpoint-budgets.ts";
import { normalizeUid } from "../uid.ts";

/** An HTX endpoint with a budget of its own, by the name the shared limiters use. */
export type RedisBudgetEndpoint = "batch-cancel" | "open-orders" | "accounts" | "batch-cancel-open-orders";

/** HTX's limit of each endpoint (`DEFAULT_ENDPOINT_LIMITS`), by that name. */
const REDIS_ENDPOINTS: Readonly<Record<RedisBudgetEndpoint, { limit: number; intervalMs: number }>> = {
  "batch-cancel": DEFAULT_ENDPOINT_LIMITS.batchCancel,
  "open-orders": DEFAULT_ENDPOINT_LIMITS.openOrders,
  "accounts": DEFAULT_ENDPOINT_LIMITS.accounts,
  "batch-cancel-open-orders": DEFAULT_ENDPOINT_LIMITS.batchCancelOpenOrders,
};

/** Options of `redisRateLimiter`. */
export interface RedisRateLimiterOptions {
  /** The HTX UID whose budget to share, as digits (`"12345678"`, `12345678` or a bigint). Required. */
  uid: string | number | bigint;
  /** The HTX endpoint whose budget to share; default `"batch-cancel"`. Each has its own keys. */
  endpoint?: RedisBudgetEndpoint;
  /** Requests per window; default the endpoint's HTX limit (50 for batch cancel). */
  limit?: number;
  /** Window length in ms; default 2000. A slot stays busy this long after its answer (plus 10 ms). */
  windowMs?: number;
  /**
   * A slot whose release never comes (its process died) is freed this many ms after its grant;
   * default 30_000, at least `windowMs`. Keep it at least the longest `timeoutMs` of the clients
   * sharing the budget.
   */
  maxHoldMs?: number;
  /** Prefix of the budget's keys; default `"htx-batch-cancel:"`. Every process of a fleet must use the same. */
  keyPrefix?: string;
  /** One call to Redis without an answer after this many ms counts as failed; default 1000. */
  timeoutMs?: number;
  /**
   * While Redis is unreachable, callers wait this long (ms) for it to come back, probing it with
   * backoff, before they take slots from the local share; default a window (`windowMs` + 10), so
   * that every slot answered before Redis failed, which no process can see any more, is free.
   */
  fallbackAfterMs?: number;
  /**
   * The local share used while Redis is unreachable; default a fifth of the budget (10 per 2 s for
   * batch cancel), so that a few processes falling back together stay within HTX's limit.
   */
  fallbackLimit?: { limit?: number; intervalMs?: number };
  /** Told once per outage, when the first slot is taken from the local share; default `console.warn`. */
  onFallback?: (error: unknown) => void;
}

/** The options with every default filled in. */
export interface CheckedRedisOptions {
  endpoint: RedisBudgetEndpoint;
  limit: number;
  windowMs: number;
  maxHoldMs: number;
  /** The three keys of the budget: in flight, answered, meta (one hash slot in a cluster). */
  keys: string[];
  timeoutMs: number;
  fallbackAfterMs: number;
  fallbackLimit: { limit: number; intervalMs: number };
  onFallback: (error: unknown) => void;
}

/** Extra ms each slot is held after its window, against rounding: the in-process limiter's default. */
export const MARGIN_MS = 10;

const OWNER = "redisRateLimiter";

/** Checks `options` and fills in the defaults. */
export function checkRedisOptions(options: RedisRateLimiterOptions): CheckedRedisOptions {
  if (typeof options !== "object" || options === null) {
    throw new HtxInputError(`${OWNER}: pass an options object with your HTX UID, e.g. { uid: "12345678" }.`);
  }
  const uid = normalizeUid(OWNER, options.uid);
  const endpoint: RedisBudgetEndpoint = options.endpoint ?? "batch-cancel";
  if (typeof endpoint !== "string" || !Object.hasOwn(REDIS_ENDPOINTS, endpoint)) {
    throw new HtxInputError(`${OWNER}: endpoint must be one of ${Object.keys(REDIS_ENDPOINTS).join(", ")}.`);
  }
  const budget = REDIS_ENDPOINTS[endpoint];
  const limit = checkedNumber(OWNER, "limit", options.limit ?? budget.limit, 1, { integer: true });
  const windowMs = checkedNumber(OWNER, "windowMs", options.windowMs ?? budget.intervalMs, 1, { integer: true });
  const maxHoldMs = checkedNumber(
    OWNER,
    "maxHoldMs (at least windowMs)",
    options.maxHoldMs ?? Math.max(30_000, windowMs),
    windowMs,
    { integer: true },
  );
  const keyPrefix = options.keyPrefix ?? "htx-batch-cancel:";
  if (typeof keyPrefix !== "string") throw new HtxInputError(`${OWNER}: keyPrefix must be a string.`);
  const fallback = options.fallbackLimit === undefined ? {} : options.fallbackLimit;
  if (typeof fallback !== "object" || fallback === null) {
    throw new HtxInputError(`${OWNER}: fallbackLimit must be an object such as { limit: 10, intervalMs: 2000 }.`);
  }
  const fallbackLimit = {
    limit: checkedNumber(OWNER, "fallbackLimit.limit", fallback.limit ?? Math.max(1, Math.floor(limit / 5)), 1, {
      integer: true,
    }),
    intervalMs: checkedNumber(OWNER, "fallbackLimit.intervalMs", fallback.intervalMs ?? windowMs, 1),
  };
  if (options.onFallback !== undefined && typeof options.onFallback !== "function") {
    throw new HtxInputError(`${OWNER}: onFallback must be a function.`);
  }
  // Braces make the UID and endpoint the key's hash tag: one cluster slot for the three keys.
  const base = `${keyPrefix}{${uid}:${endpoint}}`;
  return {
    endpoint,
    limit,
    windowMs,
    maxHoldMs,
    keys: [`${base}:inflight`, `${base}:released`, `${base}:meta`],
    timeoutMs: checkedNumber(OWNER, "timeoutMs", options.timeoutMs ?? 1000, 1),
    fallbackAfterMs: checkedNumber(OWNER, "fallbackAfterMs", options.fallbackAfterMs ?? windowMs + MARGIN_MS, 0),
    fallbackLimit,
    onFallback: options.onFallback ?? warnFallback,
  };
}

function warnFallback(error: unknown): void {
  // Cut: a REST client's error may quote the whole command, script text included.
  const text = String(error);
  console.warn(
    `htx-batch-cancel: Redis is unreachable (${text.length > 200 ? `${text.slice(0, 200)}…` : text}); ` +
      "using a local share of the rate-limit budget until it answers again.",
  );
}
