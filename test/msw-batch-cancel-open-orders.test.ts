/**
 * msw over `POST /v1/order/orders/batchCancelOpenOrders` (issue 24): the simulator's handlers
 * serve it on HTX's hosts, and a recorded answer (the docs' example) is served exactly once the
 * request passes the simulator's checks.
 */
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { htxHandlers, recordedAnswerHandlers } from "../src/testing/msw.ts";
import { createHtxSimulator } from "../src/testing/mod.ts";
import { fixture } from "./helpers.ts";
import { BATCH_CANCEL_OPEN_ORDERS, order, signed } from "./simulator-requests.ts";

const sim = createHtxSimulator({
  orders: [order("1", "submitted", { symbol: "btcusdt" }), order("2", "submitted", { symbol: "ethusdt" })],
});
const server = setupServer(...htxHandlers(sim));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const sweep = async (body: unknown, origin?: string) =>
  fetch(await signed({ path: BATCH_CANCEL_OPEN_ORDERS, body, origin }));

describe("msw handlers over the simulator's cancel by criteria", () => {
  it.each(["https://api.huobi.pro", "https://api-aws.huobi.pro"])("serve it on %s", async (origin) => {
    sim.addOrders([order("1", "submitted", { symbol: "btcusdt" })]);
    const answer = await sweep({ "account-id": "10000001", symbol: "btcusdt", size: 100 }, origin);
    expect(await answer.json()).toEqual({
      status: "ok",
      data: { "success-count": 1, "failed-count": 0, "next-id": -1 },
    });
    expect(sim.getOrder(1, "1")?.state).toBe("cancelling");
    expect(sim.getOrder(1, "2")?.state).toBe("submitted");
  });

  it("answer the docs' example exactly for the recorded request", async () => {
    const recorded = fixture("batch-cancel-open-orders-more");
    server.use(...recordedAnswerHandlers(recorded));
    const answer = await sweep(recorded.request.body);
    expect(await answer.json()).toEqual({
      status: "ok",
      data: { "success-count": 2, "failed-count": 0, "next-id": 5454600 },
    });
  });

  it("refuse criteria HTX would refuse before the recording, and say when a valid request is not the one recorded", async () => {
    server.use(...recordedAnswerHandlers(fixture("batch-cancel-open-orders-more")));
    expect(await (await sweep({ size: 101 })).json()).toMatchObject({ "err-code": "base-argument-unsupported" });
    const other = await sweep({ "account-id": "10000001", symbol: "ethusdt", size: 2 });
    expect(other.status).toBe(501);
    expect(await other.text()).toMatch(/recordedAnswerHandlers: the body .*"ethusdt".* is not the recorded/);
  });
});
