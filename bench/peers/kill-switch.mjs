// The kill-switch row of `npm run bench:peers` (also `node bench/peers/kill-switch.mjs` after
// `npm run build`): time to an empty, confirmed book of 2,000 open orders over 5 symbols at
// 50 ms latency. Ours: `cancelAllOpen()`. ccxt: what a ccxt user writes: `cancelAllOrders()`
// (HTX's batchCancelOpenOrders, 100 orders a call) until a call cancels nothing, then
// `fetchOpenOrders()` until it lists nothing. The simulator (bench/kill-switch-worker.mjs, the
// main bench's, with its batchCancelOpenOrders route and budget) runs in its own thread.
import { simulatorThread } from "../sim-thread.mjs";
import ccxt from "ccxt";
import { HtxClient } from "../../dist/mod.js";

const KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };
const ORDERS = 2000;
const LATENCY_MS = 50;
const ROUNDS = 3;

function ccxtHtx(url) {
  const exchange = new ccxt.htx({ apiKey: KEYS.accessKey, secret: KEYS.secretKey, enableRateLimit: true });
  exchange.markets = {}; // no market download: the calls below need none
  exchange.urls.hostnames.spot = new URL(url).host;
  exchange.urls.api.spot = "http://{hostname}";
  return exchange;
}

/** ccxt's way: cancel by criteria until nothing is cancelled, then list until nothing is listed. */
async function ccxtKillSwitch(url) {
  const exchange = ccxtHtx(url);
  const counts = [];
  for (;;) {
    const [{ info }] = await exchange.cancelAllOrders();
    counts.push(Number(info["success-count"]));
    if (Number(info["success-count"]) === 0) break;
  }
  let listed;
  let listings = 0;
  do {
    listed = await exchange.fetchOpenOrders();
    listings++;
  } while (listed.length > 0);
  return { calls: counts.length, listings, perOrder: "counts per call only", firstIds: [] };
}

async function oursKillSwitch(url) {
  const result = await new HtxClient({ ...KEYS, baseUrl: url }).cancelAllOpen();
  if (!result.confirmedEmpty) throw new Error("ours: not confirmed empty");
  return {
    listings: result.listings,
    accounted: result.success.length + result.failed.length + result.unresolved.length,
  };
}

/** Runs both against a fresh book each; returns the rows. */
export async function killSwitchRows() {
  const { url, ask, terminate } = await simulatorThread({
    orders: ORDERS,
    latencyMs: LATENCY_MS,
    script: "kill-switch-worker.mjs",
  });
  const rows = { ours: { runs: [] }, ccxt: { runs: [] } };
  // Three rounds, alternating (ours, ccxt, ours, …), each on a fresh book: the medians are compared.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [who, run] of [["ours", oursKillSwitch], ["ccxt", ccxtKillSwitch]]) {
      await ask("reset");
      await new Promise((resolve) => setTimeout(resolve, 2100)); // a fresh rate-limit window
      const started = performance.now();
      const detail = await run(url);
      const ms = performance.now() - started;
      const stats = await ask("stats");
      if (stats.open !== 0) throw new Error(`${who}: ${stats.open} orders still open`);
      rows[who].runs.push({ ms, detail, stats });
    }
  }
  for (const side of Object.values(rows)) {
    side.ms = [...side.runs.map((r) => r.ms)].sort((a, b) => a - b)[side.runs.length >> 1];
  }
  await terminate();
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await killSwitchRows();
  for (const [who, { runs }] of Object.entries(rows)) {
    for (const { ms, detail, stats } of runs) {
      const requests = Object.entries(stats.byEndpoint).filter(([, e]) => e.requests > 0)
        .map(([name, e]) => `${name} ${e.requests} (${e.rateLimitViolations} violations)`);
      console.log(
        `${who}: ${Math.round(ms)} ms to an empty, confirmed book of ${ORDERS} orders at ${LATENCY_MS} ms; ` +
          `${requests.join(", ")}; ${JSON.stringify(detail)}`,
      );
    }
  }
  process.exit(0);
}
