import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HtxAbortError, HtxInputError, SlidingWindowLimiter, type SlidingWindowOptions } from "../mod.ts";

/** The most arrivals inside any window of `spanMs` (half-open). */
function busiestWindow(times: number[], spanMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= spanMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** A deterministic pseudo-random latency in [0, maxMs), so the runs repeat. */
function latencies(seed: number, maxMs: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * maxMs;
  };
}

describe("SlidingWindowLimiter (fake clock)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("keeps every 2 s window at HTX to 50 arrivals for 1,000 concurrent callers, however the network delays them", async () => {
    const limiter = new SlidingWindowLimiter();
    const latency = latencies(7, 400);
    const sent: { at: number; answeredAt: number }[] = [];
    const calls = Array.from({ length: 1000 }, async () => {
      const release = await limiter.acquire();
      const at = performance.now();
      await new Promise((r) => setTimeout(r, latency())); // the round trip
      sent.push({ at, answeredAt: performance.now() });
      release();
    });
    await vi.runAllTimersAsync();
    await Promise.all(calls);
    expect(sent).toHaveLength(1000);
    // Each request reached HTX somewhere between its send and its answer. Whether the
    // network put every arrival at the start, at the end, or anywhere between, no window
    // of 2 s holds more than 50 of them.
    const pick = latencies(11, 1);
    for (
      const arrival of [
        (s: typeof sent[0]) => s.at,
        (s: typeof sent[0]) => s.answeredAt,
        (s: typeof sent[0]) => s.at + pick() * (s.answeredAt - s.at),
      ]
    ) {
      expect(busiestWindow(sent.map(arrival), 2000)).toBeLessThanOrEqual(50);
    }
    // The invariant behind it: when a request is sent, at most 49 others were sent and either
    // are unanswered or were answered less than a window ago.
    for (const request of sent) {
      const overlapping = sent.filter((other) =>
        other !== request && other.at <= request.at && other.answeredAt + 2000 > request.at
      );
      expect(overlapping.length).toBeLessThanOrEqual(49);
    }
  });

  it("costs one window per 50 when answers are instant: 1,000 grants in 19 windows", async () => {
    const limiter = new SlidingWindowLimiter();
    const granted: number[] = [];
    const calls = Array.from({ length: 1000 }, async () => {
      const release = await limiter.acquire();
      granted.push(performance.now());
      release();
    });
    await vi.runAllTimersAsync();
    await Promise.all(calls);
    expect(granted.at(-1)! - granted[0]!).toBe(19 * 2010);
    expect(busiestWindow(granted, 2000)).toBe(50);
  });

  it("grants the first `limit` callers at once, the next a window after an answer", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 3, intervalMs: 1000, marginMs: 0 });
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const calls = [1, 2, 3, 4].map((n) =>
      limiter.acquire().then((release) => {
        order.push(n);
        releases.push(release);
      })
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(300);
    releases[1]!(); // request 2 answered at t = 300
    await vi.advanceTimersByTimeAsync(999);
    expect(order).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual([1, 2, 3, 4]);
    await Promise.all(calls);
  });

  it("holds a slot while its request is unanswered", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, intervalMs: 100, marginMs: 0 });
    const release = await limiter.acquire();
    let second = false;
    void limiter.acquire().then(() => (second = true));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(second).toBe(false);
    release();
    await vi.advanceTimersByTimeAsync(99);
    expect(second).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toBe(true);
  });

  it("frees a slot whose release never comes after maxHoldMs", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, intervalMs: 100, maxHoldMs: 1000 });
    await limiter.acquire();
    let second = false;
    void limiter.acquire().then(() => (second = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(second).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toBe(true);
  });

  it("ignores a second release of the same slot", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, intervalMs: 100, marginMs: 0 });
    const release = await limiter.acquire();
    release();
    let second = false;
    void limiter.acquire().then(() => (second = true));
    await vi.advanceTimersByTimeAsync(50);
    release(); // must not move the slot's answer time
    await vi.advanceTimersByTimeAsync(50);
    expect(second).toBe(true);
  });

  it("serves waiters first come, first served", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, intervalMs: 100, marginMs: 0 });
    const order: number[] = [];
    const calls = [1, 2, 3, 4, 5].map((n) =>
      limiter.acquire().then((release) => {
        order.push(n);
        release();
      })
    );
    await vi.runAllTimersAsync();
    await Promise.all(calls);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it("grants a free slot at once when nobody waits: no listener on the caller's signal, no timer", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 2, intervalMs: 100, marginMs: 0 });
    const signal = new AbortController().signal;
    const listen = vi.spyOn(signal, "addEventListener");
    const release = await limiter.acquire(signal);
    expect(listen).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
    release();
    expect(vi.getTimerCount()).toBe(0);
    expect(limiter.snapshot()).toHaveLength(1); // the released slot still holds its window
  });

  it("gives a slot free by the clock before its timer runs to the caller who waited, not to a newcomer", async () => {
    let clock = 0;
    const limiter = new SlidingWindowLimiter({ limit: 1, intervalMs: 100, marginMs: 0, now: () => clock });
    (await limiter.acquire())(); // answered at 0: busy until 100
    const order: string[] = [];
    const first = limiter.acquire().then((release) => (order.push("first"), release));
    clock = 150; // free by the clock; the waiter's timer has not run yet
    const second = limiter.acquire().then((release) => (order.push("second"), release));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(["first"]); // the free slot went to the one who waited
    (await first)();
    clock = 300;
    await vi.advanceTimersByTimeAsync(200);
    expect(order).toEqual(["first", "second"]);
    (await second)();
  });

  it("rejects an aborted waiter with HtxAbortError and gives its turn to the next", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, intervalMs: 100, marginMs: 0 });
    (await limiter.acquire())();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toBeInstanceOf(HtxAbortError);
    await vi.advanceTimersByTimeAsync(100);
    await expect(next).resolves.toBeTypeOf("function");
  });

  it("rejects at once when the signal is already aborted", async () => {
    const limiter = new SlidingWindowLimiter();
    await expect(limiter.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(HtxAbortError);
  });
});

describe("SlidingWindowLimiter after a restart (restore)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("keeps a slot that was in flight busy until grantedAt + maxHoldMs: its request may still be on its way", async () => {
    const options = { limit: 1, intervalMs: 100, marginMs: 0, maxHoldMs: 5000 };
    const before = new SlidingWindowLimiter(options);
    await before.acquire(); // granted at t = 0, never answered: the process died
    await vi.advanceTimersByTimeAsync(1000);
    const after = new SlidingWindowLimiter({ ...options, restore: before.snapshot() });
    let granted = false;
    void after.acquire().then(() => (granted = true));
    await vi.advanceTimersByTimeAsync(3999); // t = 4999
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toBe(true);
  });
});

describe("SlidingWindowLimiter leaves nothing running", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("has no timer pending once every waiter has aborted, so an aborted run lets the process exit", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, intervalMs: 2000 });
    (await limiter.acquire())();
    const controller = new AbortController();
    const waiters = [limiter.acquire(controller.signal), limiter.acquire(controller.signal)];
    expect(vi.getTimerCount()).toBe(1); // waiting for the slot to free
    controller.abort();
    await Promise.allSettled(waiters);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("SlidingWindowLimiter options", () => {
  const limit = 2 ** 31 - 1;
  it.each<[string, SlidingWindowOptions, RegExp]>([
    ["limit 0", { limit: 0 }, /limit must be a whole number from 1 to 2147483647; got 0/],
    ["limit NaN", { limit: NaN }, /limit must be a whole number .*got NaN/],
    ["limit negative", { limit: -1 }, /limit must be a whole number/],
    ["limit fractional", { limit: 1.5 }, /limit must be a whole number/],
    ["limit Infinity", { limit: Infinity }, /limit must be a whole number/],
    ["limit 2^31", { limit: limit + 1 }, /limit must be a whole number from 1 to 2147483647; got 2147483648/],
    ["limit a string", { limit: "50" as never }, /limit must be a whole number .*got "50"/],
    ["intervalMs NaN", { intervalMs: NaN }, /intervalMs must be a number of ms from 1/],
    ["intervalMs negative", { intervalMs: -5 }, /intervalMs must be a number of ms from 1/],
    ["intervalMs 0", { intervalMs: 0 }, /intervalMs must be/],
    ["intervalMs 2^31", { intervalMs: 2 ** 31 }, /intervalMs must be/],
    ["marginMs negative", { marginMs: -1 }, /marginMs must be a number of ms from 0/],
    ["marginMs Infinity", { marginMs: Infinity }, /marginMs must be/],
    [
      "maxHoldMs below intervalMs",
      { intervalMs: 2000, maxHoldMs: 1000 },
      /maxHoldMs \(at least intervalMs\) must be .* from 2000/,
    ],
    ["maxHoldMs Infinity", { maxHoldMs: Infinity }, /maxHoldMs/],
    ["now not a function", { now: 5 as never }, /now must be a function/],
    ["restore not an array", { restore: {} as never }, /restore must be the array an earlier snapshot\(\) returned/],
    ["restore with a hole", { restore: [{ grantedAt: 1 }, , { grantedAt: 2 }] as never }, /restore must be/],
    ["restore with a NaN time", { restore: [{ grantedAt: NaN }] }, /restore must be/],
  ])("refuses %s with an HtxInputError that says what to pass", (_, options, message) => {
    expect(() => new SlidingWindowLimiter(options)).toThrow(HtxInputError);
    expect(() => new SlidingWindowLimiter(options)).toThrow(message);
  });

  it("accepts the limits themselves, and a window longer than the default hold", () => {
    expect(new SlidingWindowLimiter({ limit: 1, intervalMs: 1, marginMs: 0 }).maxHoldMs).toBe(30_000);
    expect(new SlidingWindowLimiter({ limit, intervalMs: limit, maxHoldMs: limit }).limit).toBe(limit);
    expect(new SlidingWindowLimiter({ intervalMs: 60_000 }).maxHoldMs).toBe(60_000);
  });
});
