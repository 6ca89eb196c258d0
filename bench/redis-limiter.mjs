// What a fleet's shared budget costs per request (docs/fleet.md): one acquire and one release
// against a local redis-server (one script call each, over loopback), for the node-redis and
// ioredis clients, against the in-process limiter measured in the same run. Slots are always free
// here (a large limit): the rows are the limiter's own cost, not waiting for the window.
// Without a redis-server on the machine the rows are left out, and a line says so.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { SlidingWindowLimiter } from "../dist/mod.js";
import { redisRateLimiter } from "../dist/src/redis.js";

const CYCLES = 2000;
const ROUNDS = 7;

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

/** µs per acquire + release, the releases' round trips included (`settle` waits for the last). */
async function microsPerCycle(limiter, settle) {
  const started = performance.now();
  for (let i = 0; i < CYCLES; i++) (await limiter.acquire())();
  await settle();
  return ((performance.now() - started) * 1000) / CYCLES;
}

/** `{ name, samples }` per client, and the in-process baseline's samples; `undefined` without redis-server. */
export async function redisLimiterSamples() {
  if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status !== 0) {
    console.error("bench: no redis-server here (apt-get install redis-server): the Redis limiter rows are left out");
    return undefined;
  }
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", ""], {
    stdio: "ignore",
  });
  const { Redis } = await import("ioredis");
  const { createClient } = await import("redis");
  const ioredis = new Redis({ port, host: "127.0.0.1", retryStrategy: (n) => (n > 50 ? null : 50) });
  await ioredis.ping();
  const nodeRedis = await createClient({ url: `redis://127.0.0.1:${port}` }).connect();
  try {
    const budget = { uid: "1", limit: 100_000, windowMs: 1000 };
    // One connection each: a PING after the last release comes back after it.
    const variants = {
      "in-process": [new SlidingWindowLimiter({ limit: 100_000, intervalMs: 1000 }), async () => {}],
      ioredis: [redisRateLimiter(ioredis, { ...budget, keyPrefix: "bench-io:" }), () => ioredis.ping()],
      "node-redis": [redisRateLimiter(nodeRedis, { ...budget, keyPrefix: "bench-node:" }), () => nodeRedis.ping()],
    };
    const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    // The first use of a budget on a server up for less than a window waits for it (docs/fleet.md).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const [limiter, settle] of Object.values(variants)) await microsPerCycle(limiter, settle); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, so drift in the machine's speed hits every variant alike.
      for (const [name, [limiter, settle]] of Object.entries(variants)) {
        samples[name].push(await microsPerCycle(limiter, settle));
      }
    }
    return samples;
  } finally {
    ioredis.disconnect();
    await nodeRedis.close();
    server.kill("SIGKILL");
  }
}
