import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HtxAbortError, SlidingWindowLimiter } from "../mod.ts";

/** The largest number of grants inside any window of `spanMs` (half-open), by grant time. */
function busiestWindow(times: number[], spanMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= spanMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe("SlidingWindowLimiter (fake clock)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("never grants more than 50 in any 2 s window to 1,000 concurrent callers", async () => {
    const limiter = new SlidingWindowLimiter();
    const granted: number[] = [];
    const all = Array.from({ length: 1000 }, () => limiter.acquire().then(() => granted.push(performance.now())));
    await vi.runAllTimersAsync();
    await Promise.all(all);
    expect(granted).toHaveLength(1000);
    expect(busiestWindow(granted, 2000)).toBe(50);
    // The margin holds each window 50 ms longer, so even windows shifted by jitter stay within 50.
    expect(busiestWindow(granted, 2050)).toBe(50);
    // ... and it is not slower than it must be: 1,000 grants take 19 windows of 2,050 ms.
    expect(granted.at(-1)! - granted[0]!).toBe(19 * 2050);
  });

  it("grants the first `limit` callers at once", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 3, intervalMs: 1000, marginMs: 0 });
    const order: number[] = [];
    const calls = [1, 2, 3, 4].map((n) => limiter.acquire().then(() => order.push(n)));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(999);
    expect(order).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual([1, 2, 3, 4]);
    await Promise.all(calls);
  });

  it("serves waiters first come, first served", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, intervalMs: 100, marginMs: 0 });
    const order: number[] = [];
    const calls = [1, 2, 3, 4, 5].map((n) => limiter.acquire().then(() => order.push(n)));
    await vi.runAllTimersAsync();
    await Promise.all(calls);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it("rejects an aborted waiter with HtxAbortError and gives its slot to the next", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, intervalMs: 100, marginMs: 0 });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toBeInstanceOf(HtxAbortError);
    await vi.advanceTimersByTimeAsync(100);
    await expect(next).resolves.toBeUndefined();
  });

  it("rejects at once when the signal is already aborted", async () => {
    const limiter = new SlidingWindowLimiter();
    await expect(limiter.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(HtxAbortError);
  });
});
