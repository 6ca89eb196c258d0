/**
 * What `import { HtxClient }` costs a bundle, split at dynamic imports as Rollup or Vite split it
 * (bench/bundle-size.mjs). Sizes are deterministic, so budgets are asserted here; timings are the
 * bench's (docs/performance.md). The import carries the options' checks and the screen of an
 * Ed25519 key; everything else loads on first use: the engine and the key reader, the answer
 * reader with valibot, noble, and the kill switch with its listings.
 */
import { describe, expect, it } from "vitest";
import { bundleSize } from "../bench/bundle-size.mjs";
import { importGraph, reach, STATIC } from "./import-graph.ts";

/** Issue 16's target for what loads with `import { HtxClient }`, tree-shaken. */
const BUDGET_GZIP_BYTES = 6_144;
/**
 * esbuild --splitting through the package index: its bare chunk imports (evanw/esbuild#1892)
 * also load every module the index re-exports. Today's size (8.4 KB) with headroom.
 */
const AS_EMITTED_BUDGET_GZIP_BYTES = 9_000;
/** What only the first call, the kill switch or a listing needs, or noble where it is not the default. */
const ON_DEMAND =
  /^(valibot|@noble)|src\/(cancel\/(engine|attempt|build|slot|timers|outcome)|keys\/(private-key|ed25519)|keys|sign|redact|clock|limiter|request|response|kill-switch\/(run|ledger|validate)|listing\/(open-orders|spot-account|signed-get)|answer-reader|schemas\/.*)\.ts$/;

describe("the bundle of import { HtxClient }", () => {
  it(
    "loads only the options' checks with the import: no engine, key reader, valibot, noble or kill switch",
    async () => {
      const { inputs } = await bundleSize(`export { HtxClient } from "./src/client.ts";`);
      const eager = Object.keys(inputs);
      expect(eager).toEqual(
        expect.arrayContaining(["src/client.ts", "src/cancel/options.ts", "src/signing/keys/screen.ts"]),
      );
      expect(eager.filter((name) => ON_DEMAND.test(name))).toEqual([]);
    },
    30_000,
  );

  it(`stays within ${BUDGET_GZIP_BYTES} bytes gzip for what loads with the import`, async () => {
    const { initial, total } = await bundleSize(`export { HtxClient } from "./src/client.ts";`);
    expect(initial.gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    // The on-demand chunks exist: what was moved out is loaded later, not lost.
    expect(total.gzip).toBeGreaterThan(initial.gzip * 3);
  }, 30_000);

  it(
    `stays within ${AS_EMITTED_BUDGET_GZIP_BYTES} bytes gzip through the index, as esbuild --splitting emits it`,
    async () => {
      const { initial, asEmitted } = await bundleSize(`export { HtxClient } from "./mod.ts";`);
      expect(asEmitted.gzip).toBeLessThanOrEqual(AS_EMITTED_BUDGET_GZIP_BYTES);
      // Following only the imports that bind names, the index adds nothing to the class's own.
      expect(initial.gzip).toBeLessThanOrEqual(asEmitted.gzip);
    },
    30_000,
  );
});

describe("the import of htx-batch-cancel/testing", () => {
  it(
    "does not load valibot or the schemas: the simulator names order states from src/core/order-states.ts",
    async () => {
      // As Node and Deno load the files: the static graph, before tree-shaking.
      const loaded = [...reach(await importGraph("src/testing/mod.ts"), "src/testing/mod.ts", STATIC)];
      expect(loaded).toContain("src/core/order-states.ts");
      expect(loaded.filter((name) => /valibot|(^|\/)schemas(\.ts|\/)/.test(name))).toEqual([]);
    },
    30_000,
  );
});
