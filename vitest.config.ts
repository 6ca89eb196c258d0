import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fleet suite runs on its own after these (test/redis/vitest.config.ts).
    exclude: ["test/runtimes/**", "node_modules/**", "test/redis/fleet.test.ts"],
    globalSetup: ["test/global-setup.ts"],
  },
});
