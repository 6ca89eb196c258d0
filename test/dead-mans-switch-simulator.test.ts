/**
 * The simulator's dead man's switch, requests signed by hand (test/simulator-requests.ts), apart
 * from the client: arming per UID, the trigger firing on the simulator's clock when not
 * refreshed (at most 500 open orders, the oldest first), disarming, HTX's v2 answers and
 * refusals, the Trade permission, and the 2021 array answer as an option.
 */
import { describe, expect, it } from "vitest";
import { createHtxSimulator, type HtxSimulatorOptions, type SimulatedOrder } from "../src/testing/mod.ts";
import { answer, signed } from "./simulator-requests.ts";

const PATH = "/v2/algo-orders/cancel-all-after";
const T0 = 1_700_000_000_000;

/** A simulator on a clock the test moves, and a signed call of the switch at that clock. */
function setUp(options: HtxSimulatorOptions = {}) {
  let now = T0;
  const sim = createHtxSimulator({ now: () => now, ...options });
  const call = async (body: unknown, send: { accessKey?: string; secretKey?: string } = {}) =>
    await answer(sim, signed({ method: "POST", path: PATH, body, timestamp: now, ...send }));
  return { sim, call, wait: (ms: number) => void (now += ms) };
}

const open = (uid: number, count: number, from = 1): SimulatedOrder[] =>
  Array.from({ length: count }, (_, i) => ({ uid, orderId: String(from + i), state: "submitted" as const }));

describe("simulator: arming and disarming", () => {
  it("arms the caller's UID and answers HTX's v2 envelope with both times in ms", async () => {
    const { sim, call } = setUp();
    const { status, body } = await call({ timeout: 60 });
    expect(status).toBe(200);
    expect(body).toEqual({ code: 200, message: "success", data: { currentTime: T0, triggerTime: T0 + 60_000 } });
    expect(sim.cancelAllAfterTrigger(1)).toBe(T0 + 60_000);
    expect(sim.stats.byEndpoint["cancel-all-after"].requests).toBe(1);
  });

  it("moves the trigger on every call, and disarms with 0 (triggerTime 0)", async () => {
    const { sim, call, wait } = setUp({ orders: open(1, 3) });
    await call({ timeout: 10 });
    wait(8_000);
    await call({ timeout: 10 });
    expect(sim.cancelAllAfterTrigger(1)).toBe(T0 + 18_000);
    expect((await call({ timeout: 0 })).body).toMatchObject({ code: 200, data: { triggerTime: 0 } });
    wait(60_000);
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
    expect(sim.openOrders(1).map((o) => o.state)).toEqual(["submitted", "submitted", "submitted"]);
  });

  it("answers the 2021 shape, two strings of seconds, when told to", async () => {
    const { call } = setUp({ cancelAllAfterAnswer: "array-2021" });
    expect((await call({ timeout: 60 })).body).toEqual({
      code: 200,
      message: "success",
      data: [String(T0 / 1000), String(T0 / 1000 + 60)],
    });
  });

  it("refuses an unknown answer shape option", () => {
    expect(() => createHtxSimulator({ cancelAllAfterAnswer: "v1" as never })).toThrow(/cancelAllAfterAnswer/);
  });
});

describe("simulator: the trigger", () => {
  it("cancels the UID's open orders once the trigger time passes without a refresh, and disarms", async () => {
    const { sim, call, wait } = setUp({ orders: [...open(1, 2), ...open(2, 1, 100)] });
    await call({ timeout: 5 });
    wait(4_999);
    expect(sim.openOrders(1).map((o) => o.state)).toEqual(["submitted", "submitted"]);
    wait(1);
    expect(sim.openOrders(1).map((o) => o.state)).toEqual(["cancelling", "cancelling"]);
    expect(sim.openOrders(2).map((o) => o.state)).toEqual(["submitted"]); // another UID's orders stay
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
    expect(sim.stats.ordersCanceled).toBe(2);
  });

  it("cancels at most 500 orders, the oldest first", async () => {
    const { sim, call, wait } = setUp({ orders: open(1, 502) });
    await call({ timeout: 5 });
    wait(5_000);
    const states = sim.openOrders(1).map((o) => `${o.orderId}:${o.state}`);
    expect(states.filter((s) => s.endsWith(":cancelling"))).toHaveLength(500);
    expect(states.filter((s) => s.endsWith(":submitted"))).toEqual(["501:submitted", "502:submitted"]);
  });
});

describe("simulator: refusals", () => {
  it.each([
    ["no timeout", {}, 2003, "missing mandatory field"],
    ["a timeout under 5 s", { timeout: 3 }, 2002, "invalid field value"],
    ["a negative timeout", { timeout: -1 }, 2002, "invalid field value"],
    ["a fractional timeout", { timeout: 5.5 }, 2002, "invalid field value"],
    ["a timeout as text", { timeout: "60" }, 2002, "invalid field value"],
  ])("refuses %s with HTX's v2 error and arms nothing", async (_, body, code, message) => {
    const { sim, call } = setUp();
    expect((await call(body)).body).toEqual({ code, message });
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
    expect(sim.stats.byErrCode).toEqual({ [String(code)]: 1 });
  });

  it("needs the Trade permission", async () => {
    const { sim, call } = setUp({
      accounts: [{ uid: 1, accessKey: "demo-access-key", secretKey: "demo-secret-key", permissions: ["read"] }],
    });
    expect((await call({ timeout: 60 })).body).toMatchObject({
      status: "error",
      "err-code": "api-signature-not-valid",
    });
    expect(sim.stats.rejections).toEqual({ permission: 1 });
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
  });

  it("checks the signature", async () => {
    const { sim, call } = setUp();
    expect((await call({ timeout: 60 }, { secretKey: "wrong" })).body).toMatchObject({ status: "error" });
    expect(sim.stats.rejections).toEqual({ "bad-signature": 1 });
  });
});
