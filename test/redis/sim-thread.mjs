// The simulator in a thread of its own (the machine has two cores, shared with the fleet's
// processes), served on loopback, so that its answers do not wait for the test's own thread.
// It records when each batch cancel arrives (this thread's clock). Messages: "stats" → the
// simulator's counters and the arrival times.
import { parentPort, workerData } from "node:worker_threads";
import { createHtxSimulator, demoOrders } from "../../dist/src/testing/mod.js";
import { serveHandler } from "../../dist/src/testing/node-server.js";

const { orders } = demoOrders({ open: workerData.orders, filled: 0, canceled: 0, unknown: 0 });
const sim = createHtxSimulator({ orders, rateLimit: { intervalMs: workerData.windowMs } });
const arrivals = [];
const served = await serveHandler((request) => {
  if (new URL(request.url).pathname.endsWith("batchcancel")) {
    arrivals.push(performance.now());
    if (arrivals.length === workerData.tellAfter) parentPort.postMessage({ arrived: arrivals.length });
  }
  return sim.fetch(request);
});
parentPort.postMessage({ url: served.url });
parentPort.on("message", async (message) => {
  if (message === "stats") parentPort.postMessage({ stats: structuredClone(sim.stats), arrivals });
  if (message === "close") {
    await served.close();
    parentPort.close();
  }
});
