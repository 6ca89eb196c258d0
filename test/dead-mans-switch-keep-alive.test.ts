/**
 * `htx.deadMansSwitch`: arms once (resolving when HTX accepted, rejecting when it did not),
 * refreshes every `refreshMs`, reports a failed refresh through `onError` and keeps trying,
 * reports a lapse when a refresh lands after the trigger time, and `stop()` disarms and resolves
 * once HTX confirmed. Run against the simulator on fake timers: the simulator's clock and the
 * client's are the faked `Date.now`.
 */
import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HtxClient, type HtxError, HtxInputError } from "../mod.ts";
import { createHtxSimulator, DEMO_ACCOUNT, type HtxFault, type HtxSimulator } from "../src/testing/mod.ts";
import { order } from "./simulator-requests.ts";

const BASE_URL = "https://api.huobi.pro";
const SWITCH_PATH = "/v2/algo-orders/cancel-all-after";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A simulator and a client of it; `faults` by the switch's request number (1 = the arming). */
function setUp(
  options: { faults?: (n: number) => HtxFault | undefined; permissions?: ("read" | "trade")[]; timeoutMs?: number } =
    {},
) {
  const bodies: string[] = [];
  let fault: HtxFault | undefined;
  const sim = createHtxSimulator({
    accounts: [{ ...DEMO_ACCOUNT, permissions: options.permissions }],
    orders: [order("1", "submitted"), order("2", "submitted")],
    now: () => Date.now(),
    faults: () => fault, // read synchronously when sim.fetch is called, just below
  });
  const fetch = async (url: string, init: RequestInit) => {
    bodies.push(String(init.body));
    fault = options.faults?.(bodies.length);
    const answer = sim.fetch(url, init);
    // A latency fault waits on the fake clock; every other answer only on Web Crypto.
    if (fault?.type === "latency") return await answer;
    inFlight++;
    try {
      return await answer;
    } finally {
      inFlight--;
    }
  };
  const htx = new HtxClient({
    ...DEMO_ACCOUNT,
    baseUrl: BASE_URL,
    fetch,
    retry: 0,
    now: () => Date.now(),
    timeoutMs: options.timeoutMs,
  });
  return { sim, htx, bodies };
}

const dropped: HtxFault = { type: "drop", after: false };

/** Requests to the simulator not yet answered (latency faults aside). */
let inFlight = 0;

/**
 * Lets the requests started so far finish: the simulator verifies signatures with Web Crypto,
 * whose promises settle on the real event loop, which no fake timer drives.
 */
async function settle(): Promise<void> {
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 100_000 && inFlight > 0; i++) await tick();
  for (let i = 0; i < 10; i++) await tick();
}

/**
 * Advances the fake clock in steps of 100 ms, letting each step's requests finish before the
 * next: the simulator verifies signatures with Web Crypto, which no fake timer drives.
 */
async function advance(ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 100) {
    await vi.advanceTimersByTimeAsync(Math.min(100, ms - done));
    await settle();
  }
}

/** A switch of 10 s refreshed every 4 s, and the trigger times its lapse reports name. */
async function armWatchingLapses(htx: HtxClient) {
  const lapses: number[] = [];
  const deadMan = await htx.deadMansSwitch({
    timeoutSeconds: 10,
    refreshMs: 4_000,
    onError: (_, { lapsed, triggerTime }) => {
      if (lapsed) lapses.push(triggerTime);
    },
  });
  return { deadMan, lapses };
}

describe("deadMansSwitch: arming", () => {
  it("resolves once HTX accepted the arming, with its trigger time", async () => {
    const { sim, htx, bodies } = setUp();
    const deadMan = await htx.deadMansSwitch();
    expect(bodies).toEqual(['{"timeout":60}']);
    expect(deadMan.triggerTime).toBe(Date.now() + 60_000);
    expect(sim.cancelAllAfterTrigger(1)).toBe(deadMan.triggerTime);
    await deadMan.stop();
  });

  it("rejects when HTX refuses (a key without Trade permission), leaving nothing running", async () => {
    const { htx, bodies } = setUp({ permissions: ["read"] });
    await expect(htx.deadMansSwitch()).rejects.toMatchObject({
      name: "HtxApiError",
      errCode: "api-signature-not-valid",
    });
    await advance(60_000);
    expect(bodies).toHaveLength(1);
  });

  it("rejects when the signal aborts during the arming, and refreshes nothing afterwards", async () => {
    const { htx, bodies } = setUp({ faults: (n) => (n === 1 ? { type: "latency", ms: 5_000 } : undefined) });
    const controller = new AbortController();
    const arming = htx.deadMansSwitch({ timeoutSeconds: 20, refreshMs: 5_000, signal: controller.signal });
    await advance(100);
    controller.abort();
    await expect(arming).rejects.toMatchObject({ name: "HtxAbortError" });
    await advance(30_000);
    expect(bodies).toHaveLength(1);
  });

  it.each([
    ["timeoutSeconds 3", { timeoutSeconds: 3 }, /timeoutSeconds must be 0 \(disarm\) or a whole number/],
    ["timeoutSeconds 0", { timeoutSeconds: 0 }, /at least 5 to keep a switch armed/],
    ["refreshMs 0", { refreshMs: 0 }, /refreshMs must be a whole number/],
    [
      "a refresh as slow as the timeout",
      { timeoutSeconds: 10, refreshMs: 10_000 },
      /must be below timeoutSeconds × 1000/,
    ],
    ["onError that is no function", { onError: "log" }, /onError must be a function/],
    ["a misspelt option", { refreshMS: 1000 }, /refreshMS/],
  ])("refuses %s with an HtxInputError, sending nothing", async (_, options, message) => {
    const { htx, bodies } = setUp();
    const error = await htx.deadMansSwitch(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxInputError);
    expect((error as Error).message).toMatch(message);
    expect(bodies).toEqual([]);
  });
});

describe("deadMansSwitch: refreshing", () => {
  it("refreshes every refreshMs, moving the trigger each time", async () => {
    const { sim, htx, bodies } = setUp();
    const deadMan = await htx.deadMansSwitch({ timeoutSeconds: 20, refreshMs: 5_000 });
    await advance(15_000);
    expect(bodies).toEqual(Array(4).fill('{"timeout":20}'));
    expect(deadMan.triggerTime).toBe(Date.now() + 20_000);
    expect(sim.cancelAllAfterTrigger(1)).toBe(deadMan.triggerTime);
    expect(sim.openOrders(1)).toHaveLength(2);
    await deadMan.stop();
  });

  it("reports a failed refresh through onError and keeps trying", async () => {
    const { htx, bodies } = setUp({ faults: (n) => (n === 2 ? dropped : undefined) });
    const errors: { error: HtxError; lapsed: boolean }[] = [];
    const deadMan = await htx.deadMansSwitch({
      timeoutSeconds: 20,
      refreshMs: 5_000,
      onError: (error, { lapsed }) => errors.push({ error, lapsed }),
    });
    await advance(10_000);
    expect(errors.map(({ error, lapsed }) => [error.name, lapsed])).toEqual([["HtxNetworkError", false]]);
    expect(bodies).toHaveLength(3);
    expect(deadMan.triggerTime).toBe(Date.now() + 20_000);
    await deadMan.stop();
  });

  it("keeps refreshing when onError throws", async () => {
    const { htx, bodies } = setUp({ faults: (n) => (n === 2 ? dropped : undefined) });
    const deadMan = await htx.deadMansSwitch({
      timeoutSeconds: 20,
      refreshMs: 5_000,
      onError: () => {
        throw new Error("logger down");
      },
    });
    await advance(10_000);
    expect(bodies).toHaveLength(3);
    await deadMan.stop();
  });

  it("reports a lapse when the next refresh would land after the trigger time, and HTX's trigger then fires", async () => {
    const { sim, htx } = setUp({ faults: (n) => (n >= 2 ? dropped : undefined) });
    const { deadMan, lapses } = await armWatchingLapses(htx);
    const armedTrigger = deadMan.triggerTime;
    await advance(8_000); // refreshes at 4 s and 8 s fail; the next (12 s) is late
    expect(lapses).toEqual([armedTrigger]);
    await advance(2_000);
    expect(sim.openOrders(1).map((o) => o.state)).toEqual(["cancelling", "cancelling"]);
    await deadMan.stop().catch(() => {});
  });

  it("reports a lapse at the trigger time while a refresh is still unanswered, not once it settles", async () => {
    // The refresh at 4 s is answered 20 s later (the client's timeout is 30 s): HTX may get it too late.
    const { htx } = setUp({
      faults: (n) => (n === 2 ? { type: "latency", ms: 20_000 } : undefined),
      timeoutMs: 30_000,
    });
    const { deadMan, lapses } = await armWatchingLapses(htx);
    const armedTrigger = deadMan.triggerTime;
    await advance(9_000);
    expect(lapses).toEqual([]);
    await advance(2_000); // the trigger time passes, the refresh still unanswered
    expect(lapses).toEqual([armedTrigger]);
    const stopped = deadMan.stop();
    let settled = false;
    void stopped.then(() => (settled = true), () => (settled = true));
    for (let step = 0; step < 300 && !settled; step++) await advance(100);
    await stopped;
    expect(lapses).toEqual([armedTrigger]); // reported once
  });

  it("never keeps a Node process alive with its refresh timer", async () => {
    vi.useRealTimers();
    const sim = createHtxSimulator();
    const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: BASE_URL, fetch: sim.fetch });
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const deadMan = await htx.deadMansSwitch({ timeoutSeconds: 600, refreshMs: 300_000 });
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    expect(timersAfter).toBe(timersBefore);
    await deadMan.stop();
  });
});

describe("deadMansSwitch: stopping", () => {
  it("stop() disarms (timeout 0), resolves once HTX confirmed, and refreshes no more", async () => {
    const { sim, htx, bodies } = setUp();
    const deadMan = await htx.deadMansSwitch({ timeoutSeconds: 20, refreshMs: 5_000 });
    const [first, second] = [deadMan.stop(), deadMan.stop()];
    expect(second).toBe(first);
    expect(await first).toMatchObject({ triggerTime: 0 });
    expect(deadMan.triggerTime).toBe(0);
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
    await advance(60_000);
    expect(bodies).toEqual(['{"timeout":20}', '{"timeout":0}']);
    expect(sim.openOrders(1).map((o) => o.state)).toEqual(["submitted", "submitted"]);
  });

  it("waits for a refresh in flight before disarming, so the refresh cannot arm it again", async () => {
    const { sim, htx, bodies } = setUp({ faults: (n) => (n === 2 ? { type: "latency", ms: 3_000 } : undefined) });
    const deadMan = await htx.deadMansSwitch({ timeoutSeconds: 20, refreshMs: 5_000 });
    await advance(5_000); // the refresh is sent, its answer 3 s away
    const stopped = deadMan.stop();
    let settled = false;
    void stopped.then(() => (settled = true), () => (settled = true));
    // The refresh's 3 s start once the simulator has verified it, with Web Crypto on the real event
    // loop: on a loaded machine that can be a step or two of fake time late, so the clock goes on
    // until stop() settles (bounded) rather than exactly 3 s.
    for (let step = 0; step < 100 && !settled; step++) await advance(100);
    await stopped;
    expect(bodies).toEqual(['{"timeout":20}', '{"timeout":20}', '{"timeout":0}']);
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
  });

  it("rejects stop() when the disarm fails: the switch may still be armed", async () => {
    const { sim, htx } = setUp({ faults: (n) => (n === 2 ? dropped : undefined) });
    const deadMan = await htx.deadMansSwitch({ timeoutSeconds: 20, refreshMs: 5_000 });
    await expect(deadMan.stop()).rejects.toMatchObject({ name: "HtxNetworkError" });
    expect(sim.cancelAllAfterTrigger(1)).toBeDefined();
    // A later stop() tries again, and disarms.
    expect(await deadMan.stop()).toMatchObject({ triggerTime: 0 });
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
  });

  it("[Symbol.asyncDispose] disarms like stop()", async () => {
    const { sim, htx } = setUp();
    const deadMan = await htx.deadMansSwitch();
    await deadMan[Symbol.asyncDispose]();
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
  });

  it("leaves no listener on the caller's signal once stopped: a long-lived signal keeps no stopped switch (nor its key)", async () => {
    const { htx } = setUp();
    const controller = new AbortController();
    for (let i = 0; i < 3; i++) {
      const deadMan = await htx.deadMansSwitch({ timeoutSeconds: 20, refreshMs: 5_000, signal: controller.signal });
      await deadMan.stop();
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("the caller's signal stops the refreshes and leaves the switch armed, so HTX cancels at the trigger", async () => {
    const { sim, htx, bodies } = setUp();
    const controller = new AbortController();
    await htx.deadMansSwitch({ timeoutSeconds: 10, refreshMs: 2_000, signal: controller.signal });
    controller.abort();
    await advance(10_000);
    expect(bodies).toEqual(['{"timeout":10}']);
    expect(sim.openOrders(1).map((o) => o.state)).toEqual(["cancelling", "cancelling"]);
  });
});

/** The simulator type is used by setUp's callers through inference only. */
export type { HtxSimulator };
