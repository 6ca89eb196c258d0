/**
 * Limiter scenarios in the shape of the shared conformance table (`{ name, run(factory) }`, see
 * test/limits/conformance.ts once it lands): each builds limiters with `factory` and throws when
 * the limiter breaks the rule. No test runner inside: they run in workerd, in one invocation.
 */

/** What the scenarios need of a limiter. */
export interface ScenarioLimiter {
  acquire(signal?: AbortSignal): Promise<void | (() => void)>;
}

/** Makes a limiter with its own, empty budget of `limit` per `intervalMs`. */
export type LimiterFactory = (window: { limit: number; intervalMs: number }) => Promise<ScenarioLimiter>;

/** One row of the table. */
export interface LimiterScenario {
  name: string;
  run(factory: LimiterFactory): Promise<void>;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The scenarios the Durable Object limiter runs until the shared table is on this branch. */
export const scenarios: LimiterScenario[] = [
  {
    name: "grants the limit at once, and the next slot only a window after an answer",
    async run(factory) {
      const limiter = await factory({ limit: 5, intervalMs: 1000 });
      const releases = await Promise.all(Array.from({ length: 5 }, () => limiter.acquire()));
      const answeredAt = Date.now();
      releases.forEach((release) => release?.());
      await limiter.acquire();
      const waited = Date.now() - answeredAt;
      check(waited >= 1000, `the 6th slot came ${waited} ms after the first answers, within the window of 1000 ms`);
    },
  },
  {
    name: "a waiter whose signal aborts rejects, and its slot goes to the next waiter",
    async run(factory) {
      const limiter = await factory({ limit: 1, intervalMs: 1000 });
      const first = await limiter.acquire();
      const controller = new AbortController();
      const aborted = limiter.acquire(controller.signal);
      const next = limiter.acquire();
      await sleep(100);
      controller.abort();
      const outcome = await aborted.then(() => "granted", (error: Error) => error.name);
      check(outcome === "HtxAbortError", `the aborted waiter ended with ${outcome}`);
      first?.();
      await next; // granted a window after the first answer, not held up by the aborted one
    },
  },
];
