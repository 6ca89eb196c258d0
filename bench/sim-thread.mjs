// The simulator in its own thread, served on loopback: its URL, and `ask("reset" | "stats")` for
// its answer. `script`: the thread's module in bench/, bench/sim-worker.mjs (a book of ids) by
// default, or bench/kill-switch-worker.mjs (open orders over five symbols).
import { Worker } from "node:worker_threads";

export async function simulatorThread({ orders, latencyMs, script = "sim-worker.mjs" }) {
  const worker = new Worker(new URL(`./${script}`, import.meta.url), { workerData: { orders, latencyMs } });
  const ask = (message) =>
    new Promise((resolve) => {
      worker.once("message", resolve);
      worker.postMessage(message);
    });
  const { url } = await new Promise((resolve) => worker.once("message", resolve));
  return { url, ask, terminate: () => worker.terminate() };
}
