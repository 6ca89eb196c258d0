/**
 * The shared limiters' table (test/limits/conformance.ts), run against the Redis limiter on a
 * real redis-server. A budget's two members use different clients (ioredis, node-redis), as two
 * processes of a fleet may. The table reads the time on Redis's clock, the one the limiter keeps,
 * through a connection of its own.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { redisRateLimiter } from "../../src/redis.ts";
import { CONFORMANCE, CONFORMANCE_BUDGET } from "../limits/conformance.ts";
import { NO_REDIS_SERVER, type RedisServer, redisServerAvailable, startRedisServer } from "./server.ts";

const available = redisServerAvailable();
const connectNodeRedis = (url: string) => createClient({ url }).connect();

describe.runIf(available)("conformance: the Redis limiter", () => {
  let server: RedisServer;
  let ioredis: Redis;
  let nodeRedis: Awaited<ReturnType<typeof connectNodeRedis>>;
  let clockClient: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    ioredis = new Redis(server.url);
    clockClient = new Redis(server.url);
    nodeRedis = await connectNodeRedis(server.url);
  });
  afterAll(async () => {
    ioredis?.disconnect();
    clockClient?.disconnect();
    await nodeRedis?.close();
    await server?.stop();
  });

  CONFORMANCE.forEach((scenario, row) => {
    it(scenario.name, async () => {
      const { limit, windowMs, maxHoldMs } = CONFORMANCE_BUDGET;
      const clients = [ioredis, nodeRedis];
      let members = 0;
      const keyPrefix = `conformance-${row}:`; // an empty budget per row
      const clock = async () => {
        const [seconds, micros] = await clockClient.time();
        return Number(seconds) * 1000 + Number(micros) / 1000;
      };
      const start = await bracketed(clock);
      await scenario.run({
        member: () => redisRateLimiter(clients[members++ % 2]!, { uid: "1", limit, windowMs, maxHoldMs, keyPrefix }),
        clock,
      });
      // The rule holds on Redis's clock; HTX counts real time. Say when the two certainly parted.
      const end = await bracketed(clock);
      const apartMs = Math.max(0, end.redis - start.redis - (end.after - start.before)) ||
        Math.min(0, end.redis - start.redis - (end.before - start.after));
      if (Math.abs(apartMs) > 1) console.warn(`Redis's clock ran at least ${apartMs.toFixed(1)} ms apart from ours`);
    }, 15_000);
  });
});

if (!available) it.skip(NO_REDIS_SERVER, () => {});

/** Redis's time, with this process's clock just before the call and just after its answer. */
async function bracketed(clock: () => Promise<number>) {
  const before = performance.now();
  const redis = await clock();
  return { before, redis, after: performance.now() };
}
