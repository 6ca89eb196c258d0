import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The consumer test and the verification are two steps (two runs), one file at a time: the
// Pact core is shared per process. In this repository the package resolves to its sources.
export default defineConfig({
  root: here("."),
  resolve: {
    alias: [
      { find: /^htx-batch-cancel\/pact$/, replacement: here("../../src/testing/pact.ts") },
      { find: /^htx-batch-cancel$/, replacement: here("../../mod.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    env: { PACT_DO_NOT_TRACK: "true" },
  },
});
