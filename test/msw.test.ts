/** msw stays out of the Pact tests (it would intercept the Pact mock server); here it is alone. */
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HtxClient, HtxNetworkError } from "../mod.ts";
import { htxHandlers, recordedAnswerHandlers } from "../src/testing/msw.ts";
import { createHtxSimulator, DEMO_ACCOUNT } from "../src/testing/mod.ts";
import { fixture } from "./helpers.ts";
import { ACCOUNTS, BATCH_CANCEL, OPEN_ORDERS, ORIGIN, signed } from "./simulator-requests.ts";

const sim = createHtxSimulator({
  orders: [
    { uid: 1, orderId: "1001", state: "submitted" },
    { uid: 1, orderId: "1002", state: "filled" },
  ],
});
const server = setupServer(...htxHandlers(sim));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("msw handlers over the simulator", () => {
  it.each(["https://api.huobi.pro", "https://api-aws.huobi.pro"])(
    "serve HTX's host %s to an unchanged client",
    async (baseUrl) => {
      sim.addOrders([{ uid: 1, orderId: "1001", state: "submitted" }]);
      const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl });
      const result = await htx.batchCancel({ orderIds: ["1001", "1002", "404"] });
      expect(result.success).toEqual(["1001"]);
      expect(result.failed.map((f) => [f.orderId, f.state ?? f.errCode])).toEqual([["1002", "filled"], [
        "404",
        "base-not-found",
      ]]);
    },
  );

  it("turn a simulated dropped connection into a network error", async () => {
    const dropping = createHtxSimulator({ faults: () => ({ type: "drop", after: false }) });
    server.use(...htxHandlers(dropping));
    const htx = new HtxClient({ ...DEMO_ACCOUNT, retry: 0 });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.unresolved[0]!.error).toBeInstanceOf(HtxNetworkError);
  });

  it("can answer one recorded fixture exactly", async () => {
    server.use(...recordedAnswerHandlers(fixture("partial-failure")));
    const htx = new HtxClient({ ...DEMO_ACCOUNT });
    const result = await htx.batchCancel({ orderIds: ["12345", "357631450723117"] });
    expect(result.success).toEqual(["12345"]);
    expect(result.failed[0]).toMatchObject({ orderId: "357631450723117", orderState: 7, state: "canceled" });
  });

  it("check a request before answering it with the recording: one HTX would refuse gets the refusal", async () => {
    server.use(...recordedAnswerHandlers(fixture("all-submitted")));
    const unsigned = await fetch(`${ORIGIN}${BATCH_CANCEL}`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: '{"order-ids":[]}',
    });
    expect(await unsigned.json()).toMatchObject({ status: "error", "err-code": "login-required" });
    const wrongType = await fetch(
      await signed({ contentType: "text/plain", body: fixture("all-submitted").request.body }),
    );
    expect(await wrongType.json()).toMatchObject({ status: "error", "err-code": "gateway-internal-error" });
  });

  it("say so loudly when a valid request is not the one recorded", async () => {
    server.use(...recordedAnswerHandlers(fixture("all-submitted")));
    const other = await fetch(await signed({ body: { "order-ids": ["1"] } }));
    expect(other.status).toBe(501);
    expect(await other.text()).toMatch(/recordedAnswerHandlers: the body \{"order-ids":\["1"\]\} is not the recorded/);
    const same = await fetch(await signed({ body: fixture("all-submitted").request.body }));
    expect(await same.json()).toEqual(fixture("all-submitted").response.body);
  });
});

describe("msw handlers over the simulator's listings", () => {
  it("serve the accounts and open-order listings, query signed", async () => {
    const accounts = await fetch(await signed({ method: "GET", path: ACCOUNTS }));
    expect(await accounts.json()).toMatchObject({ status: "ok", data: [{ type: "spot", state: "working" }] });
    sim.addOrders([{ uid: 1, orderId: "1003", state: "submitted", symbol: "ethusdt" }]);
    const orders = await fetch(await signed({ method: "GET", path: OPEN_ORDERS, query: { symbol: "ethusdt" } }));
    expect(await orders.text()).toMatch(/^\{"status":"ok","data":\[\{"id":1003,/);
  });

  it("pass the caller's IP they are given, for keys bound to IPs", async () => {
    const bound = createHtxSimulator({ accounts: [{ ...DEMO_ACCOUNT, allowedIps: ["203.0.113.7"] }] });
    server.use(...htxHandlers(bound));
    const refused = await fetch(await signed({ method: "GET", path: ACCOUNTS }));
    expect(await refused.json()).toMatchObject({
      "err-msg": expect.stringMatching(/Incorrect IP address.*127\.0\.0\.1$/),
    });
    server.use(...htxHandlers(bound, undefined, { clientIp: "203.0.113.7" }));
    expect(await (await fetch(await signed({ method: "GET", path: ACCOUNTS }))).json()).toMatchObject({ status: "ok" });
  });
});
