/**
 * One table of scenarios that every shared limiter must pass: the in-process
 * `SlidingWindowLimiter`, the Redis limiter and the Durable Object limiter. Each scenario takes a
 * budget (one UID and endpoint, empty) and asks it for members (limiters on that budget, as
 * separate processes would build them), then checks the slot rule: a slot is busy from its grant
 * until a window after its answer, `maxHoldMs` if no answer comes.
 *
 * Time runs for real, read on the clock the limiter keeps (`Budget.clock`; for the Redis limiter,
 * Redis's `TIME`: in CI, two rows that compared Redis's grants with `performance.now()` once
 * failed by 3 ms, more than the limiter's rule on its own clock allows; that suite now says when
 * the two clocks certainly parted during a row). A grant's time is read after the grant and an
 * answer's before its release, so times are only checked from below ("not before a window after
 * the answer"): a loaded machine makes grants later, never earlier, and no check here can fail for
 * being slow. Checks that something has not happened look after a pause, where a broken limiter
 * would already have granted.
 *
 * The table is plain TypeScript (no vitest): a suite of any runtime runs `scenario.run(budget)`
 * per row. The budget's settings are {@link CONFORMANCE_BUDGET}; a Durable Object gets them from
 * its vars (`HTX_RATE_LIMIT: "3"`, `HTX_RATE_INTERVAL_MS: "400"`, `HTX_RATE_MAX_HOLD_MS: "1500"`).
 */
import type { RateLimiter, ReleaseSlot } from "../../src/limits/limiter.ts";

/** The budget every scenario runs on: small, so that the table runs in seconds. */
export const CONFORMANCE_BUDGET = { limit: 3, windowMs: 400, maxHoldMs: 1500 } as const;

/** Extra ms a slot is held after its window (every limiter's default margin). */
const MARGIN_MS = 10;

/** A limiter that may learn about HTX's refusals. */
export type ConformingLimiter = RateLimiter & { penalize?(): void | Promise<void> };

/** One empty budget of {@link CONFORMANCE_BUDGET}. */
export interface Budget {
  /** A limiter on this budget, as one more process would build it (the in-process one: the same). */
  member(): ConformingLimiter;
  /**
   * Now, in ms, on the clock the limiter keeps, where it is not this process's `performance.now()`
   * (the Redis limiter's: Redis's `TIME`). Two clocks of one machine can step apart by a few ms.
   */
  clock?(): Promise<number>;
  /** Frees what the budget holds (connections, timers); called once after the scenario. */
  close?(): Promise<void>;
}

/** One row of the table. */
export interface Scenario {
  name: string;
  /** Only for limiters that can learn about HTX's refusals (`penalize`). */
  needsPenalize?: boolean;
  run(budget: Budget): Promise<void>;
}

const { limit, windowMs, maxHoldMs } = CONFORMANCE_BUDGET;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Now on the budget's clock. */
type Clock = () => Promise<number>;

const clockOf = (budget: Budget): Clock => budget.clock ?? (() => Promise.resolve(performance.now()));

/** A slot as a caller sees it: granted at (ms on the budget's clock), and the release the limiter gave. */
interface Granted {
  at: number;
  release: () => void;
}

async function take(limiter: RateLimiter, clock: Clock, signal?: AbortSignal): Promise<Granted> {
  const granted: void | ReleaseSlot = await limiter.acquire(signal ?? new AbortController().signal);
  if (typeof granted !== "function") throw new Error("acquire() resolved without a release");
  return { at: await clock(), release: granted };
}

/** A waiter whose state can be looked at without awaiting it. */
function watch(acquiring: Promise<Granted>) {
  const state: { done?: Granted; error?: unknown } = {};
  const settled = acquiring.then((granted) => (state.done = granted), (error) => (state.error = error));
  return { state, settled, acquiring };
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function notBefore(label: string, at: number, earliest: number): void {
  check(at >= earliest, `${label} came ${Math.round(earliest - at)} ms before the rule allows`);
}

/** Takes the whole budget from one member. */
function fill(limiter: RateLimiter, clock: Clock): Promise<Granted[]> {
  return Promise.all(Array.from({ length: limit }, () => take(limiter, clock)));
}

export const CONFORMANCE: readonly Scenario[] = [
  {
    name: "grants `limit` slots, and the next one no sooner than a window after an answer",
    async run(budget) {
      const clock = clockOf(budget);
      const limiter = budget.member();
      const slots = await fill(limiter, clock);
      const next = take(limiter, clock);
      await pause(50);
      const answeredAt = await clock();
      slots[0]!.release();
      notBefore("the next grant", (await next).at, answeredAt + windowMs);
    },
  },
  {
    name: "keeps a slot whose answer never comes busy until maxHoldMs after its grant",
    async run(budget) {
      const clock = clockOf(budget);
      const limiter = budget.member();
      const before = await clock();
      await fill(limiter, clock); // never released
      notBefore("a grant while every slot is in flight", (await take(limiter, clock)).at, before + maxHoldMs);
    },
  },
  {
    name: "a second release of a slot frees nothing more",
    async run(budget) {
      const clock = clockOf(budget);
      const limiter = budget.member();
      const slots = await fill(limiter, clock);
      slots[0]!.release();
      slots[0]!.release();
      const first = watch(take(limiter, clock));
      const second = watch(take(limiter, clock));
      await first.settled;
      check(first.state.done !== undefined, `the freed slot was not granted: ${String(first.state.error)}`);
      await pause(150);
      check(second.state.done === undefined, "a slot released twice was granted twice");
      slots[1]!.release();
      await second.settled;
      check(second.state.done !== undefined, "the second waiter never got the next freed slot");
    },
  },
  {
    name: "serves the waiters of one member first come, first served",
    async run(budget) {
      const clock = clockOf(budget);
      const limiter = budget.member();
      const slots = await fill(limiter, clock);
      const order: number[] = [];
      const waiters = [0, 1, 2].map((i) => limiter.acquire(new AbortController().signal).then(() => order.push(i)));
      for (const slot of slots) slot.release();
      await Promise.all(waiters);
      check(order.join() === "0,1,2", `served in the order ${order.join()}`);
    },
  },
  {
    name: "rejects an aborted waiter with HtxAbortError and gives its turn to the next",
    async run(budget) {
      const clock = clockOf(budget);
      const limiter = budget.member();
      const slots = await fill(limiter, clock);
      const stop = new AbortController();
      const aborted = watch(take(limiter, clock, stop.signal));
      const next = watch(take(limiter, clock));
      stop.abort();
      await aborted.settled;
      const name = (aborted.state.error as Error | undefined)?.name;
      check(name === "HtxAbortError", `the aborted waiter settled with ${name ?? "a slot"}`);
      slots[0]!.release();
      await next.settled;
      check(next.state.done !== undefined, "the next waiter did not get the freed slot");
      await pause(150);
      const third = watch(take(limiter, clock));
      await pause(150);
      check(third.state.done === undefined, "the aborted waiter's slot was taken after all: one too many granted");
      slots[1]!.release();
      await third.settled;
    },
  },
  {
    name: "rejects at once when the signal is already aborted, and takes no slot",
    async run(budget) {
      const clock = clockOf(budget);
      const limiter = budget.member();
      const stop = new AbortController();
      stop.abort();
      const error = await limiter.acquire(stop.signal).then(() => undefined, (e: unknown) => e);
      check((error as Error | undefined)?.name === "HtxAbortError", `settled with ${String(error)}`);
      await fill(limiter, clock); // the whole budget is still there
    },
  },
  {
    name: "members of one budget share it: `limit` slots in all, the next after an answer",
    async run(budget) {
      const clock = clockOf(budget);
      const [a, b] = [budget.member(), budget.member()];
      const slots = [await take(a, clock), await take(b, clock), await take(a, clock)]; // limit is 3
      const late = watch(take(b, clock));
      await pause(150);
      check(late.state.done === undefined, "the other member granted a slot past the shared limit");
      const answeredAt = await clock();
      slots[1]!.release();
      await late.settled;
      check(late.state.done !== undefined, `no grant after an answer: ${String(late.state.error)}`);
      notBefore("the other member's grant", late.state.done!.at, answeredAt + windowMs);
    },
  },
  {
    name: "keeps at most `limit` requests in flight or answered within a window, for callers of two members",
    async run(budget) {
      const clock = clockOf(budget);
      const members = [budget.member(), budget.member()];
      const sent: { at: number; answeredAt: number }[] = [];
      await Promise.all(Array.from({ length: 4 * limit }, async (_, i) => {
        const slot = await take(members[i % 2]!, clock);
        await pause((i * 37) % 90); // the round trip
        sent.push({ at: slot.at, answeredAt: await clock() });
        slot.release();
      }));
      // When a request is sent, at most limit − 1 others are unanswered or answered less than a window ago.
      for (const request of sent) {
        const overlapping = sent.filter((other) =>
          other !== request && other.at <= request.at && other.answeredAt + windowMs + MARGIN_MS > request.at
        );
        check(
          overlapping.length <= limit - 1,
          `${overlapping.length} others busy when a request was sent at ${Math.round(request.at)}: ` +
            JSON.stringify(sent.map((s) => [Math.round(s.at), Math.round(s.answeredAt)])),
        );
      }
    },
  },
  {
    name: "after HTX refuses a request for its rate, grants nothing for a window, to any member",
    needsPenalize: true,
    async run(budget) {
      const clock = clockOf(budget);
      const [a, b] = [budget.member(), budget.member()];
      (await take(a, clock)).release();
      const refusedAt = await clock();
      await a.penalize!(); // resolves once the shared budget knows
      notBefore("a grant after the refusal", (await take(b, clock)).at, refusedAt + windowMs);
    },
  },
];
