/**
 * The simulator's listings (issue 15): accounts per UID, open orders with filters and paging,
 * ids written as JSON numbers from their digits, signed GET queries, the strict "required
 * parameters" reading, cancels that settle, and a bot that keeps placing orders.
 */
import { describe, expect, it } from "vitest";
import { createHtxSimulator, type SimulatedOrder, startOrderBot } from "../src/testing/mod.ts";
import { ACCOUNTS, answer, order, type SendOptions, signed } from "./simulator-requests.ts";

const T0 = 1_700_000_000_000;
type Sim = ReturnType<typeof createHtxSimulator>;

const list = (sim: Sim, query: Record<string, string> = {}, send: SendOptions = {}) =>
  answer(sim, signed({ method: "GET", query, timestamp: T0, ...send }));
const ids = (body: Record<string, any>) => (body.data as { id: number }[]).map((o) => String(o.id));

describe("simulator: GET /v1/account/accounts", () => {
  it("lists a working spot account per UID by default, its id a JSON number", async () => {
    const sim = createHtxSimulator({ now: () => T0 });
    const { body, text } = await list(sim, {}, { path: ACCOUNTS });
    expect(body).toEqual({ status: "ok", data: [{ id: 10000001, type: "spot", subtype: "", state: "working" }] });
    expect(text).toContain('"id":10000001');
  });

  it("lists the accounts it was given, only the caller's UID's, so a locked or missing spot account can be set up", async () => {
    const other = { uid: 2, accessKey: "k2", secretKey: "s2" };
    const sim = createHtxSimulator({
      now: () => T0,
      accounts: [{ uid: 1, accessKey: "demo-access-key", secretKey: "demo-secret-key" }, other],
      userAccounts: [
        { uid: 1, id: "9007199254740993", type: "spot", state: "lock" },
        { uid: 1, id: "77", type: "margin", subtype: "btcusdt", state: "working" },
        { uid: 3, id: "5", type: "spot", state: "working" },
      ],
    });
    const mine = await list(sim, {}, { path: ACCOUNTS });
    expect(mine.text).toBe(
      '{"status":"ok","data":[{"id":9007199254740993,"type":"spot","subtype":"","state":"lock"},' +
        '{"id":77,"type":"margin","subtype":"btcusdt","state":"working"}]}',
    );
    expect((await list(sim, {}, { path: ACCOUNTS, ...other })).body.data).toEqual([]);
  });

  it("refuses parameters it does not take", async () => {
    const sim = createHtxSimulator({ now: () => T0 });
    const { body } = await list(sim, { "account-id": "1" }, { path: ACCOUNTS });
    expect(body["err-code"]).toBe("base-argument-unsupported");
  });
});

describe("simulator: GET /v1/order/openOrders", () => {
  const book: SimulatedOrder[] = [
    order("101", "submitted", { symbol: "btcusdt", type: "buy-limit", price: "60000.5", amount: "0.25" }),
    order("102", "partial-filled", { symbol: "ethusdt", type: "sell-limit", clientOrderId: "g-2" }),
    order("103", "created", { symbol: "btcusdt", type: "sell-limit-maker" }),
    order("104", "filled", { symbol: "btcusdt" }),
    order("105", "canceled", { symbol: "btcusdt" }),
    { uid: 2, orderId: "106", state: "submitted" },
  ];
  const sim = () => createHtxSimulator({ now: () => T0, orders: book });

  it("lists the caller's open orders, newest first, as HTX writes them", async () => {
    const { body } = await list(sim());
    expect(ids(body)).toEqual(["103", "102", "101"]);
    expect(body.data[2]).toEqual({
      id: 101,
      "client-order-id": "",
      symbol: "btcusdt",
      "account-id": 10000001,
      amount: "0.25",
      price: "60000.5",
      "created-at": T0,
      type: "buy-limit",
      "filled-amount": "0",
      "filled-cash-amount": "0",
      "filled-fees": "0",
      source: "spot-api",
      state: "submitted",
    });
    expect(body.data[1]["client-order-id"]).toBe("g-2");
  });

  it("writes a 64-bit id as exactly its digits, never through a JS number", async () => {
    const big = createHtxSimulator({ now: () => T0, orders: [order("9007199254740993", "submitted")] });
    const { text } = await list(big);
    expect(text).toContain('"id":9007199254740993,');
    expect(String(9007199254740993)).toBe("9007199254740992"); // what a JS number would have written
  });

  it.each([
    [{ symbol: "btcusdt" }, ["103", "101"]],
    [{ side: "sell" }, ["103", "102"]],
    [{ types: "buy-limit,sell-limit-maker" }, ["103", "101"]],
    [{ "account-id": "10000001", symbol: "ethusdt" }, ["102"]],
  ])("filters by %j", async (query, expected) => {
    expect(ids((await list(sim(), query)).body)).toEqual(expected);
  });

  it.each([
    [{ "account-id": "999" }, "account-account-id-inexistent"],
    [{ symbol: "BTC/USDT" }, "invalid-parameter"],
    [{ side: "both" }, "base-argument-unsupported"],
    [{ types: "limit" }, "base-argument-unsupported"],
    [{ size: "0" }, "base-argument-unsupported"],
    [{ size: "501" }, "base-argument-unsupported"],
    [{ size: "1e2" }, "base-argument-unsupported"],
    [{ from: "101" }, "validation-constraints-required"],
    [{ from: "-1", direct: "next" }, "base-argument-unsupported"],
    [{ direct: "up", from: "101" }, "base-argument-unsupported"],
    [{ page: "2" }, "base-argument-unsupported"],
  ])("refuses %j with %s", async (query, errCode) => {
    const { body } = await list(sim(), query);
    expect(body).toMatchObject({ status: "error", "err-code": errCode });
  });

  it("pages with size, from and direct: every open order exactly once", async () => {
    const many = Array.from({ length: 1203 }, (_, i) => order(String(5000 + i), "submitted"));
    const s = createHtxSimulator({ now: () => T0, orders: many });
    const seen: string[] = [];
    let from: string | undefined;
    for (;;) {
      const query: Record<string, string> = from ? { size: "500", from, direct: "next" } : { size: "500" };
      const page = ids((await list(s, query)).body);
      if (page.length === 0) break;
      seen.push(...page);
      from = page.at(-1);
    }
    expect(seen).toEqual(many.map((o) => o.orderId).reverse());
    expect(ids((await list(s, { from: "5001", direct: "prev", size: "2" })).body)).toEqual(["5002", "5003"]);
  });

  it("signs every query parameter: a business parameter changed after signing is refused", async () => {
    const request = await signed({ method: "GET", query: { symbol: "btcusdt" }, timestamp: T0 });
    const tampered = new Request(request.url.replace("symbol=btcusdt", "symbol=ethusdt"));
    const { body } = await answer(sim(), tampered);
    expect(body).toMatchObject({
      "err-code": "api-signature-not-valid",
      "err-msg": expect.stringMatching(/Verification/),
    });
  });

  it("can require account-id and symbol (older docs, HTX's SDKs), naming the missing field", async () => {
    const strict = createHtxSimulator({ now: () => T0, orders: book, openOrdersRequired: ["account-id", "symbol"] });
    expect((await list(strict, { "account-id": "10000001" })).body).toEqual({
      status: "error",
      "err-code": "validation-constraints-required",
      "err-msg": "Field is missing: symbol.",
      data: null,
    });
    expect((await list(strict, { symbol: "btcusdt" })).body["err-msg"]).toBe("Field is missing: account-id.");
    expect(ids((await list(strict, { "account-id": "10000001", symbol: "btcusdt" })).body)).toEqual(["103", "101"]);
  });

  it("lists a cancelled order as cancelling until its cancel settles", async () => {
    const clock = { t: T0 };
    const s = createHtxSimulator({ now: () => clock.t, orders: [order("1", "submitted")], cancelSettleMs: 500 });
    await answer(s, signed({ body: { "order-ids": ["1"] }, timestamp: T0 }));
    expect((await list(s)).body.data.map((o: { state: string }) => o.state)).toEqual(["cancelling"]);
    clock.t += 500;
    expect((await list(s)).body.data).toEqual([]);
    expect(s.openOrders(1)).toEqual([]);
  });
});

describe("simulator: orders placed while a test runs", () => {
  it("places an order with a fresh id above every known one", () => {
    const s = createHtxSimulator({ now: () => T0, orders: [order("9007199254740993", "filled")] });
    const placed = s.placeOrder({ uid: 1, symbol: "ethusdt" });
    expect(placed).toMatchObject({ orderId: "9007199254740994", state: "submitted", symbol: "ethusdt", createdAt: T0 });
    expect(s.openOrders(1).map((o) => o.orderId)).toEqual(["9007199254740994"]);
  });

  it("runs a bot that keeps placing orders until stopped, whose ids can be read back", async () => {
    const s = createHtxSimulator();
    const bot = startOrderBot(s, { symbols: ["btcusdt", "ethusdt"], everyMs: 5, perTick: 2 });
    expect(bot.placed).toHaveLength(2); // the first placement is at once
    await new Promise((resolve) => setTimeout(resolve, 40));
    bot.stop();
    const placed = [...bot.placed];
    expect(placed.length).toBeGreaterThan(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bot.placed).toEqual(placed);
    expect(bot.stopped).toBe(true);
    expect(s.openOrders(1).map((o) => o.orderId)).toEqual(placed);
    expect(new Set(s.openOrders(1).map((o) => o.symbol))).toEqual(new Set(["btcusdt", "ethusdt"]));
  });

  it("stops a bot by itself after forMs", async () => {
    const bot = startOrderBot(createHtxSimulator(), { everyMs: 5, forMs: 15 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(bot.stopped).toBe(true);
  });
});
