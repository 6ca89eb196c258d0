/**
 * The Durable Object limiter against the shared limiter table (test/limits/conformance.ts, also
 * run against the in-process and Redis limiters), in workerd: each row runs inside one Worker
 * invocation on a budget of its own (test/runtimes/workerd/conformance-worker.mjs), the rows that
 * need `penalize` (learning from HTX's rate refusals) too.
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker, COMPATIBILITY_DATE } from "./workerd/bundle.ts";
import { CONFORMANCE } from "../limits/conformance.ts";

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
  const rows = CONFORMANCE.map((s) => s.name);
  it.each(rows)("%s", async (name) => {
    const response = await mf.dispatchFetch(`http://worker/run?name=${encodeURIComponent(name)}`, { method: "POST" });
    const outcome = (await response.json()) as { ok: boolean; error?: string };
    expect(outcome.error ?? "").toBe("");
    expect(outcome.ok).toBe(true);
  }, 30_000);
});
