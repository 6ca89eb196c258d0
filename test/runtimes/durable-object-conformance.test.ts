/**
 * The Durable Object limiter against a table of limiter scenarios, in workerd: each scenario
 * runs inside one Worker invocation, with a factory that gives each limiter its own object.
 *
 * The table: `test/runtimes/workerd/limiter-scenarios.ts` until the shared conformance table
 * (test/limits/conformance.ts, `{ name, run(factory) }` rows) is on this branch; then import it
 * here and in conformance-worker.mjs instead (its rows must not import the test runner: they run
 * in workerd, bundled into the Worker).
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker, COMPATIBILITY_DATE } from "./workerd/bundle.ts";
import { scenarios } from "./workerd/limiter-scenarios.ts";

let mf: Miniflare;

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: await bundleWorker("test/runtimes/workerd/conformance-worker.mjs"),
    compatibilityDate: COMPATIBILITY_DATE,
    durableObjects: { HTX_LIMITER: "ConfigurableRateLimitObject" },
  });
}, 60_000);
afterAll(() => mf?.dispose());

describe("the Durable Object limiter runs the limiter scenarios (workerd)", () => {
  it.each(scenarios.map((s) => s.name))("%s", async (name) => {
    const response = await mf.dispatchFetch(`http://worker/run?name=${encodeURIComponent(name)}`, { method: "POST" });
    const outcome = (await response.json()) as { ok: boolean; error?: string };
    expect(outcome.error ?? "").toBe("");
    expect(outcome.ok).toBe(true);
  }, 30_000);
});
