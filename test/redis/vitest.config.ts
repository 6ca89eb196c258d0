import { defineConfig } from "vitest/config";

/**
 * The fleet suite alone (test/redis/fleet.test.ts): four processes, the simulator's thread and
 * redis-server share the machine's two cores, so the suite runs after the others, not beside
 * them, and its time against the rate-limit bound measures the limiter, not the other suites.
 * It runs the built package (dist/): `npm test` builds it first; alone, `npm run test:fleet`.
 */
export default defineConfig({
  test: {
    include: ["test/redis/fleet.test.ts"],
  },
});
