import { defineConfig } from "vitest/config";

// Pact runs apart from the main suites: no msw here (it would intercept the mock server's
// traffic), one file at a time (the Pact core is shared per process).
export default defineConfig({
  test: {
    include: ["contracts/**/*.pact.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    env: { PACT_DO_NOT_TRACK: "true" },
  },
});
