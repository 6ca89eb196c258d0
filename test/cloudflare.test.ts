/**
 * The Durable Object limiter, in Node: the object with an in-memory stand-in for its state, and
 * the Worker side against namespaces that work, fail, or hang. The multi-isolate runs are in
 * test/runtimes/durable-object*.test.ts (workerd).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HtxInputError, HtxTimeoutError } from "../mod.ts";
import { durableObjectLimiter, type HtxRateLimitEnv } from "../src/cloudflare.ts";
import { acquireMany, flakyObject, memoryState, namespace, startObject, status } from "./cloudflare-fixtures.ts";

describe("HtxRateLimitObject and durableObjectLimiter", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("grant 50 slots, then the next only a window after an answer", async () => {
    const { ns } = await startObject();
    const limiter = durableObjectLimiter(ns, 1);
    const releases = await Promise.all(Array.from({ length: 50 }, () => limiter.acquire()));
    let granted = false;
    const next = limiter.acquire().then((release) => {
      granted = true;
      return release;
    });
    await vi.advanceTimersByTimeAsync(1000);
    releases[0]!(); // the first request's answer arrives at t = 1 s
    await vi.advanceTimersByTimeAsync(2009);
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toBe(true);
    expect(typeof (await next)).toBe("function");
    expect(ns.calls.filter((p) => p === "/acquire").length).toBeGreaterThanOrEqual(51); // long polls re-ask
    expect(ns.calls.filter((p) => p === "/release")).toHaveLength(1);
    expect(limiter.grants).toEqual({ shared: 51, local: 0 });
  });

  it("sends nothing for a caller who aborted before its turn", async () => {
    const { ns } = await startObject();
    const controller = new AbortController();
    const call = durableObjectLimiter(ns, 1).acquire(controller.signal);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: "HtxAbortError" });
    await vi.advanceTimersByTimeAsync(10);
    expect(ns.calls).toEqual([]);
  });

  it("ends the long poll of a caller who aborted while waiting: the object never grants it", async () => {
    const { ns, object } = await startObject({ HTX_RATE_LIMIT: "1" });
    const limiter = durableObjectLimiter(ns, 1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const call = limiter.acquire(controller.signal);
    await vi.advanceTimersByTimeAsync(300);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: "HtxAbortError" });
    held(); // the slot frees a window later, with nobody waiting for it
    await vi.advanceTimersByTimeAsync(2100);
    expect(ns.calls).toEqual(["/acquire", "/acquire", "/forget", "/release"]);
    expect(await status(object)).toMatchObject({ busy: 0, inFlight: 0, waiting: 0 });
    expect(limiter.grants).toEqual({ shared: 1, local: 0 });
  });
});

describe("the object across a restart (only storage survives)", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("keeps a window in use: answered slots stay busy for their window", async () => {
    const { ns, state } = await startObject();
    const first = durableObjectLimiter(ns, 1);
    for (const release of await Promise.all(Array.from({ length: 50 }, () => first.acquire()))) release();
    await vi.advanceTimersByTimeAsync(10); // let the releases land

    const after = await startObject({}, memoryState(state.store));
    let granted = false;
    void durableObjectLimiter(after.ns, 1).acquire().then(() => (granted = true));
    await vi.advanceTimersByTimeAsync(1900);
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(granted).toBe(true);
  });

  it("keeps slots still in flight busy until grantedAt + maxHoldMs, not as answered at the restart", async () => {
    const env = { HTX_RATE_MAX_HOLD_MS: "5000" };
    const { ns, state } = await startObject(env);
    await Promise.all(Array.from({ length: 50 }, () => durableObjectLimiter(ns, 1).acquire())); // sent, unanswered
    await vi.advanceTimersByTimeAsync(100);

    const after = await startObject(env, memoryState(state.store)); // restarted mid-flight
    const { granted } = acquireMany(durableObjectLimiter(after.ns, 1, { timeoutMs: 10_000 }), 1);
    await vi.advanceTimersByTimeAsync(4899); // 4,999 ms after the grants: their requests may still arrive
    expect(granted).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toHaveLength(1);
  });
});

describe("penalize: HTX refused a request for its rate", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  const penalty = () => new Request("https://do/penalize?endpoint=batch-cancel", { method: "POST" });

  it("the object grants nothing, to any Worker, for a window (2,010 ms) from the penalty, then the whole limit", async () => {
    const { ns, object } = await startObject();
    const [refused, other] = [durableObjectLimiter(ns, 1), durableObjectLimiter(ns, 1)];
    await refused.penalize();
    expect(ns.calls).toEqual(["/penalize"]);
    const waiting = acquireMany(other, 51);
    await vi.advanceTimersByTimeAsync(2009);
    expect(waiting.granted).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.granted).toHaveLength(50);
    expect(await status(object)).toMatchObject({ busy: 50, inFlight: 50 });
  });

  it("survives the object being rebuilt from storage: the restarted object keeps the window", async () => {
    const { object, state } = await startObject();
    expect((await object.fetch(penalty())).status).toBe(204);
    await vi.advanceTimersByTimeAsync(1000);

    const after = await startObject({}, memoryState(state.store)); // evicted, rebuilt from storage
    const { granted } = acquireMany(durableObjectLimiter(after.ns, 1), 1);
    await vi.advanceTimersByTimeAsync(1009);
    expect(granted).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toHaveLength(1);
  });

  it.each([
    ["a lost connection", () => Promise.reject(new TypeError("Network connection lost."))],
    ["an answer 503 (its storage fails)", () => Promise.resolve(Response.json({ error: "boom" }, { status: 503 }))],
  ])("with the object unreachable (%s), penalizes the local share instead and resolves", async (_, failure) => {
    const { ns } = await flakyObject(failure);
    const fallbacks: unknown[] = [];
    const limiter = durableObjectLimiter(ns, 1, {
      fallbackLimit: {},
      fallbackAfterMs: 0,
      onFallback: (error) => fallbacks.push(error),
    });
    await expect(limiter.penalize()).resolves.toBeUndefined();
    expect(ns.calls).toEqual(["/penalize"]);
    const { granted } = acquireMany(limiter, 11);
    await vi.advanceTimersByTimeAsync(2009);
    expect(granted).toHaveLength(0); // the local share's 10 are held back too
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toHaveLength(10);
    expect(limiter.grants).toEqual({ shared: 0, local: 10 });
    expect(fallbacks).toHaveLength(1);
  });
});

describe("the object's own bookkeeping", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("forgets the release of a slot its limiter has freed by maxHoldMs (callers that died)", async () => {
    const { object, ns } = await startObject({ HTX_RATE_MAX_HOLD_MS: "3000" });
    await Promise.all(Array.from({ length: 50 }, () => durableObjectLimiter(ns, 1).acquire())); // never released
    expect(await status(object)).toMatchObject({ busy: 50, inFlight: 50, maxHoldMs: 3000 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(await status(object)).toMatchObject({ busy: 0, inFlight: 0 });
  });

  it("writes to storage for a grant and a release, not for the release of an unknown slot", async () => {
    const { object, state, ns } = await startObject();
    const release = await durableObjectLimiter(ns, 1).acquire();
    expect(state.puts).toBe(1); // the grant is stored before it is answered
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.puts).toBe(2);
    release(); // the same slot again
    await object.fetch(new Request("https://do/release?slot=no-such-slot", { method: "POST" }));
    await vi.advanceTimersByTimeAsync(0);
    expect(state.puts).toBe(2);
  });

  it("gives each endpoint its own budget and limit (accounts: 100 per 2 s)", async () => {
    const { ns } = await startObject();
    const accounts = acquireMany(durableObjectLimiter(ns, 1, { endpoint: "accounts" }), 101);
    await vi.advanceTimersByTimeAsync(100);
    expect(accounts.granted).toHaveLength(100);
    expect(ns.names).toEqual(["htx-uid-1/accounts"]);
  });
});

describe("the object refuses bad vars loudly", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it.each<[HtxRateLimitEnv, RegExp]>([
    [{ HTX_RATE_LIMIT: "" }, /HTX_RATE_LIMIT must be a whole number of digits .*got ""/],
    [{ HTX_RATE_LIMIT: "abc" }, /HTX_RATE_LIMIT must be a whole number of digits .*got "abc"/],
    [{ HTX_RATE_LIMIT: "0" }, /limit must be a whole number from 1/],
    [{ HTX_RATE_INTERVAL_MS: "2s" }, /HTX_RATE_INTERVAL_MS must be a whole number of digits .*got "2s"/],
    [{ HTX_RATE_INTERVAL_MS: -5 }, /intervalMs must be a number of ms from 1/],
    [{ HTX_RATE_MAX_HOLD_MS: "1000" }, /maxHoldMs \(at least intervalMs\)/],
  ])(
    "%o: every acquire rejects with an HtxInputError naming it, with no fallback and no hang",
    async (env, message) => {
      const { ns } = await startObject(env);
      const fallbacks: unknown[] = [];
      const limiter = durableObjectLimiter(ns, 1, { onFallback: (error) => fallbacks.push(error) });
      const call = limiter.acquire();
      const outcome = expect(call).rejects.toThrow(message);
      await vi.advanceTimersByTimeAsync(100);
      await outcome;
      await expect(call).rejects.toBeInstanceOf(HtxInputError);
      expect(fallbacks).toEqual([]);
      expect(limiter.grants).toEqual({ shared: 0, local: 0 });
    },
  );
});

describe("durableObjectLimiter when the object fails", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  /** An object behind a link that fails while `down` says so. */
  it.each([
    ["a lost connection", () => Promise.reject(new TypeError("Network connection lost."))],
    ["an answer 500", () => Promise.resolve(new Response("boom", { status: 500 }))],
  ])("after %s, retries the object and keeps to the shared budget once it answers", async (_, failure) => {
    const { ns, link } = await flakyObject(failure);
    const fallbacks: unknown[] = [];
    const limiter = durableObjectLimiter(ns, 1, { onFallback: (error) => fallbacks.push(error) });
    const first = acquireMany(limiter, 60);
    await vi.advanceTimersByTimeAsync(0);
    link.down = false; // one transient error, then the object answers
    await vi.advanceTimersByTimeAsync(500);
    expect(first.granted).toHaveLength(50); // the object's 50, no local share on top
    expect(limiter.grants).toEqual({ shared: 50, local: 0 });
    expect(fallbacks).toEqual([]);
  });

  it("with a local share opted in, while unreachable, takes a fifth of the budget locally, says so once, and goes back to the object when it answers", async () => {
    const { ns, link, object } = await flakyObject(() => Promise.reject(new TypeError("Network connection lost.")));
    const fallbacks: unknown[] = [];
    const limiter = durableObjectLimiter(ns, 1, { fallbackLimit: {}, onFallback: (error) => fallbacks.push(error) });
    const during = acquireMany(limiter, 30);
    await vi.advanceTimersByTimeAsync(1500);
    expect(during.granted).toHaveLength(10); // 10 per 2 s, not 50
    expect(limiter.grants).toEqual({ shared: 0, local: 10 });
    expect(fallbacks).toHaveLength(1);
    expect(String(fallbacks[0])).toMatch(/Network connection lost/);

    link.down = false;
    await vi.advanceTimersByTimeAsync(2500); // the next probe finds the object
    const after = acquireMany(limiter, 5);
    await vi.advanceTimersByTimeAsync(10);
    expect(after.granted).toHaveLength(5);
    expect(limiter.grants.shared).toBeGreaterThanOrEqual(5);
    expect((await status(object)).busy).toBeGreaterThanOrEqual(5);
    expect(fallbacks).toHaveLength(1);
  });

  it("tells the object, when it answers again, of HTX's refusal that came while it was unreachable: no Worker spends that window", async () => {
    const { ns, link, object } = await flakyObject();
    const refused = durableObjectLimiter(ns, 1, { fallbackLimit: {}, onFallback: () => {} });
    const during = acquireMany(refused, 1);
    await vi.advanceTimersByTimeAsync(1500); // the outage (probes at 100, 300, 700, 1500, 3100 ms), a local slot
    expect(refused.grants).toEqual({ shared: 0, local: 1 });
    await refused.penalize(); // at 1,500 ms; the object cannot hear of it now
    link.down = false;
    await vi.advanceTimersByTimeAsync(1700); // the probe at 3,100 ms finds the object and reports
    expect((await status(object)).busy, "the refusal as the object's own penalty: its limit answered").toBe(50);
    // The window of the refusal ends at 1,500 + 2,010 ms, on the object too.
    const other = acquireMany(durableObjectLimiter(ns, 1), 1);
    await vi.advanceTimersByTimeAsync(3490 - 3200);
    expect(other.granted, "a grant within the window of the refusal").toHaveLength(0);
    await vi.advanceTimersByTimeAsync(30);
    expect(other.granted).toHaveLength(1);
    expect(during.granted).toHaveLength(1);
  });

  it("reports the local grants still in their window beside a refusal whose window is over", async () => {
    const { ns, link, object } = await flakyObject();
    const refused = durableObjectLimiter(ns, 1, { fallbackLimit: {}, onFallback: () => {} });
    const first = refused.acquire();
    await vi.advanceTimersByTimeAsync(1100); // the outage; the local share after 1,000 ms
    (await first)();
    await refused.penalize(); // at 1,100 ms: the local share holds back until 3,110 ms
    const later = Array.from({ length: 10 }, () => refused.acquire());
    await vi.advanceTimersByTimeAsync(2100);
    for (const release of await Promise.all(later)) release(); // answered at 3,200 ms
    link.down = false;
    await vi.advanceTimersByTimeAsync(1950); // the probe at 5,100 ms reports: the refusal's window is over
    // The 10 answered at 3,200 ms hold the window until 5,210 ms.
    expect((await status(object)).busy, "local grants still in their window").toBe(10);
  });

  it("tells an object with a limit of its own (HTX_RATE_LIMIT 100) of the refusal with that limit", async () => {
    const { object } = await startObject({ HTX_RATE_LIMIT: "100" });
    const link = { down: true };
    const ns = namespace((request) =>
      link.down ? Promise.reject(new TypeError("Network connection lost.")) : object.fetch(request)
    );
    const refused = durableObjectLimiter(ns, 1, { onFallback: () => {} }); // no local share
    const waiting = acquireMany(refused, 1);
    await vi.advanceTimersByTimeAsync(200);
    await refused.penalize();
    link.down = false;
    await vi.advanceTimersByTimeAsync(600); // the probe at 700 ms reports
    const other = acquireMany(durableObjectLimiter(ns, 1), 60);
    await vi.advanceTimersByTimeAsync(50);
    expect(other.granted, "grants within the refused window").toHaveLength(0);
    expect(waiting.granted).toHaveLength(0);
  });

  it.each([
    ["with no answer", () => new Promise<Response>(() => {})],
    // Headers at once, then a body that never ends: the object has not answered.
    ["whose answer's body never ends", () => Promise.resolve(new Response(new ReadableStream(), { status: 200 }))],
  ])("counts a call %s within timeoutMs as failed", async (_, answer) => {
    const fallbacks: unknown[] = [];
    const limiter = durableObjectLimiter(namespace(answer), 1, {
      timeoutMs: 3000,
      fallbackLimit: {},
      onFallback: (error) => fallbacks.push(error),
    });
    const call = limiter.acquire();
    await vi.advanceTimersByTimeAsync(3000 + 1000);
    expect(typeof (await call)).toBe("function");
    expect(String(fallbacks[0])).toMatch(/no answer within 3000 ms/);
    expect(limiter.grants).toEqual({ shared: 0, local: 1 });
  });

  it("gives back a slot the object grants after the call's time limit, instead of leaving it busy until maxHoldMs", async () => {
    const released: string[] = [];
    const ns = namespace((request) => {
      const url = new URL(request.url);
      if (url.pathname === "/release") released.push(url.searchParams.get("slot")!);
      if (url.pathname !== "/acquire") return Promise.resolve(new Response(null, { status: 204 }));
      // The first long poll is answered, with a slot, a second after the limiter gave up on it.
      if (++polls > 1) return Promise.resolve(Response.json({ slot: `slot-${polls}` }));
      return new Promise((resolve) => setTimeout(() => resolve(Response.json({ slot: "late-1" })), 4000));
    });
    let polls = 0;
    const limiter = durableObjectLimiter(ns, 1, { timeoutMs: 3000, onFallback: () => {} });
    const call = limiter.acquire();
    await vi.advanceTimersByTimeAsync(6000);
    expect(typeof (await call)).toBe("function");
    expect(released).toEqual(["late-1"]);
  });

  it("rejects with HtxTimeoutError when no slot comes within maxWaitMs", async () => {
    const { ns } = await startObject({ HTX_RATE_LIMIT: "1" });
    const limiter = durableObjectLimiter(ns, 1, { maxWaitMs: 5000 });
    await limiter.acquire(); // the one slot, never released
    const call = limiter.acquire();
    const outcome = expect(call).rejects.toBeInstanceOf(HtxTimeoutError);
    await vi.advanceTimersByTimeAsync(7000);
    await outcome;
    await expect(call).rejects.toThrow(/No rate-limit slot within maxWaitMs \(5000 ms\)/);
  });
});

describe("the object's endpoint, from its name", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it.each([
    ["htx-uid-1", "batch-cancel", "accounts"],
    ["htx-uid-1/accounts", "accounts", "batch-cancel"],
    ["htx-uid-1/open-orders", "open-orders", "accounts"],
  ])("%s keeps the %s budget and refuses %s without a change", async (name, kept, other) => {
    const { object } = await startObject({}, memoryState(new Map(), name));
    const refused = await object.fetch(new Request(`https://do/status?endpoint=${other}`));
    expect(refused.status).toBe(400);
    const acquire = await object.fetch(new Request(`https://do/acquire?endpoint=${other}`, { method: "POST" }));
    expect(acquire.status).toBe(400);
    expect(await status(object, kept)).toMatchObject({ endpoint: kept, busy: 0 });
  });
});

describe("a penalty for another endpoint's budget", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("is refused with 400 and changes nothing: nothing stored, the batch cancels go on", async () => {
    const { object, state, ns } = await startObject({}, memoryState(new Map(), "htx-uid-1"));
    const refused = await object.fetch(new Request("https://do/penalize?endpoint=accounts", { method: "POST" }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: expect.stringMatching(/keeps the batch-cancel budget/) });
    expect(state.puts).toBe(0);
    const { granted } = acquireMany(durableObjectLimiter(ns, 1), 50);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toHaveLength(50);
  });
});

describe("durableObjectLimiter's key and options", () => {
  it("names one object per UID, whatever form the UID takes; each endpoint its own", () => {
    const ns = namespace(() => Promise.reject(new Error("not called")));
    for (const uid of ["123", 123, 123n, "0123"]) durableObjectLimiter(ns, uid);
    durableObjectLimiter(ns, "123", { endpoint: "open-orders" });
    expect(ns.names).toEqual(["htx-uid-123", "htx-uid-123", "htx-uid-123", "htx-uid-123", "htx-uid-123/open-orders"]);
  });

  it.each<[string, unknown, object, RegExp]>([
    ["a uid with a space", " 123", {}, /uid must be your HTX UID as digits/],
    ["a uid with letters", "12a", {}, /uid must be your HTX UID as digits/],
    ["an empty uid", "", {}, /uid must be/],
    ["uid 0", 0, {}, /uid must be/],
    ["a fractional uid", 1.5, {}, /uid must be/],
    ["a negative uid", -1, {}, /uid must be/],
    ["an unknown endpoint", 1, { endpoint: "orders" }, /endpoint must be one of batch-cancel, open-orders, accounts/],
    ["timeoutMs below the long poll", 1, { timeoutMs: 100 }, /timeoutMs must be a number of ms from 3000/],
    ["timeoutMs NaN", 1, { timeoutMs: NaN }, /timeoutMs must be/],
    ["maxWaitMs 0", 1, { maxWaitMs: 0 }, /maxWaitMs must be/],
    ["fallbackAfterMs negative", 1, { fallbackAfterMs: -1 }, /fallbackAfterMs must be/],
    ["fallbackLimit 0", 1, { fallbackLimit: { limit: 0 } }, /limit must be a whole number/],
    ["fallbackLimit a string", 1, { fallbackLimit: "10" }, /fallbackLimit must be an object/],
    ["onFallback not a function", 1, { onFallback: "warn" }, /onFallback must be a function/],
  ])("refuses %s with an HtxInputError that says what to pass", (_, uid, options, message) => {
    const ns = namespace(() => Promise.reject(new Error("not called")));
    const create = () => durableObjectLimiter(ns, uid as string, options);
    expect(create).toThrow(HtxInputError);
    expect(create).toThrow(message);
    expect(ns.calls).toEqual([]);
  });
});
