/**
 * One rate-limit budget per HTX endpoint. HTX counts each endpoint's requests on their own, per
 * UID (https://huobiapi.github.io/docs/spot/v1/en/#rate-limiting-rule): batch cancel 50, open
 * orders 50, accounts 100, batch cancel by criteria 50 per 2 s. So listing never spends the cancels' budget, nor the other
 * way round, and each can be shared with other processes on its own (e.g. one Durable Object
 * per endpoint: `durableObjectLimiter(ns, uid, { endpoint })`).
 */
import { HtxInputError } from "../core/errors.ts";
import type { RateLimiter } from "./limiter.ts";
import { WINDOW_FIELDS, type WindowOptions } from "./options.ts";

/** How one endpoint is limited: a window of the client's own, a shared {@link RateLimiter}, or `false`. */
export type EndpointRateLimit = WindowOptions | RateLimiter | false;

/**
 * A budget per endpoint. An endpoint left out gets the client's own window with HTX's limit
 * (batch cancel 50, open orders 50, accounts 100 per 2 s).
 *
 * @example
 * ```ts
 * rateLimit: {
 *   batchCancel: durableObjectLimiter(env.HTX_LIMITER, uid),
 *   openOrders: durableObjectLimiter(env.HTX_LIMITER, uid, { endpoint: "open-orders" }),
 *   accounts: durableObjectLimiter(env.HTX_LIMITER, uid, { endpoint: "accounts" }),
 * }
 * ```
 */
export interface EndpointRateLimits {
  /** `POST /v1/order/orders/batchcancel`; default `{ limit: 50, intervalMs: 2000 }`. */
  batchCancel?: EndpointRateLimit;
  /** `GET /v1/order/openOrders`; default `{ limit: 50, intervalMs: 2000 }`. */
  openOrders?: EndpointRateLimit;
  /** `GET /v1/account/accounts`; default `{ limit: 100, intervalMs: 2000 }`. */
  accounts?: EndpointRateLimit;
  /**
   * `POST /v2/algo-orders/cancel-all-after`, the dead man's switch; default
   * `{ limit: 20, intervalMs: 2000 }`: HTX documents no limit, so this is ours (docs/dead-mans-switch.md).
   */
  cancelAllAfter?: EndpointRateLimit;
  /** `POST /v1/order/orders/batchCancelOpenOrders` (the kill switch's sweep); default `{ limit: 50, intervalMs: 2000 }`. */
  batchCancelOpenOrders?: EndpointRateLimit;
}

/**
 * The client's `rateLimit` option: one value for batch cancel (the listings then keep their own
 * default windows; `false` turns every limiter off), or {@link EndpointRateLimits}.
 */
export type RateLimitOption = EndpointRateLimit | EndpointRateLimits;

/** The endpoints a client limits, by their key in {@link EndpointRateLimits}. */
export type LimitedEndpointKey = keyof EndpointRateLimits;

/**
 * HTX's published limit of each endpoint, per UID, as the client's own default window; the one
 * table of them (the Durable Objects' `HTX_ENDPOINT_BUDGETS` is this one, by endpoint name).
 */
export const DEFAULT_ENDPOINT_LIMITS: Readonly<
  Record<LimitedEndpointKey, Readonly<Required<Pick<WindowOptions, "limit" | "intervalMs">>>>
> = {
  batchCancel: { limit: 50, intervalMs: 2000 },
  openOrders: { limit: 50, intervalMs: 2000 },
  accounts: { limit: 100, intervalMs: 2000 },
  // HTX documents none: ours, 10 a second, stops a runaway loop and leaves a switch refreshed
  // every few seconds ample room (docs/dead-mans-switch.md, "Rate limit").
  cancelAllAfter: { limit: 20, intervalMs: 2000 },
  batchCancelOpenOrders: { limit: 50, intervalMs: 2000 },
};

/** The endpoints with a budget of their own, by their key in {@link EndpointRateLimits}. */
export const ENDPOINT_KEYS: readonly LimitedEndpointKey[] = /* @__PURE__ */ Object.keys(
  DEFAULT_ENDPOINT_LIMITS,
) as LimitedEndpointKey[];
const WINDOW_KEYS = new Set<string>([...WINDOW_FIELDS, "acquire"]);

/** Whether `rateLimit` is the per-endpoint form; a mix of both forms is an input error. */
function isPerEndpoint(rateLimit: unknown): rateLimit is EndpointRateLimits {
  if (typeof rateLimit !== "object" || rateLimit === null) return false;
  const keys = Object.keys(rateLimit);
  const perEndpoint = keys.filter((key) => ENDPOINT_KEYS.includes(key as LimitedEndpointKey));
  if (perEndpoint.length === 0) return false;
  const other = keys.find((key) => !ENDPOINT_KEYS.includes(key as LimitedEndpointKey));
  if (other !== undefined) {
    const hint = WINDOW_KEYS.has(other) ? ` (put it inside rateLimit.${perEndpoint[0]})` : "";
    throw new HtxInputError(
      `rateLimit: "${other}" is not an endpoint${hint}; per-endpoint budgets are ` +
        `{ ${ENDPOINT_KEYS.join("?, ")}? }, each { limit, intervalMs }, a RateLimiter or false.`,
    );
  }
  return true;
}

/**
 * The setting of one endpoint, as `rateLimit` (validated by the caller) gives it, and the name
 * to show in messages about it.
 */
export function endpointRateLimit(
  rateLimit: unknown,
  endpoint: LimitedEndpointKey,
): { value: unknown; name: string } {
  if (rateLimit === undefined) return { value: DEFAULT_ENDPOINT_LIMITS[endpoint], name: "rateLimit" };
  if (isPerEndpoint(rateLimit)) {
    const value = rateLimit[endpoint];
    return { value: value === undefined ? DEFAULT_ENDPOINT_LIMITS[endpoint] : value, name: `rateLimit.${endpoint}` };
  }
  // One value configures batch cancel; `false` means no limiting at all, everywhere.
  if (endpoint === "batchCancel" || rateLimit === false) return { value: rateLimit, name: "rateLimit" };
  return { value: DEFAULT_ENDPOINT_LIMITS[endpoint], name: "rateLimit" };
}
