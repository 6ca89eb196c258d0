/**
 * HTX's own refusals teach the budget: when HTX answers a request with a rate-limit refusal
 * (`base-request-exceed-frequency-limit` and its kin, or HTTP 429), the client tells that
 * request's limiter (`penalize`), so that a shared limiter holds every process back for a window:
 * other software on the same UID spends budget the limiter cannot see.
 */
import { describe, expect, it } from "vitest";
import { HtxClient, type RateLimiter, SlidingWindowLimiter } from "../../mod.ts";
import { fixture, fixtureResponse, KEYS, okAnswer, recordingFetch } from "../helpers.ts";

/** A limiter that grants at once and counts what it is told. */
function countingLimiter(penalize: () => unknown = () => {}) {
  const told = { refusals: 0 };
  const limiter: RateLimiter = {
    acquire: () => Promise.resolve(() => {}),
    penalize: () => {
      told.refusals++;
      return penalize() as void;
    },
  };
  return { limiter, told };
}

const RATE_LIMITED = { status: "error", "err-code": "base-request-exceed-frequency-limit", "err-msg": "limit" };

describe("the client tells a limiter of HTX's rate-limit refusals", () => {
  it("a batch cancel refused for its rate (the envelope, HTTP 429) penalizes its limiter once per refusal; other errors do not", async () => {
    const answers = [
      () => fixtureResponse(fixture("error-rate-limited")),
      () => fixtureResponse(fixture("http-429")),
      () => new Response("<html>busy</html>", { status: 503 }),
    ];
    const { limiter, told } = countingLimiter();
    const stub = recordingFetch((_, n) => answers[n - 1]!());
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, rateLimit: limiter, retry: 0 });
    for (let i = 0; i < answers.length; i++) await htx.batchCancel({ orderIds: [String(i + 1)] });
    expect(stub.requests).toHaveLength(3);
    expect(told.refusals).toBe(2);
  });

  it("a listing refused for its rate penalizes the limiter of its own endpoint only", async () => {
    const cancels = countingLimiter();
    const listings = countingLimiter();
    const stub = recordingFetch(() => Response.json(RATE_LIMITED));
    const htx = new HtxClient({
      ...KEYS,
      fetch: stub.fetch,
      retry: 0,
      rateLimit: { batchCancel: cancels.limiter, openOrders: listings.limiter },
    });
    await expect(htx.listOpenOrders({ accountId: "10000001" })).rejects.toMatchObject({ name: "HtxApiError" });
    expect({ openOrders: listings.told.refusals, batchCancel: cancels.told.refusals }).toEqual({
      openOrders: 1,
      batchCancel: 0,
    });
  });

  it("a limiter whose penalize throws or rejects costs the caller nothing", async () => {
    for (
      const failing of [() => {
        throw new Error("redis down");
      }, () => Promise.reject(new Error("redis down"))]
    ) {
      const { limiter, told } = countingLimiter(failing);
      let n = 0;
      const stub = recordingFetch(async () => (++n === 1 ? Response.json(RATE_LIMITED) : okAnswer(["1"])));
      const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, rateLimit: limiter, retry: 1 });
      const result = await htx.batchCancel({ orderIds: ["1"] });
      expect({ success: result.success, refusals: told.refusals }).toEqual({ success: ["1"], refusals: 1 });
    }
  }, 10_000);

  it("the in-process limiter, penalized, grants nothing for a window, then its whole limit again", async () => {
    let clock = 0;
    const limiter = new SlidingWindowLimiter({ limit: 2, intervalMs: 1000, marginMs: 0, now: () => clock });
    limiter.penalize();
    limiter.penalize(); // a second refusal in the same moment adds nothing
    expect(limiter.snapshot()).toHaveLength(2);
    clock = 999;
    expect(limiter.snapshot()).toHaveLength(2);
    clock = 1000;
    expect(limiter.snapshot()).toHaveLength(0);
    await limiter.acquire();
    await limiter.acquire();
  });

  it("penalized for a refusal that came earlier (at), holds back a window from it; not at all once that is over", () => {
    let clock = 5000;
    const limiter = new SlidingWindowLimiter({ limit: 2, intervalMs: 1000, marginMs: 0, now: () => clock });
    limiter.penalize(3000); // its window ended at 4,000
    expect(limiter.snapshot()).toHaveLength(0);
    limiter.penalize(4500);
    limiter.penalize(9000); // never later than now: a window from 5,000
    clock = 5499;
    expect(limiter.snapshot()).toHaveLength(4); // each refusal's window is full
    clock = 5500;
    expect(limiter.snapshot()).toHaveLength(2); // the one at now holds until 6,000
    clock = 5999;
    expect(limiter.snapshot()).toHaveLength(2);
    clock = 6000;
    expect(limiter.snapshot()).toHaveLength(0);
  });
});
