/** msw stays out of the Pact tests (it would intercept the Pact mock server); here it is alone. */
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HtxClient, HtxNetworkError } from "../mod.ts";
import { htxHandlers, recordedAnswerHandlers } from "../src/testing/msw.ts";
import { createHtxSimulator, DEMO_ACCOUNT } from "../src/testing/mod.ts";
import { fixture } from "./helpers.ts";

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
});
