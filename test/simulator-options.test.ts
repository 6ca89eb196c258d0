/** Bad simulator options and orders are refused with an HtxInputError that says what to pass, before anything runs. */
import { describe, expect, it } from "vitest";
import { HtxInputError } from "../mod.ts";
import {
  createHtxSimulator,
  type HtxSimulatorOptions,
  type SimulatedOrder,
  startOrderBot,
} from "../src/testing/mod.ts";

const bad = (orderFields: Partial<SimulatedOrder>): HtxSimulatorOptions => ({
  orders: [{ uid: 1, orderId: "1", state: "submitted", ...orderFields } as SimulatedOrder],
});

describe("simulator options at their limits", () => {
  it.each([
    ["rateLimit.limit -1", { rateLimit: { limit: -1 } }, /rateLimit\.limit must be an integer ≥ 0/],
    ["rateLimit.limit NaN", { rateLimit: { limit: NaN } }, /rateLimit\.limit/],
    ["rateLimit.limit 1.5", { rateLimit: { limit: 1.5 } }, /rateLimit\.limit/],
    ["rateLimit.openOrdersLimit -Infinity", { rateLimit: { openOrdersLimit: -Infinity } }, /openOrdersLimit/],
    ["rateLimit.intervalMs 0", { rateLimit: { intervalMs: 0 } }, /intervalMs must be a number ≥ 1/],
    ["rateLimit.intervalMs Infinity", { rateLimit: { intervalMs: Infinity } }, /intervalMs/],
    ["rateLimit.offsetMs 2000", { rateLimit: { offsetMs: 2000 } }, /offsetMs must be below intervalMs/],
    ["rateLimit.refuseEarly -1", { rateLimit: { refuseEarly: -1 } }, /refuseEarly/],
    ["rateLimit.alignment", { rateLimit: { alignment: "hourly" as never } }, /alignment must be/],
    ["rateLimit.expireHeader", { rateLimit: { expireHeader: "s" as never } }, /expireHeader/],
    ["timestampWindowMs NaN", { timestampWindowMs: NaN }, /timestampWindowMs/],
    ["cancelSettleMs -5", { cancelSettleMs: -5 }, /cancelSettleMs/],
    ["an order id with letters", bad({ orderId: "12a" }), /orders\[0\]\.orderId must be a string of digits/],
    ["an order id as a number", bad({ orderId: 12 as never }), /orderId/],
    ["an unknown state", bad({ state: "open" as never }), /orders\[0\]\.state must be one of/],
    ["a 65-character client id", bad({ clientOrderId: "x".repeat(65) }), /clientOrderId/],
    ["a price that is a number", bad({ price: 1 as never }), /price must be a decimal string/],
    ["a refusal count of -1", bad({ refuse: { errCode: "base-record-invalid", times: -1 } }), /refuse\.times/],
    ["a createdAt of NaN", bad({ createdAt: NaN }), /createdAt/],
    [
      "a key permission",
      { accounts: [{ uid: 1, accessKey: "a", secretKey: "b", permissions: ["withdraw" as never] }] },
      /permissions/,
    ],
    ["a required listing parameter", { openOrdersRequired: ["side" as never] }, /openOrdersRequired/],
    [
      "rateLimit.batchCancelOpenOrdersLimit -1",
      { rateLimit: { batchCancelOpenOrdersLimit: -1 } },
      /batchCancelOpenOrdersLimit/,
    ],
    ["openOrdersPageCap 0", { openOrdersPageCap: 0 }, /openOrdersPageCap must be an integer ≥ 1/],
    ["openOrdersPageCap 2.5", { openOrdersPageCap: 2.5 }, /openOrdersPageCap/],
    [
      "openOrdersIgnoresSymbol as text",
      { openOrdersIgnoresSymbol: "yes" as never },
      /openOrdersIgnoresSymbol must be true or false/,
    ],
    [
      "a misspelt option",
      { openOrderPageCap: 100 } as never,
      /options has no field "openOrderPageCap" \(did you mean "openOrdersPageCap"\?\)/,
    ],
    [
      "a misspelt rate limit",
      { rateLimit: { batchCancelOpenOrderLimit: 1 } } as never,
      /options\.rateLimit has no field "batchCancelOpenOrderLimit" \(did you mean "batchCancelOpenOrdersLimit"\?\)/,
    ],
    ["faults that are not a plan", { faults: [{ type: "hang" }] } as never, /faults must be a function/],
    [
      "a user account id",
      { userAccounts: [{ uid: 1, id: "x", type: "spot", state: "working" as const }] },
      /userAccounts\[0\]\.id/,
    ],
  ])("refuses %s", (_, options, message) => {
    expect(() => createHtxSimulator(options as HtxSimulatorOptions)).toThrow(HtxInputError);
    expect(() => createHtxSimulator(options as HtxSimulatorOptions)).toThrow(message);
  });

  it("refuses a malformed order added later, and leaves the book as it was", () => {
    const sim = createHtxSimulator({ orders: [{ uid: 1, orderId: "1", state: "submitted" }] });
    const orders = [{ uid: 1, orderId: "2", state: "submitted" }, { uid: 1, orderId: "", state: "submitted" }] as const;
    expect(() => sim.addOrders(orders)).toThrow(/orders\[1\]\.orderId/);
    expect(sim.getOrder(1, "2")).toBeUndefined();
  });

  it.each([
    [{ everyMs: 0 }, /everyMs/],
    [{ everyMs: NaN }, /everyMs/],
    [{ perTick: 1.5 }, /perTick/],
    [{ forMs: -1 }, /forMs/],
    [{ symbols: [] }, /symbols/],
  ])("refuses an order bot with %j", (options, message) => {
    expect(() => startOrderBot(createHtxSimulator(), options)).toThrow(message);
  });

  it("accepts Infinity as a limit (no limit) and 0 (everything refused)", () => {
    expect(() => createHtxSimulator({ rateLimit: { limit: Infinity, accountsLimit: 0 } })).not.toThrow();
  });
});
