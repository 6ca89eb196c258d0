// The kill-switch rows of `npm run bench` (also `node bench/kill-switch.mjs` after `npm run
// build`): 20,000 open orders over 5 symbols at 50 ms latency to a confirmed-empty book, with
// the sweep (both budgets) and without (by id only), against the two-budget bound in the same
// run; and how long after the first page's arrival the first cancel leaves, against one round trip.
import { simulatorThread } from "./sim-thread.mjs";
import { HtxClient } from "../dist/mod.js";

const KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };
const ORDERS = 20_000;
const LATENCY_MS = 50;
/** Both budgets at HTX's limits: 50 × 50 ids + 50 × 100 orders per 2 s = 3,750 orders/s. */
const TWO_BUDGET_BOUND_MS = (ORDERS / 3750) * 1000;

/** One run: a fresh book, a fresh client; the time to a confirmed-empty book and when the first cancel left. */
async function runOnce(ask, url, sweep) {
  await ask("reset");
  await new Promise((resolve) => setTimeout(resolve, 2100)); // a fresh rate-limit window
  let firstPage, firstCancel;
  const fetch = async (target, init) => {
    const path = new URL(target).pathname;
    if (path === "/v1/order/orders/batchcancel") firstCancel ??= performance.now();
    const response = await globalThis.fetch(target, init);
    if (path === "/v1/order/openOrders") firstPage ??= performance.now();
    return response;
  };
  const htx = new HtxClient({ ...KEYS, baseUrl: url, fetch });
  const started = performance.now();
  const result = await htx.cancelAllOpen(undefined, { sweep, deadlineMs: 60_000 });
  const ms = performance.now() - started;
  const stats = await ask("stats");
  if (!result.confirmedEmpty || stats.open !== 0) throw new Error(`kill switch: ${stats.open} orders left open`);
  return { ms, firstCancelMs: firstCancel - firstPage, violations: stats.rateLimitViolations };
}

/** Runs the rows; `row` is bench/index.mjs's row(). */
export async function killSwitchRows(row) {
  const { url, ask, terminate } = await simulatorThread({
    orders: ORDERS,
    latencyMs: LATENCY_MS,
    script: "kill-switch-worker.mjs",
  });
  const swept = [], byId = [];
  for (let run = 0; run < 3; run++) swept.push(await runOnce(ask, url, true));
  byId.push(await runOnce(ask, url, false));
  await terminate();
  const name = `kill switch: ${ORDERS.toLocaleString("en")} open orders, 5 symbols, ${LATENCY_MS} ms latency`;
  row(`${name}, sweep on`, "ms", swept.map((r) => r.ms), "two-budget bound (3,750/s)", [TWO_BUDGET_BOUND_MS], "≤ 8 s");
  row(`${name}, by id only (sweep: false)`, "ms", byId.map((r) => r.ms), "sweep on, same run", swept.map((r) => r.ms));
  row(
    "kill switch: first cancel after the first page arrives",
    "ms",
    swept.map((r) => r.firstCancelMs),
    "one round trip",
    [LATENCY_MS],
    "≤ 1 RTT",
  );
  return { violations: Math.max(...swept.map((r) => r.violations), ...byId.map((r) => r.violations)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = [];
  const row = (name, unit, samples, baseline, baselineSamples, target) => {
    const median = [...samples].sort((a, b) => a - b)[samples.length >> 1];
    rows.push({
      name,
      unit,
      median: Math.round(median),
      samples: samples.map(Math.round),
      baseline,
      ratio: median / baselineSamples[0],
      target,
    });
  };
  const { violations } = await killSwitchRows(row);
  console.log(JSON.stringify({ rows, violations }, null, 2));
  process.exit(0);
}
