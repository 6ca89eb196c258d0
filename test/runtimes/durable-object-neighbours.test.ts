/**
 * Hostile neighbours of the Durable Object limiter, in workerd: a request for another endpoint's
 * budget, an invocation that runs out of subrequests (Cloudflare's limit, modelled by the test
 * Worker: its fetches and object calls counted, the one past the limit failing as workerd's
 * does), and callers that abort while they wait.
 */
import { Miniflare } from "miniflare";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ServedHandler, serveHandler } from "../../src/testing/node-server.ts";
import { createHtxSimulator, demoOrders, type HtxSimulator } from "../../src/testing/mod.ts";
import { bundleWorker, COMPATIBILITY_DATE } from "./workerd/bundle.ts";

interface CancelAnswer {
  success: string[];
  unresolved: { id: string; mayHaveBeenApplied: boolean; message: string }[];
  grants: { shared: number; local: number };
  fallbacks: string[];
  subrequests: number;
}

let mf: Miniflare;
let sim: HtxSimulator;
let served: ServedHandler;
let ids: string[];
let next = 0;

beforeAll(async () => {
  const script = await bundleWorker("test/runtimes/workerd/cancel-worker.mjs");
  const worker = (name: string, durableObjects: Record<string, unknown>, uid: string) => ({
    name,
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    durableObjects,
    bindings: { HTX_UID: uid },
  });
  const bound = { HTX_LIMITER: { className: "HtxRateLimitObject", scriptName: "limiter" } };
  mf = new Miniflare({
    workers: [
      worker("limiter", { HTX_LIMITER: "HtxRateLimitObject" }, "1"),
      worker("bot-a", bound, "1"),
      worker("bot-b", bound, "1"),
      // Its own UID per test below, so that one test's slots never hold up another's.
      worker("bot-c", bound, "3"),
      worker("bot-d", bound, "4"),
      worker("bot-e", bound, "4"),
    ],
  });
  for (const name of ["bot-a", "bot-b", "bot-c", "bot-d", "bot-e"]) await (await mf.getWorker(name)).fetch("http://w/");
}, 60_000);
afterAll(() => mf?.dispose());

// A simulator per test: HTX counts one budget per UID, and every test Worker signs as the demo account's.
beforeEach(async () => {
  const demo = demoOrders({ open: 4000, filled: 0, canceled: 0, unknown: 0 });
  ids = demo.ids;
  next = 0;
  sim = createHtxSimulator({ orders: demo.orders });
  served = await serveHandler((request) => sim.fetch(request));
});
afterEach(() => served.close());

/** Fresh ids for each test. */
function take(count: number): string[] {
  next += count;
  return ids.slice(next - count, next);
}

async function cancel(worker: string, body: Record<string, unknown>): Promise<CancelAnswer> {
  const response = await (await mf.getWorker(worker)).fetch("http://worker/", {
    method: "POST",
    body: JSON.stringify({ baseUrl: served.url, shared: true, ...body }),
  });
  return (await response.json()) as CancelAnswer;
}

async function objectStatus(worker: string, object?: string, endpoint = "batch-cancel") {
  const query = new URLSearchParams({ endpoint, ...(object ? { object } : {}) });
  const response = await (await mf.getWorker(worker)).fetch(`http://worker/status?${query}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the endpoint is part of the object's name", () => {
  it("a status call for another endpoint is refused and changes nothing: cancels go on", async () => {
    const hostile = await objectStatus("bot-a", "htx-uid-1", "accounts");
    expect(hostile.status).toBe(400);
    expect(String(hostile.body["error"])).toMatch(/keeps the batch-cancel budget, not accounts; nothing changed/);
    const batch = take(100);
    const result = await cancel("bot-b", { ids: batch });
    expect({ success: result.success.length, unresolved: result.unresolved.length }).toEqual({
      success: 100,
      unresolved: 0,
    });
    expect((await objectStatus("bot-a")).body).toMatchObject({ endpoint: "batch-cancel", limit: 50 });
  }, 60_000);
});

describe("Cloudflare's subrequest limit (50 on Workers Free, modelled)", () => {
  it(
    "with the budget known: 800 of 2,000 ids cancelled, the rest unsent and saying why, no slot left held, no outage",
    async () => {
      const batch = take(2000);
      const result = await cancel("bot-c", { ids: batch, subrequestLimit: 50, limiter: { subrequests: 50 } });
      const unsent = result.unresolved;
      const breakdown =
        `success ${result.success.length}, unresolved ${unsent.length}, subrequests ${result.subrequests}`;
      console.info(`Free plan, one invocation: ${breakdown}`);
      expect(result.success.length, breakdown).toBe(800);
      expect(result.success.length + unsent.length, breakdown).toBe(2000);
      expect(unsent.every((u) => u.mayHaveBeenApplied === false), breakdown).toBe(true);
      expect(unsent[0]!.message).toMatch(/subrequest limit \(50, option subrequests\)/);
      expect(result.subrequests, breakdown).toBeLessThanOrEqual(50);
      expect(result.fallbacks).toEqual([]);
      expect((await objectStatus("bot-c")).body).toMatchObject({ inFlight: 0, waiting: 0 });
    },
    60_000,
  );

  it("with the budget unknown: 'Too many subrequests' is reported as the limit, not as an outage", async () => {
    // 60 requests: the asks past the 50th subrequest fail with the limit.
    const batch = take(3000);
    const result = await cancel("bot-a", { ids: batch, subrequestLimit: 50 });
    const breakdown = `success ${result.success.length}, unresolved ${result.unresolved.length}`;
    expect(result.success.length + result.unresolved.length, breakdown).toBe(3000);
    expect(result.fallbacks, breakdown).toEqual([]);
    expect(result.grants.local, breakdown).toBe(0);
    const refused = result.unresolved.filter((u) => /subrequest limit/.test(u.message));
    console.info(
      `budget unknown: ${breakdown}; messages ${[...new Set(result.unresolved.map((u) => u.message))].join(" | ")}`,
    );
    expect(refused.length, breakdown).toBeGreaterThan(0);
    expect(refused.every((u) => u.mayHaveBeenApplied === false)).toBe(true);
  }, 60_000);
});

describe("callers who abort while they wait", () => {
  it("20 callers aborted at 300 ms are never granted: no slot of theirs is busy after the window", async () => {
    // bot-d fills the window (50 requests); a second later bot-e's 20 requests wait behind them
    // (their long polls would outlast the window) and give up at 300 ms, while bot-e's invocation
    // goes on (lingers) for 3 s.
    const filled = await cancel("bot-d", { ids: take(2500) });
    const filledAt = Date.now();
    expect(filled.success).toHaveLength(2500);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const givingUp = cancel("bot-e", { ids: take(1000), signalAfterMs: 300, lingerMs: 3000 });
    // bot-d's slots free a window after their answers, all in by the time it answered. Had the
    // object kept bot-e's long polls, it would have granted them then, and those slots (given
    // back at once by the callers gone) would still be busy for a window.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, filledAt + 2300 - Date.now())));
    const { body } = await objectStatus("bot-d");
    expect(body, JSON.stringify(body)).toMatchObject({ busy: 0, inFlight: 0, waiting: 0 });
    const gaveUp = await givingUp;
    expect(gaveUp.success).toHaveLength(0);
    expect(gaveUp.unresolved.every((u) => !u.mayHaveBeenApplied)).toBe(true);
    expect(gaveUp.grants.shared).toBe(0);
  }, 60_000);
});
