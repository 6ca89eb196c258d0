/**
 * The Pact kit's provider side without Pact: its request filter and provider states driven the
 * way Pact's proxy drives them (an Express request and response), the simulator answering
 * through `provider.fetch`.
 */
import { describe, expect, it } from "vitest";
import { HtxInputError } from "../mod.ts";
import {
  createHtxPactProvider,
  DEMO_ED25519_KEY,
  HTX_PROVIDER_STATES,
  type HtxPactProvider,
  type HtxPactProviderOptions,
  HtxProviderStateError,
  type PactProxyRequest,
  verifyWithHtxSimulator,
} from "../src/testing/pact.ts";
import { TEST_KEY } from "./fixtures-ed25519/vectors.ts";
import { KEYS } from "./helpers.ts";
import { BASE_URL, filter, given, teardown } from "./pact-proxy.ts";

/** How a recorded pact replays a request: the consumer's key, a stale time, a signature for another host. */
const RECORDED_AUTH =
  `AccessKeyId=${KEYS.accessKey}&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-11-26T12%3A00%3A00` +
  "&Signature=9yf9%2B1LJD8Bv0r1iDtdZJ9dDiW6LKmryEYi7%2BEtOEE4%3D";

/** Replays a recorded request through the filter, then sends it to the simulator. */
async function replay(provider: HtxPactProvider, method: string, pathAndQuery: string, body?: unknown) {
  const filtered = await filter(provider, { method, url: pathAndQuery, body });
  expect(filtered).toMatchObject({ next: true, error: undefined });
  const init = body === undefined
    ? { method }
    : { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await provider.fetch(new Request(`${BASE_URL}${filtered.url}`, init));
  const text = await response.text();
  const json = response.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : undefined;
  return { url: new URL(filtered.url, BASE_URL), status: response.status, json, text };
}

const cancel = (provider: HtxPactProvider, ids: string[]) =>
  replay(provider, "POST", `/v1/order/orders/batchcancel?${RECORDED_AUTH}`, { "order-ids": ids });

describe("the request filter", () => {
  it("re-signs a recorded GET for the simulator's key, host and clock, keeping its business parameters", async () => {
    const provider = createHtxPactProvider();
    await given(provider, HTX_PROVIDER_STATES.openOrders, {
      orders: [{ orderId: "7", state: "submitted", symbol: "ethusdt" }, { orderId: "8", state: "submitted" }],
    });
    const { url, json } = await replay(provider, "GET", `/v1/order/openOrders?symbol=ethusdt&size=5&${RECORDED_AUTH}`);
    expect(json).toMatchObject({ status: "ok", data: [{ id: 7, symbol: "ethusdt" }] });
    expect([url.searchParams.get("symbol"), url.searchParams.get("size")]).toEqual(["ethusdt", "5"]);
    expect(url.searchParams.get("AccessKeyId")).toBe("demo-access-key");
  });

  it("re-signs a request recorded with Ed25519 with the kit's Ed25519 key, and HMAC ones with its HMAC key", async () => {
    const provider = createHtxPactProvider();
    await given(provider, HTX_PROVIDER_STATES.orders, { orders: [{ orderId: "1", state: "submitted" }] });
    const ed25519Auth = RECORDED_AUTH.replace("HmacSHA256", "Ed25519");
    const { url, json } = await replay(provider, "POST", `/v1/order/orders/batchcancel?${ed25519Auth}`, {
      "order-ids": ["1"],
    });
    expect(json).toMatchObject({ status: "ok", data: { success: ["1"] } });
    expect([url.searchParams.get("AccessKeyId"), url.searchParams.get("SignatureMethod")]).toEqual([
      DEMO_ED25519_KEY.accessKey,
      "Ed25519",
    ]);
  });

  it("re-signs Ed25519 requests with a key of the user's own (ed25519Account), which the simulator then knows", async () => {
    const mine = { accessKey: "my-ed25519-key", privateKey: TEST_KEY.pem, publicKey: TEST_KEY.publicPem };
    const provider = createHtxPactProvider({ ed25519Account: mine });
    await given(provider, HTX_PROVIDER_STATES.orders, { orders: [{ orderId: "1", state: "submitted" }] });
    const ed25519Auth = RECORDED_AUTH.replace("HmacSHA256", "Ed25519");
    const { url, json } = await replay(provider, "POST", `/v1/order/orders/batchcancel?${ed25519Auth}`, {
      "order-ids": ["1"],
    });
    expect(json).toMatchObject({ status: "ok", data: { success: ["1"] } });
    expect(url.searchParams.get("AccessKeyId")).toBe("my-ed25519-key");
  });

  it("leaves a request the consumer did not sign as it is (public endpoints, login-required pacts)", async () => {
    const provider = createHtxPactProvider();
    const { url, json } = await replay(provider, "GET", "/v1/order/openOrders?symbol=ethusdt");
    expect(url.search).toBe("?symbol=ethusdt");
    expect(json).toMatchObject({ status: "error", "err-code": "login-required" });
  });

  it("answers Pact's state calls itself instead of passing them to the simulator", async () => {
    const provider = createHtxPactProvider();
    expect(await given(provider, HTX_PROVIDER_STATES.orders, { orders: [] })).toEqual({
      next: false,
      url: "/_pactSetup",
      status: 200,
      body: {},
    });
  });
});

describe("provider states", () => {
  it("sets up orders by id and client id for the signing account's UID", async () => {
    const provider = createHtxPactProvider();
    await given(provider, HTX_PROVIDER_STATES.orders, {
      orders: [{ orderId: "1", clientOrderId: "grid-1", state: "submitted" }, { orderId: "2", state: "filled" }],
    });
    const { json } = await cancel(provider, ["1", "2"]);
    expect(json.data.success).toEqual(["1"]);
    expect(json.data.failed).toEqual([
      expect.objectContaining({ "err-code": "order-orderstate-error", "order-state": 6 }),
    ]);
    expect(provider.simulator.getOrder(1, "1")).toMatchObject({ clientOrderId: "grid-1", state: "cancelling" });
  });

  it.each([
    [HTX_PROVIDER_STATES.wrongSecret, "HmacSHA256", "bad-signature"],
    [HTX_PROVIDER_STATES.wrongSecret, "Ed25519", "bad-signature"],
    [HTX_PROVIDER_STATES.unknownKey, "HmacSHA256", "unknown-key"],
    [HTX_PROVIDER_STATES.unknownKey, "Ed25519", "unknown-key"],
  ])("%s (%s): HTX's api-signature-not-valid", async (state, method, reason) => {
    const provider = createHtxPactProvider();
    await given(provider, state);
    const auth = RECORDED_AUTH.replace("HmacSHA256", method);
    const { json } = await replay(provider, "POST", `/v1/order/orders/batchcancel?${auth}`, { "order-ids": ["1"] });
    expect(json).toMatchObject({ status: "error", "err-code": "api-signature-not-valid" });
    expect(provider.simulator.stats.rejections).toEqual({ [reason]: 1 });
  });

  it("a used-up rate limit refuses every signed endpoint, with the status and err-code asked for", async () => {
    const provider = createHtxPactProvider();
    await given(provider, HTX_PROVIDER_STATES.rateLimited, { status: 429 });
    for (const path of ["/v1/order/openOrders", "/v1/account/accounts"]) {
      expect((await replay(provider, "GET", `${path}?${RECORDED_AUTH}`)).status).toBe(429);
    }
    expect(await cancel(provider, ["1"])).toMatchObject({ status: 429, text: "Too Many Requests" });
    await teardown(provider, HTX_PROVIDER_STATES.rateLimited);
    await given(provider, HTX_PROVIDER_STATES.rateLimited, { errCode: "invalid-parameter" });
    expect((await cancel(provider, ["1"])).json).toMatchObject({ "err-code": "invalid-parameter" });
  });

  it("the dead man's switch: re-signed, armed, in the answer shape and with the shortest timeout asked for", async () => {
    const provider = createHtxPactProvider();
    const arm = (timeout: number) =>
      replay(provider, "POST", `/v2/algo-orders/cancel-all-after?${RECORDED_AUTH}`, { timeout });
    await given(provider, HTX_PROVIDER_STATES.deadMansSwitch, {});
    expect((await arm(60)).json).toMatchObject({ code: 200, data: { currentTime: expect.any(Number) } });
    await teardown(provider, HTX_PROVIDER_STATES.deadMansSwitch);
    await given(provider, HTX_PROVIDER_STATES.deadMansSwitch, { answer: "array-2021", minimumSeconds: 10 });
    expect((await arm(5)).json).toEqual({ code: 2002, message: "invalid field value" });
    expect((await arm(10)).json).toMatchObject({ code: 200, data: [expect.any(String), expect.any(String)] });
  });

  it("a spot account: its id kept exact beyond 2^53, and its state", async () => {
    const provider = createHtxPactProvider();
    await given(provider, HTX_PROVIDER_STATES.spotAccount, { accountId: "9007199254740993", state: "lock" });
    const response = await provider.fetch(
      new Request(
        `${BASE_URL}${(await filter(provider, { method: "GET", url: `/v1/account/accounts?${RECORDED_AUTH}` })).url}`,
      ),
    );
    expect(await response.text()).toBe(
      '{"status":"ok","data":[{"id":9007199254740993,"type":"spot","subtype":"","state":"lock"}]}',
    );
  });

  it("a teardown starts the next interaction from a fresh simulator and the kit's own key", async () => {
    const provider = createHtxPactProvider();
    await given(provider, HTX_PROVIDER_STATES.wrongSecret, { orders: [{ orderId: "1", state: "submitted" }] });
    await teardown(provider, HTX_PROVIDER_STATES.wrongSecret);
    const { json } = await cancel(provider, ["1"]);
    expect(json).toMatchObject({ status: "ok", data: { success: [], failed: [{ "err-code": "base-not-found" }] } });
  });

  it("takes the user's own states, with the simulator options and signing they return", async () => {
    const provider = createHtxPactProvider({
      stateHandlers: {
        "an order was placed a moment ago": ({ orderId }) => ({
          simulator: {
            orders: [{
              uid: 1,
              orderId: String(orderId),
              state: "submitted",
              refuse: { errCode: "base-record-invalid", times: 1 },
            }],
          },
        }),
      },
    });
    expect(provider.stateNames).toContain("an order was placed a moment ago");
    await given(provider, "an order was placed a moment ago", { orderId: "77" });
    expect((await cancel(provider, ["77"])).json.data.failed).toEqual([
      expect.objectContaining({ "order-id": "77", "err-code": "base-record-invalid" }),
    ]);
  });
});

describe("a provider state that cannot be set up fails its interaction and says why", () => {
  const orders = HTX_PROVIDER_STATES.orders;
  it.each<[string, string, unknown, RegExp]>([
    [
      "an unknown state",
      "order 1 exists",
      {},
      /^Unknown provider state "order 1 exists"\. Known states: "these orders/,
    ],
    ["params that are not an object", orders, [1], /params must be a JSON object/],
    ["orders that are not a list", orders, { orders: "1,2" }, /params\.orders must be an array/],
    ["a list of orders with a null in it", orders, { orders: [null] }, /params\.orders must be an array/],
    [
      "an order id as a number",
      orders,
      { orders: [{ orderId: 1, state: "submitted" }] },
      /orderId must be a string of digits/,
    ],
    [
      "an account id as a number",
      HTX_PROVIDER_STATES.spotAccount,
      { accountId: 42 },
      /accountId must be a string of digits/,
    ],
    [
      "a rate-limit status HTX does not use",
      HTX_PROVIDER_STATES.rateLimited,
      { status: Number.NaN },
      /status must be 200 or 429/,
    ],
    [
      "a dead man's switch answer shape HTX never sent",
      HTX_PROVIDER_STATES.deadMansSwitch,
      { answer: "v1" },
      /params.answer must be "v2" or "array-2021"/,
    ],
    [
      "a shortest timeout that is no whole number",
      HTX_PROVIDER_STATES.deadMansSwitch,
      { minimumSeconds: 2.5 },
      /params.minimumSeconds must be an integer/,
    ],
  ])("%s", async (_, state, params, message) => {
    const provider = createHtxPactProvider();
    const answer = await given(provider, state, params);
    expect(answer).toMatchObject({ next: false, status: 500 });
    expect(provider.stateFailures).toEqual([expect.stringMatching(message)]);
    // Whatever the interaction then sends gets HTTP 500 naming the failure, not an answer HTX would give.
    const response = await provider.fetch(new Request(`${BASE_URL}/v1/common/timestamp`));
    expect([response.status, await response.json()]).toEqual([500, { "htx-pact-kit": provider.stateFailures[0] }]);
  });

  it.each([
    ["throws a string", () => {
      throw "no such order";
    }, /could not be set up: no such order/],
    [
      "rejects with an object without a prototype",
      () => Promise.reject(Object.create(null)),
      /a thrown value that is not an Error/,
    ],
    ["rejects with an Error", () => Promise.reject(new Error("database down")), /could not be set up: database down/],
  ])("a user's handler that %s", async (_, handler, message) => {
    const provider = createHtxPactProvider({ stateHandlers: { "mine": handler } });
    await expect(provider.changeState({ state: "mine" })).rejects.toThrow(HtxProviderStateError);
    expect(provider.stateFailures).toEqual([expect.stringMatching(message)]);
  });
});

describe("options", () => {
  it.each([
    ["an account without a secret", { account: { uid: 1, accessKey: "k", secretKey: "" } }],
    ["simulator options it refuses", { simulator: { timestampWindowMs: -1 } }],
    // What a JavaScript caller can pass: the types would refuse it.
    ["an Ed25519 account without its public key", { ed25519Account: { accessKey: "k", privateKey: TEST_KEY.pem } }],
  ])("refuses %s with an HtxInputError", (_, options) => {
    expect(() => createHtxPactProvider(options as HtxPactProviderOptions)).toThrow(HtxInputError);
  });

  it.each([
    ["no pact source", { provider: "htx-spot-api" }, /pactUrls .* or pactBrokerUrl/],
    ["an empty pact path", { provider: "htx-spot-api", pactUrls: [""] }, /pactUrls must be/],
    ["no provider name", { provider: "", pactUrls: ["p.json"] }, /provider must be/],
    [
      "a pact file that does not exist (not Pact's FFI text)",
      { provider: "htx-spot-api", pactUrls: ["pacts/missing-htx-spot-api.json"] },
      /^verifyWithHtxSimulator: pactUrls\[0\] "pacts\/missing-htx-spot-api\.json" names no file or folder \(\/.*\/pacts\/missing-htx-spot-api\.json\): run the consumer test/,
    ],
  ])("verifyWithHtxSimulator refuses %s before starting anything", async (_, options, message) => {
    await expect(verifyWithHtxSimulator(options)).rejects.toThrow(message);
    await expect(verifyWithHtxSimulator(options)).rejects.toBeInstanceOf(HtxInputError);
  });
});
