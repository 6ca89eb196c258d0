/**
 * The simulator's `POST /v1/order/orders/batchCancelOpenOrders` (issue 24): criteria, `size` up
 * to 100, counts only with `next-id`, HTX's codes for bad criteria, Trade permission, and its
 * own 50-per-2-s budget per UID beside batchcancel's.
 */
import { describe, expect, it } from "vitest";
import { createHtxSimulator, type HtxSimulatorOptions, type SimulatedOrder } from "../src/testing/mod.ts";
import { fixture } from "./helpers.ts";
import {
  answer,
  BATCH_CANCEL,
  BATCH_CANCEL_OPEN_ORDERS,
  order,
  type SendOptions,
  signed,
} from "./simulator-requests.ts";

const T0 = 1_700_000_000_000;
type Sim = ReturnType<typeof createHtxSimulator>;

const sweep = (sim: Sim, body: unknown, send: SendOptions = {}) =>
  answer(sim, signed({ path: BATCH_CANCEL_OPEN_ORDERS, body, timestamp: T0, ...send }));

/** `count` open btcusdt orders with ids from `first` up. */
const openOrders = (count: number, first = 1n): SimulatedOrder[] =>
  Array.from({ length: count }, (_, i) => order(String(first + BigInt(i)), "submitted"));

const simOf = (orders: SimulatedOrder[], options: HtxSimulatorOptions = {}) =>
  createHtxSimulator({ now: () => T0, orders, ...options });

const stateOf = (sim: Sim, ids: string[]) => ids.map((id) => sim.getOrder(1, id)?.state);

describe("simulator: POST /v1/order/orders/batchCancelOpenOrders", () => {
  it("cancels every open order of the spot account and answers counts only, next-id -1 when none remain", async () => {
    const sim = simOf([...openOrders(3), order("4", "filled"), order("5", "cancelling")]);
    const { body, text } = await sweep(sim, {});
    expect(body).toEqual({ status: "ok", data: { "success-count": 3, "failed-count": 0, "next-id": -1 } });
    expect(text).toBe('{"status":"ok","data":{"success-count":3,"failed-count":0,"next-id":-1}}');
    expect(stateOf(sim, ["1", "2", "3", "4", "5"])).toEqual([
      "cancelling",
      "cancelling",
      "cancelling",
      "filled",
      "cancelling",
    ]);
    expect(sim.stats.ordersCanceled).toBe(3);
    expect(sim.stats.ordersCanceledByCriteria).toBe(3);
  });

  it("settles what it cancelled to canceled, as batchcancel's cancels do", async () => {
    let now = T0;
    const sim = createHtxSimulator({ now: () => now, orders: openOrders(1), cancelSettleMs: 100 });
    await sweep(sim, {});
    now += 100;
    expect(sim.getOrder(1, "1")?.state).toBe("canceled");
    expect(sim.openOrders(1)).toEqual([]);
  });

  it("cancels at most size orders, newest first, and names the next one as next-id (a JSON number)", async () => {
    const sim = simOf(openOrders(250, 9007199254740990n));
    const first = await sweep(sim, { size: 100 });
    expect(first.body.data).toMatchObject({ "success-count": 100, "failed-count": 0 });
    // 250 ids from 9007199254740990: the newest 100 go first, the next is the 101st newest.
    expect(first.text).toContain('"next-id":9007199254741139');
    expect(sim.openOrders(1).filter((o) => o.state === "submitted")).toHaveLength(150);
    const second = await sweep(sim, { size: 100 });
    expect(second.text).toContain('"next-id":9007199254741039');
    const last = await sweep(sim, {});
    expect(last.body.data).toEqual({ "success-count": 50, "failed-count": 0, "next-id": -1 });
  });

  it("defaults size to 100", async () => {
    const sim = simOf(openOrders(101));
    expect((await sweep(sim, {})).body.data).toEqual({ "success-count": 100, "failed-count": 0, "next-id": 1 });
  });

  it("matches the criteria: symbols (comma-separated), side, types, account", async () => {
    const sim = simOf([
      order("1", "submitted", { symbol: "btcusdt", type: "buy-limit" }),
      order("2", "submitted", { symbol: "ethusdt", type: "sell-limit" }),
      order("3", "submitted", { symbol: "xrpusdt", type: "sell-limit" }),
      order("4", "submitted", { symbol: "ethusdt", type: "sell-limit-maker" }),
      order("5", "submitted", { symbol: "ethusdt", type: "buy-limit", accountId: "555" }),
    ], {
      userAccounts: [
        { uid: 1, id: "10000001", type: "spot", state: "working" },
        { uid: 1, id: "555", type: "spot", state: "working" },
      ],
    });
    const swept = await sweep(sim, { symbol: "btcusdt,ethusdt", side: "sell", types: "sell-limit" });
    expect(swept.body.data).toEqual({ "success-count": 1, "failed-count": 0, "next-id": -1 });
    expect(stateOf(sim, ["1", "2", "3", "4", "5"])).toEqual([
      "submitted",
      "cancelling",
      "submitted",
      "submitted",
      "submitted",
    ]);
    await sweep(sim, { "account-id": "555" });
    expect(stateOf(sim, ["1", "5"])).toEqual(["submitted", "cancelling"]);
  });

  it("without account-id cancels in the first spot account listed only (the strict reading)", async () => {
    const sim = simOf([order("1", "submitted", { accountId: "7" }), order("2", "submitted", { accountId: "8" })], {
      userAccounts: [
        { uid: 1, id: "7", type: "spot", state: "lock" },
        { uid: 1, id: "8", type: "spot", state: "working" },
      ],
    });
    expect((await sweep(sim, {})).body.data["success-count"]).toBe(1);
    expect(stateOf(sim, ["1", "2"])).toEqual(["cancelling", "submitted"]);
  });

  it("counts an order that refuses its cancel as failed; it stays open", async () => {
    const sim = simOf([...openOrders(2), order("3", "submitted", { refuse: { errCode: "base-record-invalid" } })]);
    expect((await sweep(sim, {})).body.data).toEqual({ "success-count": 2, "failed-count": 1, "next-id": -1 });
    expect(sim.getOrder(1, "3")?.state).toBe("submitted");
  });

  it.each([
    ["11 symbols", { symbol: Array.from({ length: 11 }, (_, i) => `coin${i}usdt`).join(",") }, "invalid-parameter"],
    ["a malformed symbol", { symbol: "BTC/USDT" }, "invalid-parameter"],
    ["an empty symbol", { symbol: "" }, "invalid-parameter"],
    ["size 0", { size: 0 }, "base-argument-unsupported"],
    ["size 101", { size: 101 }, "base-argument-unsupported"],
    ["size 1.5", { size: 1.5 }, "base-argument-unsupported"],
    ["size as a string", { size: "100" }, "validation-format-error"],
    ["a side of both", { side: "both" }, "base-argument-unsupported"],
    ["types that are not order types", { types: "limit" }, "base-argument-unsupported"],
    ["an account of another user", { "account-id": "10000002" }, "account-account-id-inexistent"],
    ["an account id as a number", { "account-id": 10000001 }, "validation-format-error"],
    ["a field it does not take", { "order-ids": ["1"] }, "base-argument-unsupported"],
    ["a body that is not an object", [], "bad-request"],
  ])("refuses %s with %s and cancels nothing", async (_, body, errCode) => {
    const sim = simOf(openOrders(2));
    const { body: answered } = await sweep(sim, body);
    expect(answered).toMatchObject({ status: "error", "err-code": errCode, data: null });
    expect(sim.stats.ordersCanceled).toBe(0);
  });

  it("refuses malformed JSON and a body that is not JSON as batchcancel does", async () => {
    const sim = simOf(openOrders(1));
    expect((await sweep(sim, undefined, { rawBody: "{" })).body["err-code"]).toBe("gateway-internal-error");
    expect((await sweep(sim, {}, { contentType: "text/plain" })).body["err-code"]).toBe("gateway-internal-error");
    expect(sim.getOrder(1, "1")?.state).toBe("submitted");
  });

  it("needs a user with no spot account to name the account", async () => {
    const sim = simOf([order("1", "submitted", { accountId: "77" })], {
      userAccounts: [{ uid: 1, id: "77", type: "margin", state: "working" }],
    });
    expect((await sweep(sim, {})).body["err-code"]).toBe("account-get-accounts-inexistent-error");
    expect((await sweep(sim, { "account-id": "77" })).body.data["success-count"]).toBe(1);
  });

  it("needs the Trade permission", async () => {
    const sim = simOf(openOrders(1), {
      accounts: [{ uid: 1, accessKey: "demo-access-key", secretKey: "demo-secret-key", permissions: ["read"] }],
    });
    const { body } = await sweep(sim, {});
    expect(body["err-code"]).toBe("api-signature-not-valid");
    expect(sim.stats.rejections).toEqual({ permission: 1 });
  });

  it("is signed like batchcancel: a wrong secret is refused", async () => {
    const sim = simOf(openOrders(1));
    expect((await sweep(sim, {}, { secretKey: "wrong" })).body["err-code"]).toBe("api-signature-not-valid");
    expect(sim.getOrder(1, "1")?.state).toBe("submitted");
  });
});

describe("simulator: the budget of batchCancelOpenOrders", () => {
  it("admits 50 per 2 s per UID, its own budget: batchcancel's 50 are still free after it", async () => {
    const sim = simOf([]);
    const sweeps = await Promise.all(Array.from({ length: 51 }, () => sweep(sim, {})));
    // Which one is refused depends on which signature check ends last, not on the order of sending.
    expect(sweeps.filter((s) => s.body.status === "ok")).toHaveLength(50);
    expect(sweeps.filter((s) => s.body["err-code"] === "base-request-exceed-frequency-limit")).toHaveLength(1);
    const cancels = await Promise.all(
      Array.from({ length: 50 }, () => answer(sim, signed({ path: BATCH_CANCEL, timestamp: T0 }))),
    );
    expect(cancels.every((c) => c.body.status === "ok")).toBe(true);
    const { byEndpoint } = sim.stats;
    expect(byEndpoint["batch-cancel-open-orders"]).toEqual({
      requests: 51,
      rateLimitViolations: 1,
      maxRequestsInWindow: 51,
    });
    expect(byEndpoint["batch-cancel"].rateLimitViolations).toBe(0);
    expect(sim.stats.rateLimitViolations).toBe(0);
  });

  it("takes its limit from rateLimit.batchCancelOpenOrdersLimit", async () => {
    const sim = simOf([], { rateLimit: { batchCancelOpenOrdersLimit: 1 } });
    expect((await sweep(sim, {})).body.status).toBe("ok");
    expect((await sweep(sim, {})).body.status).toBe("error");
  });
});

describe("simulator and the docs' example of batchCancelOpenOrders", () => {
  it("answers the docs' example exactly when three orders match and size is 2", async () => {
    const fx = fixture("batch-cancel-open-orders-more");
    const sim = simOf((fx.replay.orders ?? []).map((o) => ({ uid: 1, ...o })));
    const { body } = await sweep(sim, fx.request.body);
    expect(body).toEqual(fx.response.body);
  });
});
