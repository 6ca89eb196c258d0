// The simulator in its own thread for the kill-switch row, with one route the simulator lacks:
// POST /v1/order/orders/batchCancelOpenOrders, which ccxt's htx cancelAllOrders calls. The shim
// answers as HTX documents it ({ success-count, failed-count, next-id }, up to `size` ≤ 100
// orders per call, 50 calls per 2 s per UID) and cancels through the simulator's own batch-cancel
// route, so order states and settling are the simulator's. It does not verify the signature of
// that one route (the other routes are the simulator's, signatures checked).
import { parentPort, workerData } from "node:worker_threads";
import { createBatchCancelRequest } from "../../dist/mod.js";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders } from "../../dist/src/testing/mod.js";
import { serveHandler } from "../../dist/src/testing/node-server.js";

const SYMBOLS = ["btcusdt", "ethusdt", "solusdt", "xrpusdt", "dogeusdt"];
const PATH = "/v1/order/orders/batchCancelOpenOrders";
const book = () =>
  demoOrders({ open: workerData.orders, filled: 0, canceled: 0, unknown: 0 }).orders.map((order, i) => ({
    ...order,
    symbol: SYMBOLS[i % SYMBOLS.length],
  }));
const latency = () => ({ type: "latency", ms: workerData.latencyMs });
let sim = createHtxSimulator({ orders: book(), faults: latency });
let calls = [];
const stats = { requests: 0, rateLimitViolations: 0 };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function batchCancelOpenOrders(request) {
  stats.requests++;
  const now = Date.now();
  calls = calls.filter((t) => t > now - 2000);
  if (calls.length >= 50) {
    stats.rateLimitViolations++;
    await sleep(workerData.latencyMs);
    return Response.json({ status: "error", "err-code": "base-request-exceed-frequency-limit", "err-msg": "limit" });
  }
  calls.push(now);
  const body = await request.json().catch(() => ({}));
  const size = Math.min(100, Number(body.size ?? 100));
  const symbols = body.symbol ? new Set(String(body.symbol).split(",")) : undefined;
  const open = sim.openOrders(DEMO_ACCOUNT.uid)
    .filter((o) => o.state !== "cancelling" && (!symbols || symbols.has(o.symbol)))
    .slice(0, size);
  let success = 0;
  if (open.length === 0) await sleep(workerData.latencyMs);
  const origin = new URL(request.url).origin;
  // In-process, through the simulator's latency: about the call's one round trip.
  await Promise.all(
    [open.slice(0, 50), open.slice(50)].filter((ids) => ids.length > 0).map(async (chunk) => {
      const cancel = await createBatchCancelRequest({ orderIds: chunk.map((o) => o.orderId) }, DEMO_ACCOUNT, {
        baseUrl: origin,
      });
      success += (await (await sim.fetch(cancel)).json()).data.success.length;
    }),
  );
  return Response.json({
    status: "ok",
    data: { "success-count": success, "failed-count": open.length - success, "next-id": -1 },
  });
}

const served = await serveHandler((request) =>
  new URL(request.url).pathname === PATH ? batchCancelOpenOrders(request) : sim.fetch(request)
);
parentPort.postMessage({ url: served.url });
parentPort.on("message", (message) => {
  if (message === "reset") {
    sim = createHtxSimulator({ orders: book(), faults: latency });
    calls = [];
    stats.requests = stats.rateLimitViolations = 0;
    parentPort.postMessage("reset");
  } else if (message === "stats") {
    parentPort.postMessage({ sim: structuredClone(sim.stats), shim: { ...stats }, open: sim.openOrders(1).length });
  }
});
