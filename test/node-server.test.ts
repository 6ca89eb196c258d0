import { afterEach, describe, expect, it } from "vitest";
import { HtxClient, HtxNetworkError } from "../mod.ts";
import { type ServedHandler, serveHandler } from "../src/testing/node-server.ts";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders } from "../src/testing/mod.ts";

let served: ServedHandler | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

describe("the simulator served by Node on loopback", () => {
  it("takes signed requests over real HTTP, the host and port as the client signed them", async () => {
    const { orders, ids } = demoOrders({ open: 120, filled: 0, canceled: 0, unknown: 0 });
    const sim = createHtxSimulator({ orders });
    served = await serveHandler(sim.fetch);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: served.url });
    const result = await htx.batchCancel({ orderIds: ids });
    expect(result.success).toEqual(ids);
    expect(sim.stats.batchCancelRequests).toBe(3);
  });

  it("breaks the connection for a dropped-connection fault, which the client sees as a network error", async () => {
    const sim = createHtxSimulator({
      faults: () => ({ type: "drop", after: true }),
      orders: [{ uid: 1, orderId: "1", state: "submitted" }],
    });
    served = await serveHandler(sim.fetch);
    const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: served.url, retry: 0 });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.unresolved[0]!.error).toBeInstanceOf(HtxNetworkError);
    expect(sim.getOrder(1, "1")!.state).toBe("cancelling");
  });

  it("after a lost answer, the retry reports the order as already cancelling or canceled", async () => {
    const sim = createHtxSimulator({
      faults: (_, n) => (n === 1 ? { type: "drop", after: true } : undefined),
      orders: [{ uid: 1, orderId: "1", state: "submitted" }],
    });
    served = await serveHandler(sim.fetch);
    const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: served.url, retry: { limit: 2, baseDelayMs: 0 } });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.failed).toEqual([
      expect.objectContaining({
        orderId: "1",
        errCode: "order-orderstate-error",
        state: expect.stringMatching(/^(cancelling|canceled)$/),
      }),
    ]);
  });
});
