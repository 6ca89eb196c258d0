/**
 * The Redis limiter on a real redis-server: its options, the clients it takes, how waiters learn
 * when to ask again, and what it does when Redis fails (unreachable, slow, restarted empty, a
 * reply of another shape). The rule itself is checked by the shared table
 * (test/redis/conformance.test.ts); a fleet of processes by test/redis/fleet.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis as Ioredis } from "ioredis";
import { createClient } from "redis";
import { Redis as UpstashRedis } from "@upstash/redis";
import { HtxClient, HtxInputError } from "../../mod.ts";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders } from "../../src/testing/mod.ts";
import { type RedisEval, redisRateLimiter, type RedisRateLimiterOptions, redisRateLimits } from "../../src/redis.ts";
import { NO_REDIS_SERVER, type RedisServer, redisServerAvailable, startRedisServer } from "./server.ts";
import { serveUpstashStandIn, type UpstashStandIn } from "./upstash-rest.ts";

const available = redisServerAvailable();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let budgets = 0;
/** Options of a fresh, empty budget. */
const fresh = (options: Partial<RedisRateLimiterOptions> = {}): RedisRateLimiterOptions => ({
  uid: "1",
  keyPrefix: `unit-${++budgets}:`,
  ...options,
});

/** A client that counts the script calls it passes on, by kind (ACQUIRE has 6 arguments or more). */
function counting(inner: RedisEval) {
  const calls = { acquire: 0, release: 0, other: 0 };
  const count = (args: string[]) =>
    args.length >= 6 ? calls.acquire++ : args.length === 3 ? calls.release++ : calls.other++;
  const client: RedisEval = {
    evalsha: (sha1, keys, args) => (count(args), inner.evalsha(sha1, keys, args)),
    eval: (script, keys, args) => inner.eval(script, keys, args),
  };
  return { client, calls };
}

/** ioredis as a {@link RedisEval}, to wrap. */
function ioredisEval(redis: Ioredis): RedisEval {
  return {
    evalsha: (sha1, keys, args) => redis.evalsha(sha1, keys.length, ...keys, ...args),
    eval: (script, keys, args) => redis.eval(script, keys.length, ...keys, ...args),
  };
}

describe("redisRateLimiter's options", () => {
  const noCalls: RedisEval = {
    evalsha: () => Promise.reject(new Error("must not be called")),
    eval: () => Promise.reject(new Error("must not be called")),
  };
  it.each([
    [{ uid: " 123" }, /uid must be your HTX UID as digits/],
    [{ uid: 12.5 }, /uid must be your HTX UID as digits/],
    [{ uid: "1", endpoint: "cancel" }, /endpoint must be one of batch-cancel, open-orders, accounts/],
    [{ uid: "1", limit: 0 }, /limit must be a whole number from 1/],
    [{ uid: "1", windowMs: 2000, maxHoldMs: 1000 }, /maxHoldMs \(at least windowMs\) must be a whole number from 2000/],
    [{ uid: "1", keyPrefix: 7 }, /keyPrefix must be a string/],
    [{ uid: "1", fallbackLimit: null }, /fallbackLimit must be an object/],
    [{ uid: "1", fallbackLimit: { limit: 0 } }, /fallbackLimit.limit must be a whole number from 1/],
    [{ uid: "1", onFallback: "warn" }, /onFallback must be a function/],
    [undefined, /pass an options object with your HTX UID/],
  ])("refuses %j with an HtxInputError that says what to pass", (options, message) => {
    expect(() => redisRateLimiter(noCalls, options as never)).toThrow(HtxInputError);
    expect(() => redisRateLimiter(noCalls, options as never)).toThrow(message);
  });

  it("refuses what is not a Redis client, naming the clients it takes", () => {
    for (const client of [undefined, {}, { get: () => {} }, "redis://localhost"]) {
      expect(() => redisRateLimiter(client as never, { uid: "1" })).toThrow(
        /pass a connected Redis client: node-redis .*ioredis .*@upstash\/redis/,
      );
    }
  });

  it("redisRateLimits takes no endpoint or limit: each budget has HTX's own", () => {
    expect(() => redisRateLimits(noCalls, { uid: "1", limit: 5 } as never)).toThrow(/limit is set per endpoint/);
    expect(() => redisRateLimits(noCalls, { uid: "1", endpoint: "accounts" } as never)).toThrow(
      /endpoint is set per endpoint/,
    );
  });

  it("redisRateLimits gives every HTX budget the client limits, and a flush() that is not an endpoint", () => {
    const limits = redisRateLimits(noCalls, { uid: "1" });
    expect(Object.keys(limits)).toEqual(["batchCancel", "openOrders", "accounts", "batchCancelOpenOrders"]);
    expect(typeof limits.flush).toBe("function");
    // The client takes it as the per-endpoint form: `flush` is not read as an unknown endpoint.
    expect(() => new HtxClient({ ...DEMO_ACCOUNT, rateLimit: limits })).not.toThrow();
  });
});

describe("the Redis limiter's callers, while Redis is down", () => {
  const down: RedisEval = {
    evalsha: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379")),
    eval: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379")),
  };
  const abortedWith = (acquiring: Promise<unknown>) => acquiring.then(() => "granted", (e: Error) => e.name);

  it("a caller waiting for Redis to come back leaves at once on its abort", async () => {
    const limiter = redisRateLimiter(down, fresh({ fallbackAfterMs: 60_000, onFallback: () => {} }));
    const stop = new AbortController();
    const waiting = abortedWith(limiter.acquire(stop.signal));
    await pause(100);
    stop.abort();
    expect(await waiting).toBe("HtxAbortError");
  });

  it(
    "a caller waiting on the full local share leaves at once on its abort, and its turn goes to the next",
    async () => {
      const limiter = redisRateLimiter(
        down,
        fresh({ fallbackAfterMs: 0, fallbackLimit: { limit: 1 }, onFallback: () => {} }),
      );
      const first = await limiter.acquire();
      const stop = new AbortController();
      const aborted = abortedWith(limiter.acquire(stop.signal));
      const next = limiter.acquire();
      stop.abort();
      expect(await aborted).toBe("HtxAbortError");
      first();
      (await next)();
      expect(limiter.grants.local).toBe(2);
    },
    10_000,
  );

  it("a penalty Redis could not hear of holds back the local share made after it, for a window", async () => {
    const limiter = redisRateLimiter(down, fresh({ fallbackAfterMs: 0, onFallback: () => {} }));
    await limiter.penalize(); // HTX refused for rate; Redis is down: the outage starts with this call
    const granted = limiter.acquire().then(() => "granted", (e: Error) => e.name);
    // The local share, made at the first caller's fallback, counts that refusal: a window (2,010 ms) from it.
    expect(await Promise.race([granted, pause(500).then(() => "waiting")])).toBe("waiting");
    expect(await granted).toBe("granted");
    expect(limiter.grants.local).toBe(1);
  });

  it("flush() resolves when Redis never answers (a late grant is waited for one more timeoutMs), never rejecting", async () => {
    // A client that queues commands while disconnected (node-redis, ioredis) may never settle them.
    const hangs: RedisEval = { evalsha: () => new Promise(() => {}), eval: () => new Promise(() => {}) };
    const limiter = redisRateLimiter(hangs, fresh({ timeoutMs: 100, fallbackAfterMs: 0, onFallback: () => {} }));
    (await limiter.acquire())(); // its ACQUIRE timed out: served by the local share
    await limiter.penalize();
    const flushed = limiter.flush().then(() => "flushed", (e: Error) => `rejected: ${e.name}`);
    expect(await Promise.race([flushed, pause(2000).then(() => "still waiting")])).toBe("flushed");
  });

  it("says once per outage, in a line of bounded length, that it uses the local share", async () => {
    const long = new Error(`ERR ${"x".repeat(5000)}`);
    const failing: RedisEval = { evalsha: () => Promise.reject(long), eval: () => Promise.reject(long) };
    const lines: string[] = [];
    const warn = console.warn;
    console.warn = (line: string) => lines.push(line);
    try {
      const limiter = redisRateLimiter(failing, fresh({ fallbackAfterMs: 0 }));
      for (let i = 0; i < 3; i++) (await limiter.acquire())();
    } finally {
      console.warn = warn;
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^htx-batch-cancel: Redis is unreachable \(Error: ERR x+…\); using a local share/);
    expect(lines[0]!.length).toBeLessThan(400);
  });
});

describe.runIf(available)("the Redis limiter on a real server", () => {
  let server: RedisServer;
  let ioredis: Ioredis;
  let standIn: UpstashStandIn;
  beforeAll(async () => {
    server = await startRedisServer();
    ioredis = new Ioredis(server.url);
    standIn = await serveUpstashStandIn(server.url);
  });
  afterAll(async () => {
    ioredis?.disconnect();
    await standIn?.close();
    await server?.stop();
  });

  it("takes node-redis, ioredis, @upstash/redis (over the local REST stand-in) and a RedisEval of one's own, on one budget", async () => {
    const nodeRedis = await createClient({ url: server.url }).connect();
    const upstash = new UpstashRedis({ url: standIn.url, token: standIn.token });
    try {
      const options = fresh({ limit: 4, windowMs: 300 });
      const limiters = [nodeRedis, ioredis, upstash, ioredisEval(ioredis)].map((c) => redisRateLimiter(c, options));
      const releases = await Promise.all(limiters.map((limiter) => limiter.acquire()));
      // The four hold the whole budget: a fifth caller, on any of them, waits.
      const fifth = limiters[2]!.acquire();
      let granted = false;
      void fifth.then(() => (granted = true));
      await pause(200);
      expect(granted).toBe(false);
      releases.forEach((release) => release());
      (await fifth)();
      expect(limiters.map((l) => l.grants.shared)).toEqual([1, 1, 2, 1]);
    } finally {
      await nodeRedis.close();
    }
  });

  it("each client sends a script by its SHA-1, and its text once when the server does not know it", async () => {
    const nodeRedis = await createClient({ url: server.url }).connect();
    const upstash = new UpstashRedis({ url: standIn.url, token: standIn.token });
    standIn.commands.length = 0;
    try {
      for (const client of [nodeRedis, ioredis, upstash]) {
        await ioredis.script("FLUSH");
        const limiter = redisRateLimiter(client, fresh());
        for (let i = 0; i < 3; i++) (await limiter.acquire())();
        expect(limiter.grants.shared).toBe(3);
        await limiter.flush(); // the last release lands before the next SCRIPT FLUSH
      }
      // What @upstash/redis sent: ACQUIRE by SHA-1 (unknown), then its text.
      expect(standIn.commands.slice(0, 2)).toEqual(["EVALSHA", "EVAL"]);
      expect(standIn.commands.at(-1)).toBe("EVALSHA"); // once loaded, by SHA-1 only
    } finally {
      await nodeRedis.close();
    }
  });

  it("a waiter asks again when a slot can free at the earliest, not in a busy loop", async () => {
    const { client, calls } = counting(ioredisEval(ioredis));
    const limiter = redisRateLimiter(client, fresh({ limit: 2, windowMs: 300, maxHoldMs: 3000 }));
    const [first, second] = [await limiter.acquire(), await limiter.acquire()];
    const before = calls.acquire;
    const waiting = limiter.acquire();
    await pause(500); // both slots in flight: the answer says "not before a window from now"
    first();
    second();
    (await waiting)();
    // One ask at the start, one a window later (still in flight), one when the answered slot frees
    // (plus one if a timer fires early): a busy loop would have asked hundreds of times.
    expect(calls.acquire - before).toBeGreaterThanOrEqual(2);
    expect(calls.acquire - before).toBeLessThanOrEqual(5);
  });

  it("reads a reply of another shape as a failed call: the local share serves, and onFallback says why", async () => {
    const fallbacks: unknown[] = [];
    const proxy: RedisEval = { evalsha: () => Promise.resolve("OK"), eval: () => Promise.resolve("OK") };
    const limiter = redisRateLimiter(proxy, fresh({ fallbackAfterMs: 0, onFallback: (e) => fallbacks.push(e) }));
    (await limiter.acquire())();
    expect(limiter.grants).toEqual({ shared: 0, local: 1 });
    expect(String(fallbacks[0])).toMatch(/unexpected reply from Redis: "OK"/);
  });

  it("a slow Redis counts as failed after timeoutMs; a slot it grants late is given back unused", async () => {
    const slow: RedisEval = {
      evalsha: async (sha1, keys, args) => {
        if (args.length >= 6) await pause(300); // within another timeoutMs: flush() waits for it
        return await ioredisEval(ioredis).evalsha(sha1, keys, args);
      },
      eval: (script, keys, args) => ioredisEval(ioredis).eval(script, keys, args),
    };
    const options = fresh({ timeoutMs: 200, fallbackAfterMs: 0, onFallback: () => {} });
    const limiter = redisRateLimiter(slow, options);
    (await limiter.acquire())();
    expect(limiter.grants.local).toBe(1);
    await limiter.flush(); // the late ACQUIRE lands, then its slot goes back
    const inflight = await ioredis.zcard(`${options.keyPrefix}{1:batch-cancel}:inflight`);
    expect(inflight).toBe(0);
  });
});

describe.runIf(available)("the Redis limiter's background calls", () => {
  let server: RedisServer;
  let ioredis: Ioredis;
  beforeAll(async () => {
    server = await startRedisServer();
    ioredis = new Ioredis(server.url);
  });
  afterAll(async () => {
    ioredis?.disconnect();
    await server?.stop();
  });

  it("flush() resolves once the releases sent after the answers have reached Redis", async () => {
    // Releases that take 150 ms to reach Redis, as on a loaded machine or after NOSCRIPT's second trip.
    const slowReleases: RedisEval = {
      evalsha: async (sha1, keys, args) => {
        if (args.length === 3) await pause(150);
        return await ioredisEval(ioredis).evalsha(sha1, keys, args);
      },
      eval: (script, keys, args) => ioredisEval(ioredis).eval(script, keys, args),
    };
    const options = fresh({ limit: 5 });
    const limiter = redisRateLimiter(slowReleases, options);
    const key = (set: string) => `${options.keyPrefix}{1:batch-cancel}:${set}`;
    const releases = await Promise.all([1, 2, 3].map(() => limiter.acquire()));
    releases.forEach((release) => release());
    // What a process that closed its client now would leave: three slots in flight until maxHoldMs.
    expect(await ioredis.zcard(key("inflight"))).toBe(3);
    await limiter.flush();
    expect({ inflight: await ioredis.zcard(key("inflight")), released: await ioredis.zcard(key("released")) })
      .toEqual({ inflight: 0, released: 3 });
  });

  it("flush() waits for the put-back that ends an outage: Redis gets the slots released while it was down", async () => {
    let down = false;
    let putBackStarted = () => {};
    const started = new Promise<void>((resolve) => (putBackStarted = resolve));
    // A put-back is an ACQUIRE that wants nothing (its 4th argument "0"); this one takes 300 ms.
    const flaky: RedisEval = {
      evalsha: async (sha1, keys, args) => {
        if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
        if (args.length >= 6 && args[3] === "0") {
          putBackStarted();
          await pause(300);
        }
        return await ioredisEval(ioredis).evalsha(sha1, keys, args);
      },
      eval: (script, keys, args) => ioredisEval(ioredis).eval(script, keys, args),
    };
    const options = fresh({ timeoutMs: 1000, onFallback: () => {} });
    const limiter = redisRateLimiter(flaky, options);
    const key = (set: string) => `${options.keyPrefix}{1:batch-cancel}:${set}`;
    const release = await limiter.acquire();
    down = true;
    release(); // fails: an outage starts, and its probes put the slot back once Redis answers
    await limiter.flush();
    down = false;
    await started;
    await limiter.flush();
    expect({ inflight: await ioredis.zcard(key("inflight")), released: await ioredis.zcard(key("released")) })
      .toEqual({ inflight: 0, released: 1 });
  });

  it(
    "tells Redis, once it answers again, of HTX's refusal that came while it was down: no process spends that window",
    async () => {
      let down = false;
      const flaky: RedisEval = {
        evalsha: (sha1, keys, args) =>
          down ? Promise.reject(new Error("connect ECONNREFUSED")) : ioredisEval(ioredis).evalsha(sha1, keys, args),
        eval: (script, keys, args) => ioredisEval(ioredis).eval(script, keys, args),
      };
      const options = fresh({ windowMs: 3000, onFallback: () => {} });
      const limiter = redisRateLimiter(flaky, options);
      const until = async () => Number(await ioredis.hget(`${options.keyPrefix}{1:batch-cancel}:meta`, "until"));
      // Its first grant waits out the server's start (the budget's `until`), so that is in the past now.
      (await limiter.acquire())();
      await limiter.flush();
      const [seconds, micros] = await ioredis.time();
      const refusedAt = Number(seconds) * 1000 + Number(micros) / 1000;
      down = true;
      await limiter.penalize(); // its PENALIZE fails: an outage starts, and Redis has not heard of the refusal
      down = false;
      // The outage's first probe (after 100 ms) reaches Redis, and the penalty goes with it.
      for (let i = 0; i < 100 && (await until()) < refusedAt + 2500; i++) await pause(20);
      const heldMs = (await until()) - refusedAt;
      expect(heldMs, "ms from the refusal to the budget's `until`").toBeGreaterThanOrEqual(2500);
      expect(heldMs).toBeLessThanOrEqual(3010 + 100);
      const stop = new AbortController();
      const other = redisRateLimiter(ioredis, options).acquire(stop.signal).then(() => "granted", () => "aborted");
      expect(await Promise.race([other, pause(300).then(() => "waiting")])).toBe("waiting");
      stop.abort();
      await limiter.flush();
    },
    15_000,
  );

  it("flush() of redisRateLimits waits for every budget's releases; with nothing sent it resolves at once", async () => {
    const limits = redisRateLimits(ioredis, { uid: "1", keyPrefix: `unit-${++budgets}:` });
    await limits.flush();
    const releases = [await limits.batchCancel.acquire(), await limits.batchCancelOpenOrders.acquire()];
    releases.forEach((release) => release());
    await limits.flush();
    const prefix = `unit-${budgets}:`;
    for (const endpoint of ["batch-cancel", "batch-cancel-open-orders"]) {
      expect(await ioredis.zcard(`${prefix}{1:${endpoint}}:released`), endpoint).toBe(1);
      expect(await ioredis.zcard(`${prefix}{1:${endpoint}}:inflight`), endpoint).toBe(0);
    }
  });

  it("the kill switch spends every one of its budgets in Redis: accounts, listings, cancels and the sweep", async () => {
    const { orders } = demoOrders({ open: 120, filled: 0, canceled: 0, unknown: 0 });
    const sim = createHtxSimulator({ orders });
    const limits = redisRateLimits(ioredis, { uid: "1", keyPrefix: `unit-${++budgets}:` });
    const htx = new HtxClient({
      ...DEMO_ACCOUNT,
      baseUrl: "https://api.huobi.pro",
      fetch: sim.fetch,
      rateLimit: limits,
    });
    const result = await htx.cancelAllOpen();
    await limits.flush();
    expect(result.confirmedEmpty).toBe(true);
    expect(sim.openOrders(DEMO_ACCOUNT.uid)).toEqual([]);
    const grants = Object.fromEntries(Object.entries(limits).map(([name, limiter]) => [name, limiter.grants.shared]));
    for (const [name, shared] of Object.entries(grants)) expect(shared, JSON.stringify(grants)).toBeGreaterThan(0);
  });
});

describe.runIf(available)("the Redis limiter when Redis goes away", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server?.stop());

  it(
    "falls back to the local share after fallbackAfterMs, reports it once, and returns to Redis with its slots when Redis answers",
    async () => {
      const redis = new Ioredis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
      redis.on("error", () => {});
      const fallbacks: unknown[] = [];
      const options = fresh({
        limit: 5,
        windowMs: 1000,
        timeoutMs: 200,
        fallbackAfterMs: 300,
        fallbackLimit: { limit: 2, intervalMs: 60_000 }, // the third caller can only get Redis's
        onFallback: (error) => fallbacks.push(error),
      });
      const limiter = redisRateLimiter(redis, options);
      try {
        (await limiter.acquire())(); // Redis knows the budget
        await server.kill();
        const failedAt = performance.now();
        const local = [await limiter.acquire(), await limiter.acquire()];
        expect(performance.now() - failedAt).toBeGreaterThanOrEqual(300);
        expect(limiter.grants).toEqual({ shared: 1, local: 2 });
        const third = limiter.acquire(); // the local share is full: this one waits
        await server.restart();
        local.forEach((release) => release());
        // Once Redis answers, the process puts its local slots back: Redis counts them for their window.
        const keys = [`${options.keyPrefix}{1:batch-cancel}:inflight`, `${options.keyPrefix}{1:batch-cancel}:released`];
        let putBack = 0;
        for (let i = 0; i < 250 && putBack < 2; i++, await pause(20)) {
          const members = [...(await redis.zrange(keys[0]!, 0, -1)), ...(await redis.zrange(keys[1]!, 0, -1))];
          putBack = members.filter((member) => member.includes(":local:")).length;
        }
        expect(putBack).toBe(2);
        (await third)();
        expect(fallbacks).toHaveLength(1);
        expect(limiter.grants).toEqual({ shared: 2, local: 2 }); // the third came from Redis again
      } finally {
        redis.disconnect();
      }
    },
    20_000,
  );

  it(
    "after a restart that lost the budget, grants nothing until a window after Redis started, to a new process too",
    async () => {
      const redis = new Ioredis(server.url);
      redis.on("error", () => {});
      try {
        const options = fresh({ windowMs: 1500 });
        (await redisRateLimiter(redis, options).acquire())();
        await server.restart();
        const startedAt = performance.now();
        await redis.ping(); // reconnected
        const newcomer = redisRateLimiter(redis, options); // knows no epoch: it cannot tell a restart
        (await newcomer.acquire())();
        const waitedMs = performance.now() - startedAt;
        console.info(`after a restart of Redis, the first grant came ${Math.round(waitedMs)} ms after it started`);
        // INFO's uptime is whole seconds: the start is known to within 1 s, never later than it was.
        expect(waitedMs).toBeGreaterThanOrEqual(1500 - 1000);
      } finally {
        redis.disconnect();
      }
    },
    20_000,
  );
});

if (!available) it.skip(NO_REDIS_SERVER, () => {});
