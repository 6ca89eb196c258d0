/** `simulate` and `demo`: the offline HTX served on loopback. */
import { HtxClient } from "../client.ts";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders } from "../testing/mod.ts";
import { serveHandler } from "../testing/node-server.ts";
import { progressReporter, type Streams, summary } from "./output.ts";

/** Serves the simulator until the process is stopped. */
export async function simulate(
  options: { port: number; orders: number; latencyMs: number },
  streams: Streams,
): Promise<{ close(): Promise<void> }> {
  const { orders, ids } = demoOrders({ open: options.orders, filled: 0, canceled: 0, unknown: 0 });
  const sim = createHtxSimulator({
    orders,
    faults: options.latencyMs > 0 ? () => ({ type: "latency", ms: options.latencyMs }) : undefined,
  });
  const served = await serveHandler(sim.fetch, { port: options.port });
  streams.out(
    `HTX simulator on ${served.url} (Ctrl-C to stop)\n` +
      `  account: uid ${DEMO_ACCOUNT.uid}, AccessKeyId ${DEMO_ACCOUNT.accessKey} (secret: see README, "Simulator")\n` +
      `  ${orders.length} open orders${ids.length > 0 ? `, ids ${ids[0]} to ${ids.at(-1)}` : ""}\n` +
      `  latency: ${options.latencyMs} ms\n`,
  );
  return served;
}

/** Cancels a demo book through the simulator on loopback and prints what happened. */
export async function demo(options: { orders: number; latencyMs: number }, streams: Streams): Promise<number> {
  const { orders, ids } = demoOrders({ open: options.orders });
  const sim = createHtxSimulator({
    orders,
    faults: options.latencyMs > 0 ? () => ({ type: "latency", ms: options.latencyMs }) : undefined,
  });
  const served = await serveHandler(sim.fetch);
  try {
    streams.err(
      `Simulator on ${served.url}: ${orders.filter((o) => o.state === "submitted").length} open orders, ` +
        `${orders.length - options.orders} filled or canceled, ${ids.length - orders.length} unknown ids; ` +
        `${options.latencyMs} ms latency.\nCancelling ${ids.length} ids in ${Math.ceil(ids.length / 50)} requests…\n`,
    );
    const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: served.url });
    const progress = progressReporter(streams, false);
    const started = performance.now();
    const result = await htx.batchCancel({ orderIds: ids }, { onProgress: progress.update });
    const elapsed = performance.now() - started;
    progress.end();
    streams.out(summary(result));
    const { batchCancelRequests, rateLimitViolations, maxRequestsInWindow } = sim.stats;
    streams.out(
      `\n${batchCancelRequests} requests in ${Math.round(elapsed)} ms; the simulator counted ` +
        `${rateLimitViolations} rate-limit violations (at most ${maxRequestsInWindow} requests in any 2 s).\n`,
    );
    const accounted = result.success.length + result.failed.length + result.unresolved.length;
    return accounted === ids.length && rateLimitViolations === 0 ? 0 : 1;
  } finally {
    await served.close();
  }
}
