/**
 * Load: 1,000 concurrent batchCancel calls (50,000 ids) through one client, over real HTTP to
 * the simulator on loopback, with HTX's real limit (50 per 2 s). About 40 s: 1,000 requests
 * need 20 windows, 19 of them waited out (2,010 ms each, counted from the answers).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HtxClient } from "../mod.ts";
import { type ServedHandler, serveHandler } from "../src/testing/node-server.ts";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders } from "../src/testing/mod.ts";
import { breakdown, everyRendering, leaks } from "./helpers.ts";

let served: ServedHandler;
const { orders, ids } = demoOrders({ open: 50_000, filled: 0, canceled: 0, unknown: 0 });
const sim = createHtxSimulator({ orders });

beforeAll(async () => {
  served = await serveHandler(sim.fetch);
});
afterAll(() => served.close());

describe("load", () => {
  it("1,000 concurrent calls of 50 ids: every id accounted for, never more than 50 arrivals in any 2 s", async () => {
    const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: served.url });
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const calls = Array.from({ length: 1000 }, (_, i) => htx.batchCancel({ orderIds: ids.slice(i * 50, i * 50 + 50) }));
    const results = await Promise.all(calls);
    const elapsed = performance.now() - started;
    clearInterval(sampler);

    const success = results.flatMap((r) => r.success);
    const all = { success, failed: results.flatMap((r) => r.failed), unresolved: results.flatMap((r) => r.unresolved) };
    expect({ result: breakdown(all), rejections: sim.stats.rejections }).toEqual({
      result: { success: 50_000, failed: {}, unresolved: {} },
      rejections: {},
    });
    expect(new Set(success)).toEqual(new Set(ids));
    expect(sim.stats.batchCancelRequests).toBe(1000);
    expect(sim.stats.rateLimitViolations).toBe(0);
    expect(sim.stats.maxRequestsInWindow).toBeLessThanOrEqual(50);
    // Bounded memory: the whole run stays well under 1 GiB of resident memory.
    expect(peakRss).toBeLessThan(1024 ** 3);
    expect(leaks(everyRendering(results))).toEqual([]);
    console.info(
      `load: 1000 calls, 50000 ids, ${sim.stats.batchCancelRequests} requests in ${Math.round(elapsed)} ms ` +
        `(bound ${19 * 2010} ms + round trips), violations ${sim.stats.rateLimitViolations}, ` +
        `most arrivals in any 2 s ${sim.stats.maxRequestsInWindow}, peak RSS ${Math.round(peakRss / 2 ** 20)} MiB`,
    );
  }, 120_000);
});
