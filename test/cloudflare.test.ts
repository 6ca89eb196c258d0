/**
 * The Durable Object limiter, in Node: the object with an in-memory stand-in for its state, and
 * the client side against namespaces that work, fail, or hang. The multi-isolate run is in
 * test/runtimes/durable-object.test.ts (workerd).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { durableObjectLimiter, type DurableObjectStateLike, HtxRateLimitObject } from "../src/cloudflare.ts";

/** A Durable Object state kept in a Map, shared across "restarts" like real storage. */
function memoryState(store = new Map<string, unknown>()): DurableObjectStateLike & { store: Map<string, unknown> } {
  return {
    store,
    storage: {
      get: async <T>(key: string) => store.get(key) as T | undefined,
      put: async <T>(key: string, value: T) => void store.set(key, structuredClone(value)),
    },
    blockConcurrencyWhile: (callback) => callback(),
  };
}

/** A namespace whose one object is `object` (or whatever `fetch` does). */
function namespace(fetch: (request: Request) => Promise<Response>) {
  const calls: string[] = [];
  return {
    calls,
    idFromName: (name: string) => name,
    get: () => ({
      fetch: (request: Request) => {
        calls.push(new URL(request.url).pathname);
        return fetch(request);
      },
    }),
  };
}

describe("HtxRateLimitObject and durableObjectLimiter", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("grant 50 slots, then the next only a window after an answer", async () => {
    const object = new HtxRateLimitObject(memoryState());
    await vi.advanceTimersByTimeAsync(0);
    const ns = namespace((request) => object.fetch(request));
    const limiter = durableObjectLimiter(ns, 1);
    const releases = await Promise.all(Array.from({ length: 50 }, () => limiter.acquire()));
    let granted = false;
    const next = limiter.acquire().then((release) => {
      granted = true;
      return release;
    });
    await vi.advanceTimersByTimeAsync(1000);
    releases[0]!?.(); // the first request's answer arrives at t = 1 s
    await vi.advanceTimersByTimeAsync(2009);
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toBe(true);
    expect(typeof (await next)).toBe("function");
    expect(ns.calls.filter((p) => p === "/acquire").length).toBeGreaterThanOrEqual(51); // long polls re-ask
    expect(ns.calls.filter((p) => p === "/release")).toHaveLength(1);
  });

  it("keeps a window in use across a restart of the object (state in Durable Object storage)", async () => {
    const state = memoryState();
    const before = new HtxRateLimitObject(state);
    await vi.advanceTimersByTimeAsync(0);
    const first = durableObjectLimiter(namespace((r) => before.fetch(r)), 1);
    for (const release of await Promise.all(Array.from({ length: 50 }, () => first.acquire()))) release?.();
    await vi.advanceTimersByTimeAsync(10); // let the releases land

    const after = new HtxRateLimitObject(memoryState(state.store)); // restarted: only storage survives
    await vi.advanceTimersByTimeAsync(0);
    let granted = false;
    void durableObjectLimiter(namespace((r) => after.fetch(r)), 1).acquire().then(() => (granted = true));
    await vi.advanceTimersByTimeAsync(1900);
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(granted).toBe(true);
  });

  it.each([
    ["unreachable", () => Promise.reject(new TypeError("Network connection lost"))],
    ["answering 500", () => Promise.resolve(new Response("boom", { status: 500 }))],
    ["too slow", () => new Promise<Response>(() => {})],
  ])("falls back to a local limiter, once and with a warning, when the object is %s", async (_, fetch) => {
    const warnings: unknown[] = [];
    const ns = namespace(fetch);
    const limiter = durableObjectLimiter(ns, 1, { timeoutMs: 100, onFallback: (error) => warnings.push(error) });
    const first = limiter.acquire();
    await vi.advanceTimersByTimeAsync(100);
    expect(typeof (await first)).toBe("function"); // granted by the local limiter
    await limiter.acquire();
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0])).toMatch(/Network connection lost|HTTP 500|no answer within 100 ms/);
    expect(ns.calls).toEqual(["/acquire"]); // not asked again after the fallback
  });

  it("releases a slot granted to a caller who aborted meanwhile", async () => {
    const object = new HtxRateLimitObject(memoryState());
    await vi.advanceTimersByTimeAsync(0);
    const ns = namespace((request) => object.fetch(request));
    const limiter = durableObjectLimiter(ns, 1);
    const controller = new AbortController();
    const call = limiter.acquire(controller.signal);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: "HtxAbortError" });
    await vi.advanceTimersByTimeAsync(10);
    expect(ns.calls).toEqual(["/acquire", "/release"]);
  });
});
