import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { HtxClient, HtxNetworkError } from "../mod.ts";
import { type ServedHandler, serveHandler } from "../src/testing/node-server.ts";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders } from "../src/testing/mod.ts";
import { signed } from "./simulator-requests.ts";

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
      cancelSettleMs: 60_000, // "cancelling" must not depend on how fast this machine is
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

  it("tells the simulator the peer's IP, so a key bound to other IPs is refused and one bound to loopback passes", async () => {
    const sim = createHtxSimulator({
      accounts: [
        { ...DEMO_ACCOUNT, allowedIps: ["127.0.0.1"] },
        { uid: 2, accessKey: "elsewhere", secretKey: "s2", allowedIps: ["203.0.113.7"] },
      ],
      defaultClientIp: "203.0.113.7", // proves the address came from the socket, not the default
    });
    served = await serveHandler(sim.fetch);
    const loopback = await fetch(await signed({ origin: served.url, method: "GET" }));
    expect(await loopback.json()).toMatchObject({ status: "ok" });
    const other = await fetch(
      await signed({ origin: served.url, method: "GET", accessKey: "elsewhere", secretKey: "s2" }),
    );
    expect(await other.json()).toMatchObject({
      "err-msg": expect.stringMatching(/Incorrect IP address.*:127\.0\.0\.1$/),
    });
  });

  it("answers a GET that carries a body with HTTP 403 over real HTTP", async () => {
    const sim = createHtxSimulator();
    served = await serveHandler(sim.fetch);
    const url = new URL((await signed({ origin: served.url, method: "GET" })).url);
    const body = '{"symbol":"btcusdt"}';
    const headers = { "Content-Type": "application/json", "Content-Length": String(body.length) };
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: "GET", headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(403);
    expect(sim.stats.rejections).toEqual({ "get-with-body": 1 });
  });
});
