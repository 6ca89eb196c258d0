/**
 * One HTX rate-limit budget shared by many Cloudflare Workers: a Durable Object per UID and HTX
 * endpoint grants the slots, with the same rule as the in-memory `SlidingWindowLimiter` (a
 * slot is held from its grant until the request's answer, then for one window).
 *
 * What is shared: the Workers that bind the one `HtxRateLimitObject` class (one Worker owns it,
 * the others bind it by `script_name`), and only they. Bots outside Cloudflare (Node, Deno, Bun
 * processes) cannot reach the object: give such a fleet its own shared `RateLimiter`
 * (e.g. over Redis), or keep it on another UID. Setup, failure modes and limits:
 * docs/cloudflare.md. Web APIs only; no `nodejs_compat`.
 *
 * @example The wiring in a Worker (`npm` name: `htx-batch-cancel/cloudflare`). The Worker that owns the class
 * exports it; every Worker builds its client with the shared limiter. Authenticate callers before
 * cancelling: the repository's `examples/cloudflare-worker` is a complete kill switch that does.
 * ```ts
 * import { HtxClient } from "@htx-tools/batch-cancel";
 * import { durableObjectLimiter, type DurableObjectNamespaceLike } from "@htx-tools/batch-cancel/cloudflare";
 * export { HtxRateLimitObject } from "@htx-tools/batch-cancel/cloudflare";
 *
 * interface Env {
 *   HTX_ACCESS_KEY: string;
 *   HTX_SECRET_KEY: string;
 *   HTX_UID: string;
 *   HTX_LIMITER: DurableObjectNamespaceLike;
 * }
 *
 * // A client whose requests count against the account's one budget.
 * export function sharedClient(env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): HtxClient {
 *   const rateLimit = durableObjectLimiter(env.HTX_LIMITER, env.HTX_UID, { waitUntil: (p) => ctx.waitUntil(p) });
 *   return new HtxClient({ accessKey: env.HTX_ACCESS_KEY, secretKey: env.HTX_SECRET_KEY, rateLimit });
 * }
 * ```
 * @module
 */
export { HTX_ENDPOINT_BUDGETS, type HtxEndpoint } from "./cloudflare/budgets.ts";
export { type DurableObjectStateLike, HtxRateLimitObject } from "./cloudflare/object.ts";
export { type HtxRateLimitEnv, htxRateLimitEnvProblem } from "./cloudflare/object-settings.ts";
export { CLOUDFLARE_SUBREQUEST_LIMITS, SubrequestBudget } from "./cloudflare/subrequests.ts";
export type { StatusAnswer as HtxRateLimitStatus } from "./cloudflare/protocol.ts";
export {
  durableObjectLimiter,
  type DurableObjectLimiterOptions,
  type DurableObjectNamespaceLike,
  type DurableObjectRateLimiter,
} from "./cloudflare/worker-limiter.ts";
