import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/runtimes/**", "node_modules/**"],
    globalSetup: ["test/global-setup.ts"],
  },
});
