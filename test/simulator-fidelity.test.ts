/**
 * Where the simulator must be no kinder than HTX (issue 17): client-id lookup windows,
 * per-order refusals, which ids a failure names, recorded err-msg texts, IP bindings and key
 * permissions, repeated query parameters, and the timestamp window both ways.
 */
import { describe, expect, it } from "vitest";
import { createHtxSimulator, DEMO_ACCOUNT, type SimulatedAccount } from "../src/testing/mod.ts";
import { ACCOUNTS, answer, order, signed } from "./simulator-requests.ts";

const HOUR = 3600_000;
const T0 = 1_700_000_000_000;

/** A simulator on a clock the test moves. */
function clocked(options: Parameters<typeof createHtxSimulator>[0] = {}) {
  const clock = { t: T0 };
  return { clock, sim: createHtxSimulator({ now: () => clock.t, cancelSettleMs: 0, ...options }) };
}

const cancelByClientId = (sim: ReturnType<typeof createHtxSimulator>, id: string, timestamp: number) =>
  answer(sim, signed({ body: { "client-order-ids": [id] }, timestamp }));

describe("simulator: client order ids expire as HTX's do", () => {
  it("honours a client id for 8 h while the order is open, then answers it as unknown", async () => {
    const { clock, sim } = clocked({ orders: [order("1", "submitted", { clientOrderId: "a", createdAt: T0 })] });
    clock.t = T0 + 8 * HOUR + 1;
    const late = await cancelByClientId(sim, "a", clock.t);
    expect(late.body.data.failed).toEqual([
      { "order-id": "", "client-order-id": "a", "err-code": "base-not-found", "err-msg": "The record is not found." },
    ]);
    expect(sim.getOrder(1, "1")!.state).toBe("submitted"); // the kill switch left it open
    clock.t = T0 + 8 * HOUR;
    expect((await cancelByClientId(sim, "a", clock.t)).body.data.success).toEqual(["a"]);
  });

  it("keeps order ids valid whatever the order's age, while its client id has expired", async () => {
    const { clock, sim } = clocked({ orders: [order("1", "submitted", { clientOrderId: "a", createdAt: T0 })] });
    clock.t = T0 + 48 * HOUR;
    expect((await cancelByClientId(sim, "a", clock.t)).body.data.failed[0]["err-code"]).toBe("base-not-found");
    const { body } = await answer(sim, signed({ body: { "order-ids": ["1"] }, timestamp: clock.t }));
    expect(body.data.success).toEqual(["1"]);
  });

  it("honours a client id for 2 h after the order became final", async () => {
    const orders = [order("1", "filled", { clientOrderId: "f", createdAt: T0 - 10 * HOUR, finalAt: T0 })];
    const { clock, sim } = clocked({ orders });
    clock.t = T0 + 2 * HOUR;
    expect((await cancelByClientId(sim, "f", clock.t)).body.data.failed[0]).toMatchObject({
      "err-code": "order-orderstate-error",
      "order-state": 6,
    });
    clock.t = T0 + 2 * HOUR + 1;
    expect((await cancelByClientId(sim, "f", clock.t)).body.data.failed[0]["err-code"]).toBe("base-not-found");
  });

  it("counts the 2 h of a cancelled order from when its cancel settled", async () => {
    const { clock, sim } = clocked({ orders: [order("1", "submitted", "c")], cancelSettleMs: 1000 });
    await cancelByClientId(sim, "c", clock.t);
    clock.t = T0 + 1000 + 2 * HOUR;
    expect((await cancelByClientId(sim, "c", clock.t)).body.data.failed[0]["err-code"]).toBe("order-orderstate-error");
    clock.t += 1;
    expect((await cancelByClientId(sim, "c", clock.t)).body.data.failed[0]["err-code"]).toBe("base-not-found");
  });
});

describe("simulator: an open order can refuse its cancel", () => {
  it("refuses once with the given err-code, no order-state, then cancels", async () => {
    const { sim } = clocked({
      orders: [order("1", "submitted", { refuse: { errCode: "base-record-invalid", times: 1 } })],
    });
    const first = await answer(sim, signed({ body: { "order-ids": ["1"] }, timestamp: T0 }));
    expect(first.body.data).toEqual({
      success: [],
      failed: [{ "order-id": "1", "err-code": "base-record-invalid", "err-msg": "Invalid record" }],
    });
    expect(sim.getOrder(1, "1")!.state).toBe("submitted");
    const second = await answer(sim, signed({ body: { "order-ids": ["1"] }, timestamp: T0 }));
    expect(second.body.data.success).toEqual(["1"]);
  });

  it("refuses every time when no count is given, with the err-msg it was given", async () => {
    const refuse = { errCode: "order-orderstate-error", errMsg: "Incorrect order state" };
    const { sim } = clocked({ orders: [order("1", "partial-filled", { refuse })] });
    for (let i = 0; i < 3; i++) {
      const { body } = await answer(sim, signed({ body: { "order-ids": ["1"] }, timestamp: T0 }));
      expect(body.data.failed).toEqual([{ "order-id": "1", "err-code": refuse.errCode, "err-msg": refuse.errMsg }]);
    }
    expect(sim.getOrder(1, "1")!.state).toBe("partial-filled");
  });
});

describe("simulator: a failed entry names only the id that was sent", () => {
  it("gives no client-order-id in the failures of an order-ids request, even for an order that has one", async () => {
    const { sim } = clocked({ orders: [order("5", "filled", "mine")] });
    const { body, text } = await answer(sim, signed({ body: { "order-ids": ["5", "6"] }, timestamp: T0 }));
    expect(body.data.failed.map((f: object) => Object.keys(f).sort())).toEqual([
      ["err-code", "err-msg", "order-id", "order-state"],
      ["err-code", "err-msg", "order-id"],
    ]);
    expect(text).not.toContain("mine");
  });
});

describe("simulator: err-msg texts recorded from HTX", () => {
  it("answers a wrong Content-Type with gateway-internal-error and HTX's message", async () => {
    const { sim } = clocked();
    const { body } = await answer(sim, signed({ contentType: "text/plain", timestamp: T0 }));
    expect(body).toEqual({
      status: "error",
      "err-code": "gateway-internal-error",
      "err-msg": "Failed to load data. Try again later.",
      data: null,
    });
  });
});

describe("simulator: IP bindings and key permissions", () => {
  const bound: SimulatedAccount = { ...DEMO_ACCOUNT, allowedIps: ["203.0.113.7"] };

  it("refuses a bound key from another IP with api-signature-not-valid naming the IP (in-process: 127.0.0.1)", async () => {
    const { sim } = clocked({ accounts: [bound] });
    const { body } = await answer(sim, signed({ timestamp: T0 }));
    expect(body).toMatchObject({
      "err-code": "api-signature-not-valid",
      "err-msg": "Signature not valid: Incorrect IP address [IP地址错误]:127.0.0.1",
    });
    expect(sim.stats.rejections).toEqual({ "ip-not-allowed": 1 });
  });

  it.each([
    ["an explicit clientIp", (ip: string) => ({ clientIp: ip })],
    ["Deno.serve's connection info", (ip: string) => ({ remoteAddr: { hostname: ip, port: 1, transport: "tcp" } })],
    ["Bun.serve's server", (ip: string) => ({ requestIP: () => ({ address: ip, port: 1, family: "IPv4" }) })],
  ])("takes the caller's IP from %s: the bound IP passes, another is refused", async (_, info) => {
    const { sim } = clocked({ accounts: [bound] });
    expect((await answer(sim, signed({ timestamp: T0 }), info("203.0.113.7"))).body.status).toBe("ok");
    expect((await answer(sim, signed({ timestamp: T0 }), info("198.51.100.1"))).body["err-msg"]).toMatch(
      /Incorrect IP address .*:198\.51\.100\.1$/,
    );
  });

  it("takes the IP of calls that name none from the options", async () => {
    const allowed = clocked({ accounts: [bound], defaultClientIp: "203.0.113.7" }).sim;
    const other = clocked({ accounts: [bound], defaultClientIp: "198.51.100.1" }).sim;
    expect((await answer(allowed, signed({ timestamp: T0 }))).body.status).toBe("ok");
    expect((await answer(other, signed({ timestamp: T0 }))).body["err-code"]).toBe("api-signature-not-valid");
  });

  it("refuses a cancel to a read-only key and a listing to a trade-only key", async () => {
    const readOnly = { uid: 1, accessKey: "r", secretKey: "rs", permissions: ["read" as const] };
    const tradeOnly = { uid: 1, accessKey: "w", secretKey: "ws", permissions: ["trade" as const] };
    const { sim } = clocked({ accounts: [readOnly, tradeOnly] });
    const verdict = async (send: Parameters<typeof signed>[0]) =>
      (await answer(sim, signed({ timestamp: T0, ...send }))).body["err-code"] ?? "ok";
    expect(await verdict({ ...readOnly })).toBe("api-signature-not-valid");
    expect(await verdict({ ...readOnly, method: "GET" })).toBe("ok");
    expect(await verdict({ ...readOnly, method: "GET", path: ACCOUNTS })).toBe("ok");
    expect(await verdict({ ...tradeOnly })).toBe("ok");
    expect(await verdict({ ...tradeOnly, method: "GET" })).toBe("api-signature-not-valid");
    expect(sim.stats.rejections).toEqual({ permission: 2 });
  });
});

describe("simulator: repeated query parameters", () => {
  it.each(["AccessKeyId=bogus", "Timestamp=2000-01-01T00%3A00%3A00", "Signature=AAAA"])(
    "refuses a correctly signed request that repeats %s",
    async (extra) => {
      const { sim } = clocked();
      const request = await signed({ timestamp: T0 });
      const [path, query] = request.url.split("?");
      const tampered = new Request(`${path}?${extra}&${query}`, request);
      const { body } = await answer(sim, tampered);
      expect(body["err-code"]).toBe("api-signature-not-valid");
      expect(sim.stats.rejections).toEqual({ "duplicate-parameter": 1 });
    },
  );
});

describe("simulator: the timestamp window, stale and ahead", () => {
  it.each([-55_000, 55_000])("accepts a Timestamp %i ms off the clock (the strict 60 s default)", async (offset) => {
    const { sim } = clocked();
    expect((await answer(sim, signed({ timestamp: T0 + offset }))).body.status).toBe("ok");
  });

  it.each([-240_000, 240_000])("accepts %i ms with the docs' other reading, a 5 min window", async (offset) => {
    const { sim } = clocked({ timestampWindowMs: 300_000 });
    expect((await answer(sim, signed({ timestamp: T0 + offset }))).body.status).toBe("ok");
  });
});

describe("simulator: a GET that carries a body", () => {
  it("gets HTTP 403, as HTX's edge answers it", async () => {
    const { sim } = clocked();
    const request = await signed({ method: "GET", timestamp: T0 });
    const withLength = new Request(request.url, { headers: { "Content-Length": "17" } });
    const { status, text } = await answer(sim, withLength);
    expect(status).toBe(403);
    expect(text).toMatch(/<html>/i);
    expect(sim.stats.rejections).toEqual({ "get-with-body": 1 });
  });

  it("is told apart from a GET without one", async () => {
    const { sim } = clocked();
    expect((await answer(sim, signed({ method: "GET", timestamp: T0 }))).status).toBe(200);
  });
});
