/**
 * The fault matrix: 10,000 ids through one client while the simulator breaks, by rate, every
 * way HTX's edge has been seen to break. Windows are scaled 10× down (200 ms) to keep the run
 * short; the arithmetic is the same.
 */
import { describe, expect, it } from "vitest";
import { classify, HtxClient } from "../mod.ts";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders, type FaultPlan, faultsByRate } from "../src/testing/mod.ts";
import { everyRendering, leaks } from "./helpers.ts";

const INTERVAL_MS = 200;
const RETRY = 2;

describe("fault matrix: 10,000 ids, every fault at once", () => {
  it("accounts for every id, never calls its own cancels already closed, keeps the limit", async () => {
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
    const rateLimitAnswers: FaultPlan = () =>
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

    // Ground truth: every order was open, so any order now closed was closed by this call.
    const applied = (id: string) => ["cancelling", "canceled"].includes(sim.getOrder(1, id)!.state);
    for (const id of result.success) expect(applied(id)).toBe(true);
    for (const failed of result.failed) {
      // A failure can only be a retry finding its own earlier cancel, whose answer was lost:
      // never reported as closed before the call.
      expect(failed.state).toMatch(/^(cancelling|canceled)$/);
      expect(applied(failed.orderId!)).toBe(true);
      expect(failed.outcome).toBe("closed-possibly-by-this-call");
    }
    // Only ids whose retries ran out are unresolved, each with the (retryable) error that did it;
    // one that this call cancelled is never reported as certainly not applied.
    for (const { id, error, errors, mayHaveBeenApplied } of result.unresolved) {
      expect(error.retryable).toBe(true);
      expect(errors).toHaveLength(1 + RETRY);
      if (applied(id)) expect(mayHaveBeenApplied).toBe(true);
    }
    // Nothing applied is missing: an applied id is submitted, failed as canceled, or unresolved.
    const requests = sim.stats.batchCancelRequests;
    const chunks = ids.length / 50;
    expect(requests).toBeGreaterThan(chunks); // faults forced retries...
    expect(requests).toBeLessThanOrEqual(chunks * (1 + RETRY)); // ...but no retry storm
    expect(sim.stats.rateLimitViolations).toBe(0);
    expect(sim.stats.maxRequestsInWindow).toBeLessThanOrEqual(50);
    expect(leaks(everyRendering(result))).toEqual([]);

    const lost = (sim.stats.faults["drop-after"] ?? 0) + (sim.stats.faults["truncated-json"] ?? 0);
    const faulted = Object.values(sim.stats.faults).reduce((a, b) => a + b, 0); // rate-limit answers included
    const { accepted, closed, mayBeOpen } = classify(result);
    const unresolvedApplied = result.unresolved.filter((u) => applied(u.id)).length;
    console.info(
      `fault matrix: ${ids.length} ids, ${requests} requests for ${chunks} chunks, ` +
        `${faulted} faulted (${Math.round((faulted / requests) * 100)} %): ${JSON.stringify(sim.stats.faults)} ` +
        `(${Math.floor(n / 25)} of the envelopes are rate-limit answers); answers lost after the cancel: ${lost}. ` +
        `Cancel accepted ${accepted.length}; closed ${closed.length} (already-closed ` +
        `${closed.filter((f) => f.outcome === "already-closed").length}, closed-possibly-by-this-call ` +
        `${closed.filter((f) => f.outcome === "closed-possibly-by-this-call").length}); may still be open ` +
        `${mayBeOpen.ids.length} (unresolved ${result.unresolved.length}: mayHaveBeenApplied true ` +
        `${result.unresolved.filter((u) => u.mayHaveBeenApplied).length}, of which applied ${unresolvedApplied}); ` +
        `violations ${sim.stats.rateLimitViolations}`,
    );
  }, 60_000);
});
