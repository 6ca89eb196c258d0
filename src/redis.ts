/**
 * One HTX rate-limit budget shared by a fleet of processes (Node, Deno, Bun, and Workers through
 * `@upstash/redis`) through Redis or Valkey: the rule of the in-process limiter (a slot is held
 * from its grant until a window after the request's answer), counted exactly in Redis, on Redis's
 * clock. Bring your own client: node-redis, ioredis or `@upstash/redis` (optional peers, loaded
 * only by you). Choosing a limiter, wiring, costs and failure modes: docs/fleet.md.
 *
 * @example Every process of the fleet builds its client so (`npm` name: `htx-batch-cancel/redis`).
 * ```ts
 * import { HtxClient } from "@htx-tools/batch-cancel";
 * import { type RedisClientLike, redisRateLimits } from "@htx-tools/batch-cancel/redis";
 *
 * // `redis`: a connected node-redis, ioredis or @upstash/redis client, the same Redis for every process.
 * export function fleetClient(redis: RedisClientLike, env: Record<string, string>): HtxClient {
 *   return new HtxClient({
 *     accessKey: env.HTX_ACCESS_KEY!,
 *     secretKey: env.HTX_SECRET_KEY!,
 *     rateLimit: redisRateLimits(redis, { uid: env.HTX_UID! }),
 *   });
 * }
 * ```
 * @module
 */
export {
  fromIoredis,
  fromNodeRedis,
  type IoredisLike,
  type NodeRedisLike,
  type RedisClientLike,
  type RedisEval,
} from "./limits/redis/adapters.ts";
export { type RedisRateLimiter, redisRateLimiter } from "./limits/redis/limiter.ts";
export {
  type RedisRateLimits,
  redisRateLimits,
  type RedisRateLimitsOptions,
} from "./limits/redis/endpoint-limiters.ts";
export { type RedisBudgetEndpoint, type RedisRateLimiterOptions } from "./limits/redis/options.ts";
export type { RateLimiter, ReleaseSlot } from "./limits/limiter.ts";
