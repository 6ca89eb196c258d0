/**
 * The fault matrix: 10,000 ids through one client while the simulator breaks, by rate, every
 * way HTX's edge has been seen to break. Windows are scaled 10× down (200 ms) to keep the run
 * short; the arithmetic is the same.
 */
import { describe, expect, it } from "vitest";
import { HtxClient } from "../mod.ts";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders, type FaultPlan, faultsByRate } from "../src/testing/mod.ts";
import { everyRendering, leaks } from "./helpers.ts";

const INTERVAL_MS = 200;
const RETRY = 2;

describe("fault matrix: 10,000 ids, every fault at once", () => {
  it("accounts for every id, never loses a cancel whose answer was lost, and stays within the limit", async () => {
    const { orders, ids } = demoOrders({ open: 10_000, filled: 0, canceled: 0, unknown: 0 });
    const byRate = faultsByRate({
      dropBefore: 0.04,
      dropAfter: 0.04,
      html502: 0.03,
      html503: 0.03,
      html200: 0.03,
      truncatedJson: 0.04,
      slow: 0.03,
      latencyMs: 150, // beyond the client's 100 ms timeout
    }, 20261126);
    let n = 0;
    const rateLimitAnswers: FaultPlan = (request) =>
      ++n % 25 === 0
        ? { type: "envelope", errCode: "base-request-exceed-frequency-limit", errMsg: "rate limited" }
        : undefined;
    const sim = createHtxSimulator({
      orders,
      rateLimit: { limit: 50, intervalMs: INTERVAL_MS },
      cancelSettleMs: 20,
      faults: (request, k) => rateLimitAnswers(request, k) ?? byRate(request, k),
    });
    const htx = new HtxClient({
      ...DEMO_ACCOUNT,
      fetch: sim.fetch,
      timeoutMs: 100,
      retry: { limit: RETRY, baseDelayMs: 10, maxDelayMs: 50 },
      rateLimit: { limit: 50, intervalMs: INTERVAL_MS },
    });

    const result = await htx.batchCancel({ orderIds: ids });

    // Every id in exactly one list.
    const reported = [
      ...result.success,
      ...result.failed.map((f) => f.orderId!),
      ...result.unresolved.map((u) => u.id),
    ];
    expect(reported.length).toBe(ids.length);
    expect(new Set(reported)).toEqual(new Set(ids));

    // What the simulator applied, against what the client reports.
    const applied = (id: string) => ["cancelling", "canceled"].includes(sim.getOrder(1, id)!.state);
    for (const id of result.success) expect(applied(id)).toBe(true);
    for (const failed of result.failed) {
      // All orders were open: a failure can only be a retry finding its own earlier cancel.
      expect(failed.state).toMatch(/^(cancelling|canceled)$/);
      expect(applied(failed.orderId!)).toBe(true);
    }
    // Only ids whose retries ran out are unresolved, each with the (retryable) error that did it.
    for (const { error } of result.unresolved) expect(error.retryable).toBe(true);
    // Nothing applied is missing: an applied id is submitted, failed as canceled, or unresolved.
    const requests = sim.stats.batchCancelRequests;
    const chunks = ids.length / 50;
    expect(requests).toBeGreaterThan(chunks); // faults forced retries...
    expect(requests).toBeLessThanOrEqual(chunks * (1 + RETRY)); // ...but no retry storm
    expect(sim.stats.rateLimitViolations).toBe(0);
    expect(sim.stats.maxRequestsInWindow).toBeLessThanOrEqual(50);
    expect(leaks(everyRendering(result))).toEqual([]);

    const lost = (sim.stats.faults["drop-after"] ?? 0) + (sim.stats.faults["truncated-json"] ?? 0);
    console.info(
      `fault matrix: ${ids.length} ids, ${requests} requests for ${chunks} chunks, faults ${
        JSON.stringify(sim.stats.faults)
      } ` +
        `(+${Math.floor(n / 25)} rate-limit answers), answers lost after the cancel: ${lost}; ` +
        `success ${result.success.length}, failed as already cancelling/canceled ${result.failed.length}, ` +
        `unresolved ${result.unresolved.length}; violations ${sim.stats.rateLimitViolations}`,
    );
  }, 60_000);
});
