import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HtxClient } from "../mod.ts";
import {
  createHtxSimulator,
  DEMO_ACCOUNT,
  demoOrders,
  faultsByRate,
  type HtxSimulatorOptions,
} from "../src/testing/mod.ts";
import { allFixtures, type Fixture, shapeOf } from "./helpers.ts";
import { answer, BATCH_CANCEL as PATH, order, ORIGIN, type SendOptions, signed } from "./simulator-requests.ts";

describe("simulator: Signature V2, checked as HTX does", () => {
  it("accepts a request signed by hand with node:crypto, apart from the client's signer", async () => {
    const sim = createHtxSimulator({ orders: [order("42", "submitted")] });
    const timestamp = new Date().toISOString().slice(0, 19);
    const query = `AccessKeyId=demo-access-key&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=${
      encodeURIComponent(timestamp)
    }`;
    const text = `POST\napi.huobi.pro\n${PATH}\n${query}`;
    const signature = createHmac("sha256", "demo-secret-key").update(text).digest("base64");
    const request = new Request(`${ORIGIN}${PATH}?${query}&Signature=${encodeURIComponent(signature)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"order-ids":["42"]}',
    });
    expect((await answer(sim, request)).body).toEqual({ status: "ok", data: { success: ["42"], failed: [] } });
  });

  it.each([
    ["a wrong secret", { secretKey: "wrong" }, 0, "bad-signature", /Verification failure/],
    ["an unknown AccessKeyId", { accessKey: "nobody" }, 0, "unknown-key", /Incorrect Access key/],
    // Timestamps are sent to the second: 65 s stays outside the 60 s window after rounding.
    ["a timestamp 65 s old", {}, -65_000, "stale-timestamp", /Invalid submission time/],
    ["a timestamp 65 s ahead", {}, 65_000, "stale-timestamp", /Invalid submission time/],
  ])("refuses %s with api-signature-not-valid and HTX's message", async (_, send, offsetMs, reason, message) => {
    const sim = createHtxSimulator();
    const { status, body } = await answer(sim, signed({ ...send, timestamp: Date.now() + offsetMs }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "error", "err-code": "api-signature-not-valid", data: null });
    expect(body["err-msg"]).toMatch(message);
    expect(sim.stats.rejections).toEqual({ [reason]: 1 });
  });

  it("accepts a timestamp inside the window, and honours a configured window", async () => {
    expect((await answer(createHtxSimulator(), signed({ timestamp: Date.now() - 55_000 }))).body.status).toBe("ok");
    const strict = createHtxSimulator({ timestampWindowMs: 5_000 });
    expect((await answer(strict, signed({ timestamp: Date.now() - 10_000 }))).body["err-code"]).toBe(
      "api-signature-not-valid",
    );
  });

  it("refuses a signature made for another host (api-aws signed, api sent)", async () => {
    const sim = createHtxSimulator();
    const request = await signed({ origin: "https://api-aws.huobi.pro" });
    const moved = new Request(request.url.replace("api-aws.huobi.pro", "api.huobi.pro"), request);
    expect((await answer(sim, moved)).body["err-msg"]).toMatch(/Verification failure/);
  });

  it("signs the port as part of the host", async () => {
    const sim = createHtxSimulator();
    const request = await signed({ origin: "http://127.0.0.1:8080" });
    const moved = new Request(request.url.replace(":8080", ":8081"), request.clone());
    expect((await answer(sim, request)).body.status).toBe("ok");
    expect((await answer(sim, moved)).body["err-code"]).toBe("api-signature-not-valid");
  });

  it("leaves the body unsigned, as HTX does: a signed URL replays with any body", async () => {
    const sim = createHtxSimulator({ orders: [order("7", "submitted")] });
    const request = await signed({ body: { "order-ids": ["1"] } });
    const replayed = new Request(request.url, {
      method: "POST",
      headers: request.headers,
      body: '{"order-ids":["7"]}',
    });
    expect((await answer(sim, replayed)).body.data.success).toEqual(["7"]);
  });

  it.each(["AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp", "Signature"])(
    "answers login-required when %s is missing",
    async (name) => {
      const sim = createHtxSimulator();
      const request = await signed();
      const url = new URL(request.url);
      url.searchParams.delete(name);
      const { body } = await answer(sim, new Request(url, request));
      expect(body["err-code"]).toBe("login-required");
      expect(sim.stats.rejections).toEqual({ "missing-auth": 1 });
    },
  );
});

describe("simulator: the request body", () => {
  it.each([
    ["a wrong Content-Type", { contentType: "text/plain" }, "gateway-internal-error", "content-type"],
    ["no Content-Type", { contentType: null }, "gateway-internal-error", "content-type"],
    ["malformed JSON", { rawBody: '{"order-ids":["1"' }, "gateway-internal-error", "malformed-json"],
    ["both kinds of id", { body: { "order-ids": ["1"], "client-order-ids": ["a"] } }, "bad-request", "bad-body"],
    ["no ids at all", { body: {} }, "validation-constraints-required", "bad-body"],
    ["an empty list", { body: { "order-ids": [] } }, "batchcancel-order-id-list-empty", "bad-body"],
    [
      "51 ids",
      { body: { "order-ids": Array.from({ length: 51 }, (_, i) => String(i + 1)) } },
      "bad-request",
      "bad-body",
    ],
    ["numeric ids", { body: { "order-ids": [1, 2] } }, "validation-format-error", "bad-body"],
    ["a comma-joined string", { body: { "order-ids": "1,2" } }, "validation-format-error", "bad-body"],
  ])("refuses %s with %s, HTTP 200", async (_, send, errCode, reason) => {
    const sim = createHtxSimulator();
    const { status, body } = await answer(sim, signed(send as SendOptions));
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "error", "err-code": errCode });
    expect(sim.stats.rejections).toEqual({ [reason]: 1 });
  });

  it("accepts Content-Type with a charset", async () => {
    const sim = createHtxSimulator();
    expect((await answer(sim, signed({ contentType: "application/json; charset=utf-8" }))).body.status).toBe("ok");
  });
});

describe("simulator: orders and their states", () => {
  it("cancels open orders: cancelling at once, then canceled (partial-filled → partial-canceled)", async () => {
    let t = 1_000_000;
    const sim = createHtxSimulator({
      now: () => t,
      orders: [order("1", "created"), order("2", "submitted"), order("3", "partial-filled")],
    });
    const request = await signed({ body: { "order-ids": ["1", "2", "3"] }, timestamp: t });
    expect((await answer(sim, request)).body.data).toEqual({ success: ["1", "2", "3"], failed: [] });
    expect(["1", "2", "3"].map((id) => sim.getOrder(1, id)!.state)).toEqual(["cancelling", "cancelling", "cancelling"]);
    t += 100;
    expect(["1", "2", "3"].map((id) => sim.getOrder(1, id)!.state)).toEqual([
      "canceled",
      "canceled",
      "partial-canceled",
    ]);
    expect(sim.stats.ordersCanceled).toBe(3);
  });

  it("refuses orders that cannot be canceled with order-orderstate-error and order-state as a number", async () => {
    let t = 1_000_000;
    const sim = createHtxSimulator({
      now: () => t,
      orders: [order("5", "canceled"), order("6", "filled"), order("7", "partial-canceled"), order("8", "submitted")],
    });
    await answer(sim, signed({ body: { "order-ids": ["8"] }, timestamp: t }));
    const { body } = await answer(sim, signed({ body: { "order-ids": ["5", "6", "7", "8"] }, timestamp: t }));
    expect(body.data.success).toEqual([]);
    expect(body.data.failed.map((f: Record<string, unknown>) => [f["order-id"], f["err-code"], f["order-state"]]))
      .toEqual([
        ["5", "order-orderstate-error", 7],
        ["6", "order-orderstate-error", 6],
        ["7", "order-orderstate-error", 5],
        ["8", "order-orderstate-error", 10],
      ]);
    t += 100;
    const again = await answer(sim, signed({ body: { "order-ids": ["8"] }, timestamp: t }));
    expect(again.body.data.failed[0]["order-state"]).toBe(7);
  });

  it("answers unknown ids with base-not-found and no order-state", async () => {
    const sim = createHtxSimulator();
    const { body } = await answer(sim, signed({ body: { "order-ids": ["404"] } }));
    expect(body.data.failed).toEqual([{
      "order-id": "404",
      "err-code": "base-not-found",
      "err-msg": "The record is not found.",
    }]);
  });

  it('answers client-id requests with "order-id": "" in failed entries', async () => {
    const sim = createHtxSimulator({ orders: [order("1", "submitted", "a"), order("2", "filled", "b")] });
    const { body } = await answer(sim, signed({ body: { "client-order-ids": ["a", "b", "c"] } }));
    expect(body.data.success).toEqual(["a"]);
    expect(body.data.failed).toEqual([
      {
        "order-id": "",
        "client-order-id": "b",
        "err-code": "order-orderstate-error",
        "err-msg": "Incorrect order state",
        "order-state": 6,
      },
      { "order-id": "", "client-order-id": "c", "err-code": "base-not-found", "err-msg": "The record is not found." },
    ]);
  });

  it("keeps accounts apart: one UID cannot cancel another's orders", async () => {
    const other = { uid: 2, accessKey: "k2", secretKey: "s2" };
    const sim = createHtxSimulator({
      accounts: [DEMO_ACCOUNT, other],
      orders: [{ uid: 2, orderId: "9", state: "submitted" }],
    });
    expect((await answer(sim, signed({ body: { "order-ids": ["9"] } }))).body.data.failed[0]["err-code"]).toBe(
      "base-not-found",
    );
    expect((await answer(sim, signed({ body: { "order-ids": ["9"] }, ...other }))).body.data.success).toEqual(["9"]);
  });
});

describe("simulator: other paths", () => {
  it("answers GET /v1/common/timestamp from its own clock", async () => {
    const sim = createHtxSimulator({ now: () => 1629715504949 });
    const response = await sim.fetch(new Request(`${ORIGIN}/v1/common/timestamp`));
    expect(await response.json()).toEqual({ status: "ok", data: 1629715504949 });
  });

  it.each([["GET", PATH], ["POST", "/v1/order/orders/batchCancel"], ["GET", "/v2/nothing"]])(
    "answers 405 to %s %s",
    async (method, path) => {
      const sim = createHtxSimulator();
      expect((await sim.fetch(new Request(`${ORIGIN}${path}`, { method }))).status).toBe(405);
    },
  );
});

describe("simulator: faults", () => {
  const at = (fault: HtxSimulatorOptions["faults"]) =>
    createHtxSimulator({ faults: fault, orders: [order("1", "submitted")] });

  it.each([[403, /Cloudflare/], [502, /502 Bad Gateway/], [503, /503/], [200, /maintenance/]] as const)(
    "serves an HTML page with status %i and applies nothing",
    async (status, page) => {
      const sim = at(() => ({ type: "html", status }));
      const response = await sim.fetch(await signed());
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe("text/html");
      expect(await response.text()).toMatch(page);
      expect(sim.getOrder(1, "1")!.state).toBe("submitted");
    },
  );

  it("drops the connection before the cancel: nothing applied", async () => {
    const sim = at(() => ({ type: "drop", after: false }));
    await expect(sim.fetch(await signed())).rejects.toThrow(TypeError);
    expect(sim.getOrder(1, "1")!.state).toBe("submitted");
  });

  it("drops the connection after the cancel: applied, answer lost", async () => {
    const sim = at(() => ({ type: "drop", after: true }));
    await expect(sim.fetch(await signed())).rejects.toThrow(TypeError);
    expect(sim.getOrder(1, "1")!.state).toBe("cancelling");
  });

  it("cuts the JSON answer after applying the cancel", async () => {
    const sim = at(() => ({ type: "truncated-json" }));
    const text = await (await sim.fetch(await signed())).text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text.startsWith('{"status":"ok"')).toBe(true);
    expect(sim.getOrder(1, "1")!.state).toBe("cancelling");
  });

  it("delays an answer by the injected latency", async () => {
    const sim = at((_, n) => (n === 1 ? { type: "latency", ms: 60 } : undefined));
    const started = performance.now();
    await sim.fetch(await signed());
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(sim.stats.faults).toEqual({ latency: 1 });
  });

  it("injects faults by rate, repeatably for a seed", async () => {
    const rates = { dropBefore: 0.1, dropAfter: 0.1, html502: 0.1, truncatedJson: 0.1 };
    const draw = (seed: number) => {
      const plan = faultsByRate(rates, seed);
      return Array.from({ length: 2000 }, (_, i) => plan(new Request(`${ORIGIN}${PATH}`), i + 1)?.type ?? "none");
    };
    const first = draw(7);
    expect(draw(7)).toEqual(first);
    expect(draw(8)).not.toEqual(first);
    const none = first.filter((t) => t === "none").length / first.length;
    expect(none).toBeGreaterThan(0.55);
    expect(none).toBeLessThan(0.65);
    expect(faultsByRate(rates)(new Request(`${ORIGIN}/v1/common/timestamp`), 1)).toBeUndefined();
  });
});

describe("simulator and fixtures agree", () => {
  /** Makes the simulator give the fixture's answer, as its `replay` says. */
  async function replay(fx: Fixture): Promise<Response> {
    const { orders = [], sign, fault, rateLimited, simulator } = fx.replay;
    const t = Date.now();
    const sim = createHtxSimulator({
      ...simulator,
      now: () => t,
      rateLimit: { ...simulator?.rateLimit, ...(rateLimited ? { limit: 1 } : {}) },
      orders: orders.map((o) => ({ uid: 1, ...o })),
      faults: fault ? () => fault : undefined,
    });
    const { method, path, query } = fx.request;
    const send = { method: method as "GET" | "POST", path, query };
    if (rateLimited) await sim.fetch(await signed({ ...send, timestamp: t }));
    const request = await signed({
      ...send,
      body: fx.request.body,
      contentType: fx.request.headers["Content-Type"],
      secretKey: sign === "wrong-secret" ? "not-the-secret" : undefined,
      timestamp: sign === "stale" ? t - 10 * 60_000 : t,
    });
    return sim.fetch(request);
  }

  const replayable = allFixtures().filter((fx) => !fx.replay.drift);

  it.each(replayable.map((fx) => [fx.name, fx] as const))("replays %s with the recorded shape", async (_, fx) => {
    const response = await replay(fx);
    expect(response.status).toBe(fx.response.status);
    const text = await response.text();
    if (fx.response.body !== undefined) {
      expect(shapeOf(JSON.parse(text))).toEqual(shapeOf(fx.response.body));
    } else if (fx.response.text === "") {
      expect(text).toBe("");
    } else if (fx.response.text!.startsWith("<")) {
      expect(text.trimStart().startsWith("<")).toBe(true);
    } else if (fx.response.headers["Content-Type"] === "application/json") {
      expect(() => JSON.parse(text)).toThrow(); // truncated
      expect(text.slice(0, 12)).toBe(fx.response.text!.slice(0, 12));
    } else {
      expect(text).toBe(fx.response.text);
    }
  });

  it("answers the docs' example request as HTX really does, not as the docs print it", async () => {
    const fx = allFixtures().find((f) => f.name === "docs-example")!;
    expect(fx.replay.drift).toMatch(/order-state comes as a number/);
    const body = (await (await replay(fx)).json()) as { data: { failed: Record<string, unknown>[] } };
    expect(body.data.failed[0]).toMatchObject({ "order-id": "", "client-order-id": "123456", "order-state": 7 });
    const documented = (fx.response.body as typeof body).data.failed[0]!;
    expect(documented).toMatchObject({ "order-id": "357631450723117", "order-state": "7" });
  });
});

describe("the client against the simulator", () => {
  it("cancels 2,000 open orders plus closed and unknown ids, every id accounted for, 0 violations", async () => {
    const { orders, ids } = demoOrders({ open: 2000, filled: 25, canceled: 15, unknown: 10 });
    const sim = createHtxSimulator({ orders });
    const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: "http://127.0.0.1:8080", fetch: sim.fetch });
    const result = await htx.batchCancel({ orderIds: ids });
    expect(result.success).toHaveLength(2000);
    expect(result.failed.filter((f) => f.state === "filled")).toHaveLength(25);
    expect(result.failed.filter((f) => f.state === "canceled")).toHaveLength(15);
    expect(result.failed.filter((f) => f.errCode === "base-not-found")).toHaveLength(10);
    expect(result.unresolved).toEqual([]);
    expect(sim.stats.batchCancelRequests).toBe(41);
    expect(sim.stats.rateLimitViolations).toBe(0);
    expect(sim.stats.ordersCanceled).toBe(2000);
  });
});
