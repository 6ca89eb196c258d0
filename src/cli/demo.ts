/** `simulate` and `demo`: the offline HTX served on loopback. */
import { HtxClient } from "../client.ts";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders, type SimulatedOrder, startOrderBot } from "../testing/mod.ts";
import { serveHandler } from "../testing/node-server.ts";
import { killSwitchSummary, plural, progressReporter, type Streams } from "./output.ts";

/** The demo's book: open orders over these symbols, buys and sells. */
const DEMO_SYMBOLS = ["btcusdt", "ethusdt", "solusdt", "xrpusdt", "dogeusdt"];
/** How long the demo's bot keeps placing orders, and how fast. */
const BOT = { forMs: 1000, everyMs: 50, perTick: 5 };

/**
 * Serves the simulator until the process is stopped; resolves with nothing (after saying why)
 * when the port is taken.
 */
export async function simulate(
  options: { port: number; orders: number; latencyMs: number },
  streams: Streams,
): Promise<{ close(): Promise<void> } | undefined> {
  const { orders, ids } = demoOrders({ open: options.orders, filled: 0, canceled: 0, unknown: 0 });
  const sim = createHtxSimulator({
    orders,
    faults: options.latencyMs > 0 ? () => ({ type: "latency", ms: options.latencyMs }) : undefined,
  });
  let served;
  try {
    served = await serveHandler(sim.fetch, { port: options.port });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === "EADDRINUSE" ? "is already in use" : `cannot be listened on (${String(code ?? error)})`;
    streams.err(`htx-batch-cancel: port ${options.port} on 127.0.0.1 ${why}; pick another with --port.\n`);
    return undefined;
  }
  streams.out(
    `HTX simulator on ${served.url} (Ctrl-C to stop)\n` +
      `  account: uid ${DEMO_ACCOUNT.uid}, AccessKeyId ${DEMO_ACCOUNT.accessKey} (secret: see README, "Simulator")\n` +
      `  ${plural(orders.length, "open order")}${ids.length > 0 ? `, ids ${ids[0]} to ${ids.at(-1)}` : ""}\n` +
      `  latency: ${options.latencyMs} ms\n`,
  );
  return served;
}

/** `count` open orders of the demo account over {@link DEMO_SYMBOLS}, 18-digit ids. */
function demoBook(count: number): SimulatedOrder[] {
  const { orders } = demoOrders({ open: count, filled: 0, canceled: 0, unknown: 0 });
  return orders.map((order, i) => ({
    ...order,
    symbol: DEMO_SYMBOLS[i % DEMO_SYMBOLS.length]!,
    type: i % 2 === 0 ? "buy-limit" : "sell-limit",
  }));
}

/**
 * The kill switch against a simulator on loopback: a book of open orders, a bot still placing
 * orders for the first second, every order cancelled and the book confirmed empty.
 */
export async function demo(options: { orders: number; latencyMs: number }, streams: Streams): Promise<number> {
  const sim = createHtxSimulator({
    orders: demoBook(options.orders),
    faults: options.latencyMs > 0 ? () => ({ type: "latency", ms: options.latencyMs }) : undefined,
  });
  const served = await serveHandler(sim.fetch);
  try {
    streams.err(
      `Simulator on ${served.url}: ${plural(options.orders, "open order")} over ${DEMO_SYMBOLS.length} symbols, ` +
        `${options.latencyMs} ms latency; a bot places ${BOT.perTick} more every ${BOT.everyMs} ms for ` +
        `the first ${BOT.forMs} ms.\nKill switch: list, cancel, list again until nothing is left…\n`,
    );
    const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: served.url });
    const progress = progressReporter(streams, false);
    const bot = startOrderBot(sim, { uid: DEMO_ACCOUNT.uid, symbols: DEMO_SYMBOLS, ...BOT });
    const started = performance.now();
    // By id only: each order then has HTX's own answer to show (the sweep answers counts only).
    const result = await htx.cancelAllOpen(undefined, { onProgress: progress.update, sweep: false });
    const elapsed = performance.now() - started;
    bot.stop();
    progress.end();
    streams.out(killSwitchSummary(result));
    const { byEndpoint } = sim.stats;
    const violations = Object.values(byEndpoint).reduce((sum, e) => sum + e.rateLimitViolations, 0);
    const left = sim.openOrders(DEMO_ACCOUNT.uid).length;
    streams.out(
      `\n${plural(result.orders.length, "order")} (${bot.placed.length} placed by the bot during the run) ` +
        `cancelled and confirmed gone in ${Math.round(elapsed)} ms: ` +
        `${plural(byEndpoint["batch-cancel"].requests, "batch cancel")}, ` +
        `${plural(byEndpoint["open-orders"].requests, "open-order listing page")}, ` +
        `${plural(byEndpoint.accounts.requests, "account lookup")}; ` +
        `${plural(violations, "rate-limit violation")}; the simulator holds ${plural(left, "open order")}.\n`,
    );
    return result.confirmedEmpty && left === 0 && violations === 0 ? 0 : 1;
  } finally {
    await served.close();
  }
}
