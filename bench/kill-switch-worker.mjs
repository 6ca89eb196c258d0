// The simulator for the kill-switch rows in its own thread, on loopback with a fixed latency:
// `orders` open orders over five symbols. Messages: "reset" (a fresh book), "stats".
import { parentPort, workerData } from "node:worker_threads";
import { createHtxSimulator, demoOrders } from "../dist/src/testing/mod.js";
import { serveHandler } from "../dist/src/testing/node-server.js";

const SYMBOLS = ["btcusdt", "ethusdt", "solusdt", "xrpusdt", "dogeusdt"];
const book = () =>
  demoOrders({ open: workerData.orders, filled: 0, canceled: 0, unknown: 0 }).orders.map((order, i) => ({
    ...order,
    symbol: SYMBOLS[i % SYMBOLS.length],
  }));
const fresh = () =>
  createHtxSimulator({ orders: book(), faults: () => ({ type: "latency", ms: workerData.latencyMs }) });
let sim = fresh();
const served = await serveHandler((request) => sim.fetch(request));
parentPort.postMessage({ url: served.url });
parentPort.on("message", (message) => {
  if (message === "reset") {
    sim = fresh();
    parentPort.postMessage("reset");
  } else if (message === "stats") {
    parentPort.postMessage({ ...structuredClone(sim.stats), open: sim.openOrders(1).length });
  }
});
