/**
 * examples/cloudflare-worker in workerd, its outbound fetch to HTX routed to the simulator:
 * `POST /cancel` (ids) and `POST /cancel-all` (the kill switch), each endpoint on its own
 * Durable Object budget.
 */
import { bundleWorker, COMPATIBILITY_DATE } from "./workerd/bundle.ts";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders, startOrderBot } from "../../src/testing/mod.ts";
import { TEST_KEY } from "../fixtures-ed25519/vectors.ts";
import { breakdown } from "../helpers.ts";

const TOKEN = "kill-switch-token-for-tests";
const book = demoOrders({ open: 120, filled: 2, canceled: 1, unknown: 2 });
const sim = createHtxSimulator({ orders: book.orders });
const outbound: string[] = [];
let mf: Miniflare;

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: await bundleWorker("examples/cloudflare-worker/src/index.ts"),
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: {
      HTX_ACCESS_KEY: DEMO_ACCOUNT.accessKey,
      HTX_SECRET_KEY: DEMO_ACCOUNT.secretKey,
      KILL_SWITCH_TOKEN: TOKEN,
      HTX_UID: "1",
    },
    durableObjects: { HTX_LIMITER: "HtxRateLimitObject" },
    outboundService: (request) => {
      outbound.push(new URL(request.url).host);
      return sim.fetch(request as unknown as Request) as never;
    },
  });
}, 60_000);
afterAll(() => mf?.dispose());

const cancel = (body: unknown, token = TOKEN, path = "/cancel") =>
  mf.dispatchFetch(`https://kill.example${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("the kill-switch Worker example", () => {
  it("cancels every id through HTX (the simulator) and answers the full result", async () => {
    const response = await cancel({ orderIds: book.ids });
    expect(response.status).toBe(200);
    const result = (await response.json()) as {
      success: string[];
      failed: { state?: string }[];
      unresolved: unknown[];
    };
    expect(result.success).toEqual(book.ids.slice(0, 120));
    expect(result.failed.map((f) => f.state ?? "unknown")).toEqual([
      "filled",
      "filled",
      "canceled",
      "unknown",
      "unknown",
    ]);
    expect(result.unresolved).toEqual([]);
    expect(new Set(outbound)).toEqual(new Set(["api.huobi.pro"]));
    expect(sim.stats.batchCancelRequests).toBe(3);
  });

  it.each([["a wrong token", "not-the-token"], ["no token", ""]])(
    "refuses %s with 401 and sends nothing",
    async (_, token) => {
      const before = sim.stats.requests;
      const response = await cancel({ orderIds: ["1"] }, token);
      expect(response.status).toBe(401);
      expect(sim.stats.requests).toBe(before);
    },
  );

  it("answers bad input with 400 and the reason, sending nothing", async () => {
    const before = sim.stats.requests;
    const response = await cancel({ orderIds: [357631450723117] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/pass order ids as strings/);
    expect(sim.stats.requests).toBe(before);
  });

  it("answers other paths and methods with 404 and 405", async () => {
    expect((await mf.dispatchFetch("https://kill.example/")).status).toBe(404);
    expect((await mf.dispatchFetch("https://kill.example/cancel")).status).toBe(405);
    expect((await mf.dispatchFetch("https://kill.example/cancel-all")).status).toBe(405);
  });
});

describe("the kill-switch Worker example: POST /cancel-all", () => {
  const symbols = ["btcusdt", "ethusdt", "solusdt"];
  const book = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      uid: 1,
      orderId: String(9_007_199_254_740_993n + BigInt(i)),
      state: "submitted" as const,
      symbol: symbols[i % symbols.length]!,
    }));

  it("cancels every open order, a bot's too, and answers the result with the book confirmed empty", async () => {
    sim.clearOrders();
    sim.resetStats();
    sim.addOrders(book(600));
    const bot = startOrderBot(sim, { symbols, everyMs: 20, perTick: 3, forMs: 300 });
    const response = await cancel({}, TOKEN, "/cancel-all");
    bot.stop();
    expect(response.status).toBe(200);
    expect(response.headers.get("x-rate-limit-budget")).toBe("shared");
    const result = (await response.json()) as {
      success: string[];
      failed: { errCode: string; outcome: string }[];
      unresolved: { error: Error }[];
      orders: { id: string; symbol: string }[];
      confirmedEmpty: boolean;
    };
    // Every order seen accepted by id, or closed with the sweep (batchCancelOpenOrders) as a possible
    // cause; a bot's order the sweep cancelled before any listing showed it is in its count only.
    expect(result.unresolved).toEqual([]);
    expect(result.success.length + result.failed.length).toBe(result.orders.length);
    expect(result.orders.length).toBeLessThanOrEqual(600 + bot.placed.length);
    expect(result.orders.length).toBeGreaterThanOrEqual(600);
    expect(result.failed.filter((f) => f.outcome !== "closed-possibly-by-this-call")).toEqual([]);
    expect(result.confirmedEmpty).toBe(true);
    expect(result.orders.map((o) => o.id)).toContain("9007199254740993");
    expect(sim.openOrders(1)).toEqual([]);
    const { byEndpoint } = sim.stats;
    expect(byEndpoint.accounts.requests).toBe(1);
    expect(byEndpoint["open-orders"].requests).toBeGreaterThan(1);
    expect(byEndpoint["batch-cancel"].rateLimitViolations + byEndpoint["open-orders"].rateLimitViolations).toBe(0);
  });

  it("cancels only the symbols and side asked for", async () => {
    sim.clearOrders();
    sim.addOrders(book(6).map((o, i) => ({ ...o, type: i < 3 ? "buy-limit" : "sell-limit" })));
    const response = await cancel({ symbols: ["ethusdt"], side: "sell" }, TOKEN, "/cancel-all");
    const result = (await response.json()) as { success: string[]; orders: { symbol: string }[] };
    expect(result.orders.map((o) => o.symbol)).toEqual(["ethusdt"]);
    expect(sim.openOrders(1)).toHaveLength(5);
  });

  it("refuses a wrong token with 401 and bad input with 400, sending nothing", async () => {
    const before = sim.stats.requests;
    expect((await cancel({}, "not-the-token", "/cancel-all")).status).toBe(401);
    const bad = await cancel({ symbols: ["BTC-USDT"] }, TOKEN, "/cancel-all");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/is not an HTX symbol/);
    expect(sim.stats.requests).toBe(before);
  });
});

describe("the kill-switch Worker example with an Ed25519 key kept as a Worker secret", () => {
  const edSim = createHtxSimulator({
    accounts: [{ uid: 1, accessKey: "ed25519-access-key", publicKey: TEST_KEY.publicPem }],
    orders: demoOrders({ open: 60, filled: 0, canceled: 0, unknown: 0 }).orders,
  });
  let edWorker: Miniflare;
  const bindings = {
    HTX_ACCESS_KEY: "ed25519-access-key",
    HTX_PRIVATE_KEY: TEST_KEY.pem,
    KILL_SWITCH_TOKEN: TOKEN,
    HTX_UID: "1",
  };
  const start = async (extra: Record<string, string> = {}) =>
    new Miniflare({
      modules: true,
      script: await bundleWorker("examples/cloudflare-worker/src/index.ts"),
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { ...bindings, ...extra },
      durableObjects: { HTX_LIMITER: "HtxRateLimitObject" },
      outboundService: (request) => edSim.fetch(request as unknown as Request) as never,
    });
  const post = (worker: Miniflare, body: unknown) =>
    worker.dispatchFetch("https://kill.example/cancel-all", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  beforeAll(async () => (edWorker = await start()), 60_000);
  afterAll(() => edWorker?.dispose());

  it("signs with the PEM secret and empties the book", async () => {
    const response = await post(edWorker, {});
    const result = (await response.json()) as Parameters<typeof breakdown>[0] & { confirmedEmpty: boolean };
    expect({ rejections: edSim.stats.rejections, unresolved: result.unresolved }).toEqual({
      rejections: {},
      unresolved: [],
    });
    expect(result.success.length + result.failed.length).toBe(60);
    expect(result.confirmedEmpty).toBe(true);
  });

  it("answers 500 and sends nothing when both a secret and a private key are set", async () => {
    const both = await start({ HTX_SECRET_KEY: "also-a-secret" });
    try {
      const before = edSim.stats.requests;
      const response = await post(both, {});
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: string }).error).toMatch(/exactly one of HTX_SECRET_KEY/);
      expect(edSim.stats.requests).toBe(before);
    } finally {
      await both.dispose();
    }
  }, 60_000);
});
