// The simulator in its own thread (bench/sim-worker.mjs), served on loopback: its URL, and
// `ask("reset" | "stats")` for its answer.
import { Worker } from "node:worker_threads";

export async function simulatorThread({ orders, latencyMs }) {
  const worker = new Worker(new URL("./sim-worker.mjs", import.meta.url), { workerData: { orders, latencyMs } });
  const ask = (message) =>
    new Promise((resolve) => {
      worker.once("message", resolve);
      worker.postMessage(message);
    });
  const { url } = await new Promise((resolve) => worker.once("message", resolve));
  return { url, ask, terminate: () => worker.terminate() };
}
