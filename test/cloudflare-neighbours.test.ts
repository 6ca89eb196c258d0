/**
 * The Durable Object limiter among many Workers and hostile neighbours, in Node (the parts where
 * the runtime does not matter; the multi-isolate runs are in test/runtimes/durable-object-*.test.ts):
 * `maxWaitMs` kept, failing storage, one listener per call, the object told of local grants,
 * rows pruned after a day, and what one invocation's subrequests can cancel.
 */
import { getEventListeners } from "node:events";
import { serialize } from "node:v8";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HtxTimeoutError } from "../mod.ts";
import {
  CLOUDFLARE_SUBREQUEST_LIMITS,
  durableObjectLimiter,
  HtxRateLimitObject,
  SubrequestBudget,
} from "../src/cloudflare.ts";
import { PRUNE_AFTER_MS } from "../src/cloudflare/object.ts";
import { acquireMany, flakyObject, memoryState, namespace, startObject, status } from "./cloudflare-fixtures.ts";

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

/** Settles `promise` into a record that says when it rejected, by the fake clock. */
function watch(promise: Promise<unknown>) {
  const outcome: { error?: unknown; at?: number } = {};
  promise.then(() => (outcome.at = Date.now()), (error) => ((outcome.error = error), (outcome.at = Date.now())));
  return outcome;
}

describe("maxWaitMs is kept: the HtxTimeoutError comes at maxWaitMs, and says so", () => {
  it.each([
    ["long-polling (the budget is full)", "full"],
    ["hanging (no answer at all)", "hang"],
  ])("with the object %s", async (_, kind) => {
    const { ns: live } = await startObject({ HTX_RATE_LIMIT: "1" });
    const ns = kind === "hang" ? namespace(() => new Promise<Response>(() => {})) : live;
    if (kind === "full") await durableObjectLimiter(ns, 1).acquire(); // the one slot, never released
    const started = Date.now();
    const outcome = watch(durableObjectLimiter(ns, 1, { maxWaitMs: 300 }).acquire());
    await vi.advanceTimersByTimeAsync(299);
    expect(outcome.at).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome.at! - started).toBe(300);
    expect(outcome.error).toBeInstanceOf(HtxTimeoutError);
    expect(String(outcome.error)).toMatch(/No rate-limit slot within maxWaitMs \(300 ms\)/);
  });
});

describe("failed storage writes while /status answers", () => {
  it("grants nothing it could not store: no loop, the local share (opted in) is used, no slot held", async () => {
    const { object, state, ns } = await startObject();
    state.failWrites = true;
    const fallbacks: unknown[] = [];
    const limiter = durableObjectLimiter(ns, 1, { fallbackLimit: {}, onFallback: (e) => fallbacks.push(e) });
    const { granted } = acquireMany(limiter, 20);
    await vi.advanceTimersByTimeAsync(5000);
    const acquires = ns.calls.filter((p) => p === "/acquire").length;
    const statuses = ns.calls.filter((p) => p === "/status").length;
    const breakdown = `acquires ${acquires}, status calls ${statuses}, granted ${granted.length}, ${
      JSON.stringify(limiter.grants)
    }`;
    expect(acquires, breakdown).toBeLessThanOrEqual(20); // one each, when the outage began: no loop
    expect(statuses, breakdown).toBeLessThanOrEqual(8); // probes with backoff
    expect(limiter.grants.shared, breakdown).toBe(0);
    expect(limiter.grants.local, breakdown).toBeGreaterThan(0);
    expect(String(fallbacks[0])).toMatch(/HTTP 503.*storage fails/);
    state.failWrites = false;
    expect(await status(object)).toMatchObject({ inFlight: 0 });
  });

  it("without a local share, callers wait instead of looping, and get slots once writes work again", async () => {
    const { state, ns } = await startObject();
    state.failWrites = true;
    const limiter = durableObjectLimiter(ns, 1);
    const { granted } = acquireMany(limiter, 5);
    await vi.advanceTimersByTimeAsync(5000);
    expect(ns.calls.filter((p) => p === "/acquire").length).toBeLessThanOrEqual(5);
    expect(granted).toHaveLength(0);
    state.failWrites = false;
    await vi.advanceTimersByTimeAsync(2100); // the next probe writes, and works
    expect(granted).toHaveLength(5);
    expect(limiter.grants).toEqual({ shared: 5, local: 0 });
  });
});

describe("one abort listener per call", () => {
  it("5 Workers × 40 callers through an outage: at most one listener on each caller's signal, no MaxListenersExceededWarning", async () => {
    const { link, ns } = await flakyObject();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      // Each request has its own signal, as the engine gives each chunk.
      const signals: AbortSignal[] = [];
      for (let worker = 0; worker < 5; worker++) {
        const limiter = durableObjectLimiter(ns, 1, { fallbackLimit: {}, onFallback: () => {} });
        for (let i = 0; i < 40; i++) {
          const signal = new AbortController().signal;
          signals.push(signal);
          void limiter.acquire(signal).catch(() => {});
        }
      }
      let most = 0;
      for (let t = 0; t < 3000; t += 100) {
        await vi.advanceTimersByTimeAsync(100);
        for (const signal of signals) most = Math.max(most, getEventListeners(signal, "abort").length);
      }
      link.down = false;
      await vi.advanceTimersByTimeAsync(10_000);
      expect(most).toBe(1);
      expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("on its return, the object counts what Workers granted locally", () => {
  it("a Worker reports its local grants before its callers go back: the object grants only the rest of the window", async () => {
    const { object, link, ns } = await flakyObject();
    const limiter = durableObjectLimiter(ns, 1, { fallbackLimit: {}, fallbackAfterMs: 0, onFallback: () => {} });
    const local = acquireMany(limiter, 10);
    await vi.advanceTimersByTimeAsync(50);
    expect(limiter.grants.local).toBe(10);
    const releases = local.granted as (() => void)[];
    releases.forEach((release) => release()); // answered at once
    link.down = false;
    const after = acquireMany(limiter, 60);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ns.calls).toContain("/report");
    expect(after.granted.length, `shared grants ${limiter.grants.shared}`).toBe(40); // 50 − the 10 local
    expect((await status(object)).busy).toBe(50);
  });
});

describe("on its return through a call under way, the object still counts the local grants first", () => {
  it("an acquire sent before the outage and answered after it: the report goes before any caller goes back", async () => {
    const { object } = await startObject();
    const link = { down: true };
    let open = () => {};
    const held = new Promise<void>((resolve) => (open = resolve));
    let acquires = 0;
    const ns = namespace((request) => {
      // The first acquire is slow (answered within timeoutMs); every other call fails while the link is down.
      if (new URL(request.url).pathname === "/acquire" && ++acquires === 1) {
        return held.then(() => object.fetch(request));
      }
      return link.down ? Promise.reject(new TypeError("Network connection lost.")) : object.fetch(request);
    });
    const limiter = durableObjectLimiter(ns, 1, { fallbackLimit: {}, fallbackAfterMs: 0, onFallback: () => {} });
    const slow = acquireMany(limiter, 1);
    await vi.advanceTimersByTimeAsync(0);
    const local = acquireMany(limiter, 10);
    await vi.advanceTimersByTimeAsync(50);
    expect(limiter.grants.local).toBe(10);
    (local.granted as (() => void)[]).forEach((release) => release()); // answered at once
    const after = acquireMany(limiter, 60); // waiting for the object (the local share is spent)
    await vi.advanceTimersByTimeAsync(10);
    link.down = false;
    open(); // the slow acquire comes back with a slot: the object answers again
    await vi.advanceTimersByTimeAsync(1000);
    const inWindow = limiter.grants.local + slow.granted.length + after.granted.length;
    const breakdown = `local ${limiter.grants.local}, slow ${slow.granted.length}, after ${after.granted.length}, ` +
      `object busy ${(await status(object)).busy}, calls ${ns.calls.join(" ")}`;
    expect(inWindow, breakdown).toBeLessThanOrEqual(50);
    expect((await status(object)).busy, breakdown).toBe(50);
  });
});

describe("a Worker done before the object is back still reports its local grants", () => {
  it("its probe goes on with nobody waiting while the grants count: another Worker then gets only the rest", async () => {
    const { object, link, ns } = await flakyObject();
    const kept: Promise<unknown>[] = [];
    const done = durableObjectLimiter(ns, 1, {
      fallbackLimit: {},
      fallbackAfterMs: 0,
      onFallback: () => {},
      waitUntil: (p) => kept.push(p),
    });
    const local = acquireMany(done, 10);
    await vi.advanceTimersByTimeAsync(50);
    expect(done.grants.local).toBe(10);
    (local.granted as (() => void)[]).forEach((release) => release()); // its cancels are over
    link.down = false;
    await vi.advanceTimersByTimeAsync(900);
    const other = durableObjectLimiter(ns, 1);
    const after = acquireMany(other, 60);
    await vi.advanceTimersByTimeAsync(500);
    const breakdown = `reports ${
      ns.calls.filter((p) => p === "/report").length
    }, other's grants ${after.granted.length}`;
    expect(ns.calls, breakdown).toContain("/report");
    expect(after.granted.length, breakdown).toBe(40); // 50 − the 10 local, still in their window
    expect((await status(object)).busy).toBe(50);
    expect(kept.length).toBeGreaterThan(0);
  });
});

describe("reports and budgets, counted", () => {
  it("a report of more slots than the limit counts as the limit, and the row never holds more", async () => {
    const { object, state } = await startObject();
    const grants = Array.from({ length: 10_000 }, () => ({ grantedAt: Date.now() - 100, releasedAt: Date.now() - 50 }));
    const report = new Request("https://do/report?endpoint=batch-cancel", {
      method: "POST",
      body: JSON.stringify({ grants }),
    });
    expect((await object.fetch(report)).status).toBe(204);
    expect((await status(object)).busy).toBe(50);
    expect((state.store.get("slots") as unknown[]).length).toBe(50);
  });

  it("a slot of the local share counts its HTX request against the invocation's subrequests", async () => {
    const { ns } = await flakyObject();
    const budget = new SubrequestBudget(50);
    const limiter = durableObjectLimiter(ns, 1, {
      fallbackLimit: {},
      fallbackAfterMs: 0,
      subrequests: budget,
      onFallback: () => {},
    });
    await vi.advanceTimersByTimeAsync(0);
    const call = limiter.acquire();
    await vi.advanceTimersByTimeAsync(10);
    await call;
    // The failed ask, and the HTX request the slot is for; nothing left reserved.
    expect({ used: budget.used, free: budget.free }).toEqual({ used: 2, free: 48 });
  });
});

describe("the object's storage per UID × endpoint", () => {
  it("is one row, of at most the budget's slots; deleted once unused for a day", async () => {
    const state = memoryState();
    const { object, ns } = await startObject({}, state);
    const releases = await Promise.all(Array.from({ length: 50 }, () => durableObjectLimiter(ns, 1).acquire()));
    releases.forEach((release) => release());
    await vi.advanceTimersByTimeAsync(10);
    expect([...state.store.keys()]).toEqual(["slots"]);
    const bytes = serialize(state.store.get("slots")).length;
    const json = JSON.stringify(state.store.get("slots")).length;
    console.info(
      `storage per UID × endpoint: one row, 50 answered slots = ${bytes} bytes (V8 serialised), ${json} as JSON`,
    );
    expect(state.alarm).toBe(1_000_000 + PRUNE_AFTER_MS);

    await vi.advanceTimersByTimeAsync(PRUNE_AFTER_MS / 2);
    await durableObjectLimiter(ns, 1).acquire(); // used again half a day later
    await vi.setSystemTime(state.alarm!);
    await object.alarm();
    expect(state.store.has("slots")).toBe(true); // not unused for a day yet
    await vi.setSystemTime(state.alarm!);
    await object.alarm();
    expect(state.store.has("slots")).toBe(false);
  });

  it("a restarted object's alarm reads the row's own times", async () => {
    const { state, ns } = await startObject();
    await durableObjectLimiter(ns, 1).acquire();
    const restarted = new HtxRateLimitObject(memoryState(state.store), {});
    await vi.setSystemTime(1_000_000 + PRUNE_AFTER_MS);
    await restarted.alarm();
    expect(state.store.has("slots")).toBe(false);
  });
});

describe("what one invocation's subrequests can cancel (docs/cloudflare.md)", () => {
  /** `ids` split in requests of 50 started together, each answered at once: how many were granted. */
  async function cancellable(limit: number, ids: number) {
    const { ns } = await startObject();
    const budget = new SubrequestBudget(limit);
    const limiter = durableObjectLimiter(ns, 1, { subrequests: budget, onFallback: () => {} });
    const requests = Math.ceil(ids / 50);
    let sent = 0;
    const refused: unknown[] = [];
    const calls = Array.from({ length: requests }, async () => {
      try {
        const release = await limiter.acquire();
        sent++;
        setTimeout(release, 50); // the answer, 50 ms later
      } catch (error) {
        refused.push(error);
      }
    });
    for (let t = 0; t < 120_000 && sent + refused.length < requests; t += 1000) await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(calls);
    await vi.advanceTimersByTimeAsync(100);
    return { sent, refused, used: budget.used, limit };
  }

  it.each([
    ["Workers Free", CLOUDFLARE_SUBREQUEST_LIMITS.free, 2000],
    ["Workers Paid", CLOUDFLARE_SUBREQUEST_LIMITS.paid, 200_000],
  ])("%s (%i per invocation), %i ids: never past the limit; the rest refused, naming it", async (plan, limit, ids) => {
    const run = await cancellable(limit, ids);
    console.info(
      `${plan}: ${ids} ids in one invocation → ${run.sent * 50} cancelled (${run.sent} requests), ` +
        `${run.refused.length * 50} refused unsent; ${run.used} of ${limit} subrequests used`,
    );
    expect(run.used).toBeLessThanOrEqual(limit);
    expect(run.sent + run.refused.length).toBe(Math.ceil(ids / 50));
    expect(run.refused.length).toBeGreaterThan(0);
    expect(String(run.refused[0])).toMatch(/subrequest limit \(\d+, option subrequests\)/);
    if (limit === CLOUDFLARE_SUBREQUEST_LIMITS.free) expect(run.sent).toBe(16); // 3 subrequests each
  }, 60_000);
});
