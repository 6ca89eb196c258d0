// `npm run bench:peers`: the per-call, bundle, start-up and bulk rows for ccxt's htx
// cancelOrders beside htx-batch-cancel, measured in one run and reported as ratios. ccxt lives
// in this folder's own package.json and lock, never in the main package.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { simulatorThread } from "../sim-thread.mjs";
import { gzipSync } from "node:zlib";
import ccxt from "ccxt";
import { build } from "esbuild";
import { HtxClient } from "../../dist/mod.js";
import { killSwitchRows } from "./kill-switch.mjs";
import { demoOrders } from "../../dist/src/testing/mod.js";

const HERE = new URL("./", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;
const KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const rows = [];
const row = (name, unit, ours, theirs) =>
  rows.push({ name, unit, ours: median(ours), ccxt: median(theirs), ratio: median(theirs) / median(ours) });

/** ccxt's htx with markets stubbed (no request leaves the machine) and its fetch replaced. */
function ccxtHtx({ fetchImplementation, hostname, enableRateLimit }) {
  const exchange = new ccxt.htx({ apiKey: KEYS.accessKey, secret: KEYS.secretKey, enableRateLimit });
  exchange.markets = {}; // cancelOrders loads markets only when there are none
  if (fetchImplementation) exchange.fetchImplementation = fetchImplementation;
  if (hostname) {
    // ccxt signs with the host it sends to: both come from these two settings.
    exchange.urls.hostnames.spot = hostname;
    exchange.urls.api.spot = "http://{hostname}";
  }
  return exchange;
}

// Bundle size ---------------------------------------------------------------------------------
async function bundle(contents, resolveDir) {
  const out = await build({
    stdin: { contents, resolveDir },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    external: [
      "node:*",
      "http",
      "https",
      "net",
      "tls",
      "zlib",
      "crypto",
      "fs",
      "path",
      "url",
      "util",
      "stream",
      "os",
      "events",
      "buffer",
      "ws",
      "http-proxy-agent",
      "https-proxy-agent",
      "socks-proxy-agent",
      "protobufjs",
      "protobufjs/*",
    ],
    write: false,
    logLevel: "silent",
  });
  const bytes = out.outputFiles[0].contents;
  return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}
const ours = await bundle(`export { HtxClient } from "./mod.ts";`, ROOT);
const theirs = await bundle(`export { htx } from "ccxt";`, HERE);
row(
  "bundle, minified: all that import { HtxClient } / import { htx } can load, lazy parts too",
  "bytes",
  [ours.bytes],
  [theirs.bytes],
);
row("bundle, gzip", "bytes", [ours.gzip], [theirs.gzip]);

// Start-up ------------------------------------------------------------------------------------
const time = (cwd, code) => {
  const started = performance.now();
  execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd });
  return performance.now() - started;
};
const empty = [], oursStart = [], ccxtStart = [];
for (let i = 0; i < 9; i++) {
  empty.push(time(HERE, "0"));
  oursStart.push(time(ROOT, 'await import("./dist/mod.js")'));
  ccxtStart.push(time(HERE, 'await import("ccxt")'));
}
row("start-up over node -e 0", "ms", [median(oursStart) - median(empty)], [median(ccxtStart) - median(empty)]);

// Per-call cost -------------------------------------------------------------------------------
const body = JSON.stringify({ status: "ok", data: { success: ["1", "2"], failed: [] } });
const canned = () => Promise.resolve(new Response(body, { headers: { "content-type": "application/json" } }));
const htx = new HtxClient({ ...KEYS, fetch: canned, rateLimit: false });
const exchange = ccxtHtx({ fetchImplementation: canned, enableRateLimit: false });
const variants = {
  ours: () => htx.batchCancel({ orderIds: ["1", "2"] }),
  ccxt: () => exchange.cancelOrders(["1", "2"]),
};
const perCall = { ours: [], ccxt: [] };
async function micros(call, count) {
  const started = performance.now();
  for (let i = 0; i < count; i++) await call();
  return ((performance.now() - started) * 1000) / count;
}
for (const call of Object.values(variants)) await micros(call, 3000);
for (let round = 0; round < 7; round++) {
  for (const [name, call] of Object.entries(variants)) perCall[name].push(await micros(call, 2000));
}
row("per call: cancel 2 ids, canned answer", "µs", perCall.ours, perCall.ccxt);

// Bulk: the simulator in its own thread on loopback, 50 ms latency ------------------------------
const { url, ask, terminate } = await simulatorThread({ orders: 10_000, latencyMs: 50 });
const { ids } = demoOrders({ open: 10_000, filled: 0, canceled: 0, unknown: 0 });
const chunks = (list) => Array.from({ length: Math.ceil(list.length / 50) }, (_, i) => list.slice(i * 50, i * 50 + 50));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (const count of [2000, 10_000]) {
  const result = {};
  for (const who of ["ours", "ccxt"]) {
    await ask("reset");
    await sleep(2100);
    const started = performance.now();
    if (who === "ours") {
      await new HtxClient({ ...KEYS, baseUrl: url }).batchCancel({ orderIds: ids.slice(0, count) });
    } else {
      // The way a ccxt user would: their own loop of 50-id cancelOrders, ccxt's own throttle on.
      // ccxt's throttle lets more than 50 through in 2 s (HTX refuses the 51st): its user catches
      // RateLimitExceeded and sends that chunk again a window later.
      const client = ccxtHtx({ hostname: new URL(url).host, enableRateLimit: true });
      const cancel = async (chunk) => {
        for (;;) {
          try {
            return await client.cancelOrders(chunk);
          } catch (error) {
            if (!(error instanceof ccxt.RateLimitExceeded)) throw error;
            await sleep(2000);
          }
        }
      };
      await Promise.all(chunks(ids.slice(0, count)).map(cancel));
    }
    const ms = performance.now() - started;
    const stats = await ask("stats");
    if (stats.ordersCanceled !== count) throw new Error(`${who} cancelled ${stats.ordersCanceled} of ${count}`);
    result[who] = { ms, violations: stats.rateLimitViolations, requests: stats.batchCancelRequests };
  }
  row(
    `bulk: ${
      count.toLocaleString("en")
    } ids, 50 ms latency (ours: ${result.ours.requests} requests, ${result.ours.violations} refused for the rate; ccxt: ${result.ccxt.requests} requests, ${result.ccxt.violations} refused for the rate, each sent again 2 s later)`,
    "ms",
    [result.ours.ms],
    [result.ccxt.ms],
  );
}
await terminate();

// Kill switch: time to an empty, confirmed book (bench/peers/kill-switch.mjs) ------------------
const killSwitch = await killSwitchRows();
console.error(
  "kill switch runs, ms:",
  JSON.stringify(
    Object.fromEntries(Object.entries(killSwitch).map(([who, { runs }]) => [who, runs.map((r) => Math.round(r.ms))])),
  ),
);
row(
  "kill switch: 2,000 open orders over 5 symbols to an empty, confirmed book, 50 ms latency, median of 3 (ours: cancelAllOpen, " +
    "per-order class and symbol; ccxt: cancelAllOrders until 0, then fetchOpenOrders until empty, counts per call only)",
  "ms",
  killSwitch.ours.runs.map((run) => run.ms),
  killSwitch.ccxt.runs.map((run) => run.ms),
);

const lines = [
  `htx-batch-cancel vs ccxt ${ccxt.version} (htx), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}`,
  "",
  "| row | htx-batch-cancel | ccxt | ccxt ÷ ours |",
  "|---|---|---|---|",
  ...rows.map((r) => `| ${r.name} | ${fmt(r.ours)} ${r.unit} | ${fmt(r.ccxt)} ${r.unit} | ${r.ratio.toFixed(2)}× |`),
];
console.log(lines.join("\n"));
if (process.argv.includes("--json")) {
  writeFileSync(
    new URL("../results/peers.json", import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), ccxt: ccxt.version, rows }, null, 2)}\n`,
  );
}
process.exit(0);
