// The simulator in its own thread (the machine has two cores), served on loopback with a fixed
// latency, so the client under test does not share its thread. Messages: "stats", "reset".
import { parentPort, workerData } from "node:worker_threads";
import { createHtxSimulator, demoOrders } from "../dist/src/testing/mod.js";
import { serveHandler } from "../dist/src/testing/node-server.js";

const { orders } = demoOrders({ open: workerData.orders, filled: 0, canceled: 0, unknown: 0 });
let sim = createHtxSimulator({ orders, faults: () => ({ type: "latency", ms: workerData.latencyMs }) });
const served = await serveHandler((request) => sim.fetch(request));
parentPort.postMessage({ url: served.url });
parentPort.on("message", (message) => {
  if (message === "reset") {
    sim = createHtxSimulator({ orders, faults: () => ({ type: "latency", ms: workerData.latencyMs }) });
    parentPort.postMessage("reset");
  } else if (message === "stats") {
    parentPort.postMessage(structuredClone(sim.stats));
  }
});
