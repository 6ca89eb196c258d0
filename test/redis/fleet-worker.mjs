// One process of a fleet (test/redis/fleet.test.ts): cancels the ids it is given on the simulator
// served over loopback, with the Redis limiter on the client it is told (ioredis or node-redis),
// or with its own in-process limiter ("none"). It says "ready" once loaded and connected, starts
// on "go" (a line on stdin), and prints its result as one line of JSON. It uses the built
// package (dist/, built by the test setup), as a user's process would.
import { createInterface } from "node:readline";
import { HtxClient } from "../../dist/mod.js";
import { redisRateLimiter } from "../../dist/src/redis.js";

const config = JSON.parse(process.argv[2]);

async function connect() {
  if (config.client === "ioredis") {
    const { Redis } = await import("ioredis");
    const redis = new Redis(config.redisUrl);
    redis.on("error", () => {}); // the limiter sees failures through its calls
    return { redis, close: () => redis.disconnect() };
  }
  if (config.client === "node-redis") {
    const { createClient } = await import("redis");
    const redis = createClient({ url: config.redisUrl });
    redis.on("error", () => {}); // node-redis throws an unhandled 'error' event otherwise
    await redis.connect();
    return { redis, close: () => redis.destroy() };
  }
  return undefined;
}

const connection = await connect();
const fallbacks = [];
const rateLimit = connection
  ? redisRateLimiter(connection.redis, {
    uid: "1",
    keyPrefix: config.keyPrefix,
    windowMs: config.windowMs,
    timeoutMs: config.timeoutMs,
    onFallback: (error) => fallbacks.push(String(error)),
  })
  : undefined;
const htx = new HtxClient({
  accessKey: "demo-access-key",
  secretKey: "demo-secret-key",
  baseUrl: config.simUrl,
  rateLimit,
  retry: 0, // a refusal shows as unresolved: the test counts them
  timeoutMs: 10_000,
});
await htx.ready?.();

const lines = createInterface({ input: process.stdin });
process.stdout.write("ready\n");
for await (const line of lines) if (line === "go") break;

const result = await htx.batchCancel({ orderIds: config.ids });
process.stdout.write(
  `${
    JSON.stringify({
      success: result.success.length,
      failed: result.failed.length,
      unresolved: result.unresolved.map((u) => u.error.name),
      grants: rateLimit?.grants,
      fallbacks,
    })
  }\n`,
);
// Releases go out after the answers: the last ones reach Redis before the client closes, or
// their slots would stay busy for the fleet until maxHoldMs.
await rateLimit?.flush();
connection?.close();
lines.close();
