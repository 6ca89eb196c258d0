/**
 * What `import { HtxClient }` costs a bundle, split at dynamic imports as esbuild, Vite or
 * Rollup split it (bench/bundle-size.mjs). Sizes are deterministic, so a budget is asserted here;
 * timings are the bench's (docs/performance.md). What a client that only cancels by id never
 * uses loads on first use: the answer reader with valibot (its import starts with the first
 * request), noble, and the kill switch with its listings.
 */
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { bundleSize } from "../bench/bundle-size.mjs";

/** Today's initial gzip size (15.1 KB) with headroom; the target (6,144 B) is not met yet. */
const BUDGET_GZIP_BYTES = 16_000;

describe("the bundle of import { HtxClient }", () => {
  it("loads neither valibot, noble nor the kill switch with the import", async () => {
    const { inputs } = await bundleSize(`export { HtxClient } from "./mod.ts";`);
    const eager = Object.keys(inputs);
    expect(
      eager.filter((name) =>
        /^(valibot|@noble)|kill-switch\/(run|ledger|validate)|listing\/(open-orders|spot-account|signed-get)|answer-reader|schemas\//
          .test(name)
      ),
    )
      .toEqual([]);
  }, 30_000);

  it(`stays within ${BUDGET_GZIP_BYTES} bytes gzip for what loads with the import`, async () => {
    const { initial, total } = await bundleSize(`export { HtxClient } from "./mod.ts";`);
    expect(initial.gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    // The on-demand chunks exist: what was moved out is loaded later, not lost.
    expect(total.gzip).toBeGreaterThan(initial.gzip);
  }, 30_000);
});

/**
 * The modules an import loads before tree-shaking, as Node and Deno load the published files:
 * the static import graph from `entry` (dynamic `import()`s are not followed).
 */
async function staticImportGraph(entry: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const reached = new Set<string>();
  for (const pending = [entry.replace(/^\.\//, "")]; pending.length > 0;) {
    const path = pending.pop()!;
    if (reached.has(path)) continue;
    reached.add(path);
    for (const link of metafile.inputs[path]?.imports ?? []) {
      if (link.kind === "import-statement") pending.push(link.path);
    }
  }
  return [...reached];
}

describe("the import of htx-batch-cancel/testing", () => {
  it("does not load valibot or the schemas: the simulator names order states from src/order-states.ts", async () => {
    const loaded = await staticImportGraph("./src/testing/mod.ts");
    expect(loaded).toContain("src/order-states.ts");
    expect(loaded.filter((name) => /valibot|(^|\/)schemas(\.ts|\/)/.test(name))).toEqual([]);
  }, 30_000);
});
