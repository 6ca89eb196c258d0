import { defineConfig } from "vitest/config";

// The Node-driven runtime suites (workerd through miniflare, Node 20/22/24 on the packed
// tarball). Deno and Bun run their own suites with their own test runners.
export default defineConfig({
  test: {
    include: ["test/runtimes/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    // One at a time: these suites time windows and start runtimes; parallel runs disturb them.
    fileParallelism: false,
    hookTimeout: 120_000,
  },
});
