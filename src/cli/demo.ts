/** `simulate` and `demo`: the offline HTX served on loopback. */
import { type CancelAllOpenResult, HtxClient } from "../client.ts";
import { HtxError, HtxInputError } from "../core/errors.ts";
import {
  createHtxSimulator,
  DEMO_ACCOUNT,
  demoOrders,
  type HtxSimulator,
  type SimulatedOrder,
  startOrderBot,
} from "../testing/mod.ts";
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
      // The demo key is public test data (DEMO_ACCOUNT), never a real key: printed so a client can sign.
      `  account: uid ${DEMO_ACCOUNT.uid}, HTX_ACCESS_KEY=${DEMO_ACCOUNT.accessKey} ` +
      `HTX_SECRET_KEY=${DEMO_ACCOUNT.secretKey} (HmacSHA256; the simulator's public test key)\n` +
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
export async function demo(
  options: { orders: number; latencyMs: number; deadlineMs?: number },
  streams: Streams,
): Promise<number> {
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
    const run = { onProgress: progress.update, deadlineMs: options.deadlineMs, sweep: false };
    const result = await htx.cancelAllOpen(undefined, run)
      .catch((error: unknown) => {
        if (!(error instanceof HtxError) || error instanceof HtxInputError) throw error;
        return error; // nothing was listed (e.g. --deadline-ms passed first): nothing was cancelled
      })
      .finally(() => {
        bot.stop();
        progress.end();
      });
    const elapsed = performance.now() - started;
    const left = sim.openOrders(DEMO_ACCOUNT.uid).length;
    if (result instanceof HtxError) {
      streams.out(
        `\nNOT confirmed empty after ${Math.round(elapsed)} ms: ${result.message} ` +
          `The simulator holds ${plural(left, "open order")}.\n`,
      );
      return 1;
    }
    streams.out(killSwitchSummary(result));
    const { text, violations } = closingLine(sim, { result, elapsed, placed: bot.placed.length, left });
    streams.out(text);
    return result.confirmedEmpty && left === 0 && violations === 0 ? 0 : 1;
  } finally {
    await served.close();
  }
}

/** What the demo came to, in one line that follows the result: confirmed gone, or not. */
function closingLine(
  sim: HtxSimulator,
  run: { result: CancelAllOpenResult; elapsed: number; placed: number; left: number },
): { text: string; violations: number } {
  const { byEndpoint } = sim.stats;
  const violations = Object.values(byEndpoint).reduce((sum, e) => sum + e.rateLimitViolations, 0);
  const { result, left } = run;
  const seen = `${plural(result.orders.length, "order")} (${run.placed} placed by the bot during the run)`;
  const ms = Math.round(run.elapsed);
  const outcome = !result.confirmedEmpty
    ? `NOT confirmed empty after ${ms} ms: of ${seen}, ${plural(result.stillOpen.length, "order")} may still be open`
    : left > 0
    ? `${seen} cancelled in ${ms} ms and the last listing found none, but orders were placed after it`
    : `${seen} cancelled and confirmed gone in ${ms} ms`;
  const text = `\n${outcome}: ${plural(byEndpoint["batch-cancel"].requests, "batch cancel")}, ` +
    `${plural(byEndpoint["open-orders"].requests, "open-order listing page")}, ` +
    `${plural(byEndpoint.accounts.requests, "account lookup")}; ` +
    `${plural(violations, "rate-limit violation")}; the simulator holds ${plural(left, "open order")}.\n`;
  return { text, violations };
}
