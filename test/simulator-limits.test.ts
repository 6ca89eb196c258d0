/**
 * The simulator's rate limits: per UID and per endpoint, counted by arrival, with HTX's
 * answers and headers, and every reading of where a window starts (HTX documents none).
 */
import { describe, expect, it } from "vitest";
import { HtxClient } from "../mod.ts";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders, type RateLimitOptions } from "../src/testing/mod.ts";
import { breakdown } from "./helpers.ts";
import { ACCOUNTS, answer, type SendOptions, signed } from "./simulator-requests.ts";

type Sim = ReturnType<typeof createHtxSimulator>;

async function fill(sim: Sim, count: number, timestamp: number, send: SendOptions = {}) {
  const answers = [];
  for (let i = 0; i < count; i++) answers.push(await answer(sim, signed({ ...send, timestamp })));
  return answers;
}

/** A simulator on a clock the test moves. */
function clocked(start: number, rateLimit?: RateLimitOptions) {
  const clock = { t: start };
  return { clock, sim: createHtxSimulator({ now: () => clock.t, rateLimit }) };
}

describe("simulator: rate limits per UID and endpoint", () => {
  it("answers the 51st batch cancel within 2 s with HTX's envelope and recorded message, then admits again", async () => {
    const { clock, sim } = clocked(10_000_000);
    const answers = await fill(sim, 51, clock.t);
    expect(answers.slice(0, 50).every((a) => a.body.status === "ok")).toBe(true);
    expect(answers[50]!.status).toBe(200);
    expect(answers[50]!.body).toEqual({
      status: "error",
      "err-code": "base-request-exceed-frequency-limit",
      "err-msg": "Frequency of requests has exceeded the limit, please try again later",
      data: null,
    });
    expect(sim.stats.rateLimitViolations).toBe(1);
    expect(sim.stats.maxRequestsInWindow).toBe(51);
    clock.t += 2000;
    expect((await fill(sim, 1, clock.t))[0]!.body.status).toBe("ok");
  });

  it("sends the rate-limit headers: Remain counts down, Expire is the window's end in epoch ms", async () => {
    const { clock, sim } = clocked(10_000_500);
    const [first, second] = await fill(sim, 2, clock.t);
    expect(first!.headers.get("X-HB-RateLimit-Requests-Remain")).toBe("49");
    expect(second!.headers.get("X-HB-RateLimit-Requests-Remain")).toBe("48");
    expect(first!.headers.get("X-HB-RateLimit-Requests-Expire")).toBe("10002500");
  });

  it("can send Expire as the ms remaining instead (HTX's unit is undocumented)", async () => {
    const { clock, sim } = clocked(10_000_500, { expireHeader: "remaining-ms" });
    const [first] = await fill(sim, 1, clock.t);
    clock.t += 500;
    const [second] = await fill(sim, 1, clock.t);
    expect(first!.headers.get("X-HB-RateLimit-Requests-Expire")).toBe("2000");
    expect(second!.headers.get("X-HB-RateLimit-Requests-Expire")).toBe("1500");
  });

  it.each([
    [{ status: 429 as const }, 429, undefined],
    [{ errCode: "invalid-parameter" as const }, 200, "invalid-parameter"],
  ])("can answer rate limiting as %j", async (rateLimit, status, errCode) => {
    const { clock, sim } = clocked(10_000_000, { limit: 1, ...rateLimit });
    await fill(sim, 1, clock.t);
    const [refused] = await fill(sim, 1, clock.t);
    expect(refused!.status).toBe(status);
    if (errCode) {
      expect(refused!.body).toMatchObject({ "err-code": errCode, "err-msg": expect.stringMatching(/request limit/) });
    }
    expect(refused!.headers.get("X-HB-RateLimit-Requests-Remain")).toBe("0");
  });

  it("counts per UID: two users each get their own 50", async () => {
    const t = 10_000_000;
    const other = { uid: 2, accessKey: "k2", secretKey: "s2" };
    const sim = createHtxSimulator({ now: () => t, accounts: [DEMO_ACCOUNT, other] });
    await fill(sim, 50, t);
    expect((await answer(sim, signed({ timestamp: t, ...other }))).body.status).toBe("ok");
    expect(sim.stats.rateLimitViolations).toBe(0);
  });

  it("gives each endpoint its own budget: 50 cancels, 50 open-order listings, 100 account listings per 2 s", async () => {
    const { clock, sim } = clocked(10_000_000);
    const status = (answers: { body: Record<string, unknown> }[]) => answers.map((a) => a.body["err-code"] ?? "ok");
    const cancels = status(await fill(sim, 51, clock.t));
    const listings = status(await fill(sim, 51, clock.t, { method: "GET" }));
    const accounts = status(await fill(sim, 101, clock.t, { method: "GET", path: ACCOUNTS }));
    const limited = "base-request-exceed-frequency-limit";
    expect(cancels).toEqual([...Array(50).fill("ok"), limited]);
    expect(listings).toEqual([...Array(50).fill("ok"), limited]);
    expect(accounts).toEqual([...Array(100).fill("ok"), limited]);
    expect(sim.stats.rateLimitViolations).toBe(1); // batch cancel's, as before
    expect(sim.stats.rejections).toEqual({ "rate-limit": 3 });
    const { byEndpoint } = sim.stats;
    expect([byEndpoint["batch-cancel"], byEndpoint["open-orders"], byEndpoint.accounts]).toEqual([
      { requests: 51, rateLimitViolations: 1, maxRequestsInWindow: 51 },
      { requests: 51, rateLimitViolations: 1, maxRequestsInWindow: 51 },
      { requests: 101, rateLimitViolations: 1, maxRequestsInWindow: 101 },
    ]);
  });
});

describe("simulator: where a rate-limit window starts", () => {
  /** 50 requests at `t`, then one at each of `later`: which were admitted. */
  async function afterBurst(rateLimit: RateLimitOptions | undefined, t: number, later: number[]) {
    const { clock, sim } = clocked(t, rateLimit);
    await fill(sim, 50, t);
    const verdicts = [];
    for (const at of later) {
      clock.t = at;
      verdicts.push((await fill(sim, 1, at))[0]!.body.status);
    }
    return verdicts;
  }

  it("by default refuses what any alignment would: nothing within 2 s of 50 admitted requests", async () => {
    // 10_001_999 ends an epoch window; epoch alignment would admit at 10_002_000.
    expect(await afterBurst(undefined, 10_001_999, [10_002_000, 10_003_998, 10_003_999])).toEqual([
      "error",
      "error",
      "ok",
    ]);
    expect(await afterBurst({ alignment: "sliding" }, 10_001_999, [10_002_000])).toEqual(["error"]);
  });

  it("epoch: windows at multiples of 2 s, so a burst at a window's end leaves room just after it", async () => {
    expect(await afterBurst({ alignment: "epoch" }, 10_001_999, [10_001_999, 10_002_000])).toEqual(["error", "ok"]);
  });

  it("first-request: a window starts with the first request after the last one ended", async () => {
    expect(await afterBurst({ alignment: "first-request" }, 10_000_500, [10_002_000, 10_002_499, 10_002_500]))
      .toEqual(["error", "error", "ok"]);
  });

  it("random-offset: epoch windows shifted by an offset per simulator", async () => {
    const offset = { alignment: "random-offset" as const, offsetMs: 700 };
    expect(await afterBurst(offset, 10_002_600, [10_002_699, 10_002_700])).toEqual(["error", "ok"]);
  });

  it("can refuse early, while Remain is still above 0 (seen on HTX)", async () => {
    const { clock, sim } = clocked(10_000_000, { refuseEarly: 5 });
    const answers = await fill(sim, 46, clock.t);
    expect(answers.slice(0, 45).every((a) => a.body.status === "ok")).toBe(true);
    expect(answers[45]!.body["err-code"]).toBe("base-request-exceed-frequency-limit");
    expect(answers[45]!.headers.get("X-HB-RateLimit-Requests-Remain")).toBe("5");
  });
});

describe("the client's own limiter against the least forgiving windows", () => {
  it("sends 52 requests' worth of ids with no refusal and never more than 50 arrivals in 2 s", async () => {
    const { orders, ids } = demoOrders({ open: 2600, filled: 0, canceled: 0, unknown: 0 });
    const sim = createHtxSimulator({ orders });
    const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: "http://127.0.0.1:8080", fetch: sim.fetch });
    const result = await htx.batchCancel({ orderIds: ids });
    expect(breakdown(result)).toEqual({ success: 2600, failed: {}, unresolved: {} });
    expect(sim.stats.batchCancelRequests).toBe(52);
    expect(sim.stats.rateLimitViolations).toBe(0);
    expect(sim.stats.maxRequestsInWindow).toBeLessThanOrEqual(50);
  });
});
