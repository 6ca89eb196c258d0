/** Redirects, base URLs and clock skew, against real HTTP and the simulator. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HtxApiError, HtxClient, HtxHttpError, HtxInputError } from "../mod.ts";
import { type ServedHandler, serveHandler } from "../src/testing/node-server.ts";
import { createHtxSimulator, DEMO_ACCOUNT } from "../src/testing/mod.ts";
import { everyRendering, KEYS, leaks } from "./helpers.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    handler!(req, res);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      closers.push(() => new Promise((done) => server.close(() => done())));
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits });
    });
  });
}

describe("redirects are never followed (a signed URL is a credential)", () => {
  it.each([301, 302, 307, 308])("a %i to another listener: 0 hits there, an HtxHttpError here", async (status) => {
    const elsewhere = await listen((_, res) => res.end("{}"));
    const htx = await listen((req, res) => {
      res.writeHead(status, { location: `${elsewhere.url}${req.url}` });
      res.end();
    });
    const client = new HtxClient({ ...KEYS, baseUrl: htx.url });
    const result = await client.batchCancel({ orderIds: ["1", "2"] });
    expect(elsewhere.hits()).toBe(0);
    expect(htx.hits()).toBe(1); // not retried either
    expect(result.unresolved.map((u) => u.id)).toEqual(["1", "2"]);
    const error = result.unresolved[0]!.error;
    expect(error).toBeInstanceOf(HtxHttpError);
    expect(error).toMatchObject({ status, retryable: false });
    expect(leaks(everyRendering(result))).toEqual([]);
  });
});

describe("base URLs that would expose a signed URL are refused", () => {
  it.each([
    ["http to a public host", "http://api.huobi.pro", /must use https/],
    ["http to a private address", "http://192.168.1.10:8080", /only for loopback/],
    ["a path", "https://api.huobi.pro/proxy", /without a path/],
    ["a query", "https://api.huobi.pro?x=1", /query/],
    ["credentials", "https://user:pass@api.huobi.pro", /user name or password/],
  ])("%s", (_, baseUrl, message) => {
    expect(() => new HtxClient({ ...KEYS, baseUrl })).toThrow(HtxInputError);
    expect(() => new HtxClient({ ...KEYS, baseUrl })).toThrow(message);
  });
});

describe("clock skew against the simulator on loopback", () => {
  let served: ServedHandler | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  async function skewed(skewMs: number) {
    const orders = Array.from(
      { length: 120 },
      (_, i) => ({ uid: 1, orderId: String(5000 + i), state: "submitted" as const }),
    );
    const sim = createHtxSimulator({ orders, now: () => Date.now() + skewMs });
    served = await serveHandler(sim.fetch);
    return { sim, ids: orders.map((o) => o.orderId), baseUrl: served.url };
  }

  it.each([["ahead", 600_000], ["behind", -600_000]])(
    "with HTX's clock 10 min %s: stale answer, /v1/common/timestamp read, every id submitted",
    async (_, skew) => {
      const { sim, ids, baseUrl } = await skewed(skew);
      const result = await new HtxClient({ ...DEMO_ACCOUNT, baseUrl }).batchCancel({ orderIds: ids });
      expect(result.success).toEqual(ids);
      expect(sim.stats.rejections["stale-timestamp"]).toBeGreaterThanOrEqual(1);
      expect(sim.stats.byErrCode["api-signature-not-valid"]).toBe(sim.stats.rejections["stale-timestamp"]);
      expect(sim.stats.requests - sim.stats.batchCancelRequests).toBe(1); // one timestamp read for all chunks
    },
  );

  it("with syncTime: false, the ids end unresolved with an HtxApiError saying the clock is off", async () => {
    const { ids, baseUrl } = await skewed(600_000);
    const result = await new HtxClient({ ...DEMO_ACCOUNT, baseUrl, syncTime: false }).batchCancel({ orderIds: ids });
    expect(result.unresolved).toHaveLength(120);
    for (const { error } of result.unresolved) {
      expect(error).toBeInstanceOf(HtxApiError);
      expect(error.message).toMatch(/clock is off/);
    }
  });
});
