/** examples/cloudflare-worker in workerd, its outbound fetch to HTX routed to the simulator. */
import { bundleWorker, COMPATIBILITY_DATE } from "./workerd/bundle.ts";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders } from "../../src/testing/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TOKEN = "kill-switch-token-for-tests";
const book = demoOrders({ open: 120, filled: 2, canceled: 1, unknown: 2 });
const sim = createHtxSimulator({ orders: book.orders });
const outbound: string[] = [];
let mf: Miniflare;

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: await bundleWorker("examples/cloudflare-worker/src/index.ts"),
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: {
      HTX_ACCESS_KEY: DEMO_ACCOUNT.accessKey,
      HTX_SECRET_KEY: DEMO_ACCOUNT.secretKey,
      KILL_SWITCH_TOKEN: TOKEN,
      HTX_UID: "1",
    },
    durableObjects: { HTX_LIMITER: "HtxRateLimitObject" },
    outboundService: (request) => {
      outbound.push(new URL(request.url).host);
      return sim.fetch(request as unknown as Request) as never;
    },
  });
}, 60_000);
afterAll(() => mf?.dispose());

const cancel = (body: unknown, token = TOKEN) =>
  mf.dispatchFetch("https://kill.example/cancel", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("the kill-switch Worker example", () => {
  it("cancels every id through HTX (the simulator) and answers the full result", async () => {
    const response = await cancel({ orderIds: book.ids });
    expect(response.status).toBe(200);
    const result = (await response.json()) as {
      success: string[];
      failed: { state?: string }[];
      unresolved: unknown[];
    };
    expect(result.success).toEqual(book.ids.slice(0, 120));
    expect(result.failed.map((f) => f.state ?? "unknown")).toEqual([
      "filled",
      "filled",
      "canceled",
      "unknown",
      "unknown",
    ]);
    expect(result.unresolved).toEqual([]);
    expect(new Set(outbound)).toEqual(new Set(["api.huobi.pro"]));
    expect(sim.stats.batchCancelRequests).toBe(3);
  });

  it.each([["a wrong token", "not-the-token"], ["no token", ""]])(
    "refuses %s with 401 and sends nothing",
    async (_, token) => {
      const before = sim.stats.requests;
      const response = await cancel({ orderIds: ["1"] }, token);
      expect(response.status).toBe(401);
      expect(sim.stats.requests).toBe(before);
    },
  );

  it("answers bad input with 400 and the reason, sending nothing", async () => {
    const before = sim.stats.requests;
    const response = await cancel({ orderIds: [357631450723117] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/pass order ids as strings/);
    expect(sim.stats.requests).toBe(before);
  });

  it("answers other paths and methods with 404 and 405", async () => {
    expect((await mf.dispatchFetch("https://kill.example/")).status).toBe(404);
    expect((await mf.dispatchFetch("https://kill.example/cancel")).status).toBe(405);
  });
});
