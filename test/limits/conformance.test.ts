/**
 * The shared limiters' table (test/limits/conformance.ts), run against the in-process
 * `SlidingWindowLimiter`: the rule the Redis and Durable Object limiters must keep too.
 */
import { describe, it } from "vitest";
import { SlidingWindowLimiter } from "../../mod.ts";
import { CONFORMANCE, CONFORMANCE_BUDGET } from "./conformance.ts";

describe("conformance: the in-process limiter", () => {
  for (const scenario of CONFORMANCE) {
    it(scenario.name, async () => {
      const { limit, windowMs, maxHoldMs } = CONFORMANCE_BUDGET;
      // One process: its "members" are the one limiter.
      const limiter = new SlidingWindowLimiter({ limit, intervalMs: windowMs, maxHoldMs });
      await scenario.run({ member: () => limiter });
    }, 15_000);
  }
});
