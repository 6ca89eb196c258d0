/**
 * One Redis budget per HTX endpoint, as `HtxClient`'s per-endpoint `rateLimit` takes them: HTX
 * counts each endpoint's requests on their own, per UID (batch cancel 50, open orders 50,
 * accounts 100, batch cancel by criteria 50 per 2 s), so listing never spends the cancels' budget.
 * The dead man's switch keeps the client's own window: its limit is ours, not HTX's.
 */
import { HtxInputError } from "../../core/errors.ts";
import type { RedisClientLike } from "./adapters.ts";
import { type RedisRateLimiter, redisRateLimiter } from "./limiter.ts";
import type { RedisRateLimiterOptions } from "./options.ts";

/** Options of {@link redisRateLimits}: those of `redisRateLimiter` but the endpoint and its limit. */
export type RedisRateLimitsOptions = Omit<RedisRateLimiterOptions, "endpoint" | "limit">;

/** A Redis budget for each endpoint the client limits, keyed as `rateLimit` takes them. */
export interface RedisRateLimits {
  /** `POST /v1/order/orders/batchcancel`: 50 per 2 s. */
  batchCancel: RedisRateLimiter;
  /** `GET /v1/order/openOrders`: 50 per 2 s. */
  openOrders: RedisRateLimiter;
  /** `GET /v1/account/accounts`: 100 per 2 s. */
  accounts: RedisRateLimiter;
  /** `POST /v1/order/orders/batchCancelOpenOrders`, the kill switch's sweep: 50 per 2 s. */
  batchCancelOpenOrders: RedisRateLimiter;
  /**
   * `flush()` of every budget: await it before closing the Redis client. Not enumerable, so that
   * the object stays the per-endpoint `rateLimit` form.
   */
  readonly flush: () => Promise<void>;
}

/**
 * The three budgets of `uid`, each with HTX's limit for its endpoint, for `rateLimit`.
 * @throws {HtxInputError} on a bad client or option, or an `endpoint` or `limit` (each budget has its own).
 */
export function redisRateLimits(redis: RedisClientLike, options: RedisRateLimitsOptions): RedisRateLimits {
  for (const name of ["endpoint", "limit"] as const) {
    if (typeof options === "object" && options !== null && name in options) {
      throw new HtxInputError(
        `redisRateLimits: ${name} is set per endpoint; use redisRateLimiter(redis, { uid, ${name} }) for one budget.`,
      );
    }
  }
  const limits = {
    batchCancel: redisRateLimiter(redis, { ...options, endpoint: "batch-cancel" }),
    openOrders: redisRateLimiter(redis, { ...options, endpoint: "open-orders" }),
    accounts: redisRateLimiter(redis, { ...options, endpoint: "accounts" }),
    batchCancelOpenOrders: redisRateLimiter(redis, { ...options, endpoint: "batch-cancel-open-orders" }),
  };
  const flush = async () => {
    await Promise.all(Object.values(limits).map((limiter) => limiter.flush()));
  };
  return Object.defineProperty(limits, "flush", { value: flush, enumerable: false }) as RedisRateLimits;
}
