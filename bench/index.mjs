// `npm run bench`: size, start-up, per-call cost, bulk-cancel time and memory, each row the
// median of several runs with its spread, and a ratio against a baseline measured in the
// same run. `--json` also writes bench/results/latest.json. Needs `npm run build` (the npm
// script does it). Not part of `npm test`: timings belong here, not in assertions.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { bundleSize } from "./bundle-size.mjs";
import { HtxClient, nativeHmac, nobleHmac, webCryptoHmac } from "../dist/mod.js";
import { floorClient } from "./floor.mjs";
import { firstRequestRows } from "./first-request.mjs";
import { simulatorThread } from "./sim-thread.mjs";
import { SIGNING_TEXT } from "./hmac-text.mjs";
import { benchTable, fmt } from "./table.mjs";

/** The project's Ed25519 test key (test/fixtures-ed25519/vectors.ts): signs nothing real. */
const ED25519_TEST_KEY = "-----BEGIN PRIVATE KEY-----\n" +
  "MC4CAQAwBQYDK2VwBCIEIDP3ovY6M8ZBI5Gn5v8lk184tZX/72lsI0U/EGCCNiqF\n-----END PRIVATE KEY-----\n";

const ROOT = new URL("../", import.meta.url).pathname;
const rows = [];
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const spread = (xs) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;

function row(name, unit, samples, baselineName, baselineSamples, target) {
  const value = median(samples);
  const base = baselineSamples ? median(baselineSamples) : undefined;
  rows.push({
    name,
    unit,
    median: value,
    spread: spread(samples),
    runs: samples.length,
    baseline: baselineName,
    baselineMedian: base,
    ratio: base ? value / base : undefined,
    target,
  });
}

// 1. Bundle size ------------------------------------------------------------------------------
// Split at dynamic imports (bench/bundle-size.mjs): "with the import" is what a cold start loads
// and parses; "with its on-demand chunks" adds the engine, the kill switch, the answer reader
// (valibot) and noble, which load on first use (a single-file bundler such as wrangler's still
// ships them). `import { HtxClient }` is measured tree-shaken, as Rollup or Vite ship it: the
// class and what it imports. esbuild --splitting through the package index also loads every
// module the index re-exports (evanw/esbuild#1892), shown on its own row.
async function bundle(contents, loader = "ts") {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  const bytes = out.outputFiles[0].contents;
  return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}
const floorBundle = await bundle(`export { floorClient } from "./bench/floor-portable.mjs";`);
for (
  const [name, entry] of [
    ["bundle: import { HtxClient }", `export { HtxClient } from "./src/client.ts";`],
    ["bundle: all of mod.ts", `export * from "./mod.ts";`],
  ]
) {
  const { initial, total } = await bundleSize(entry);
  const client = name.includes("HtxClient");
  row(`${name}, with the import (min)`, "bytes", [initial.bytes], "floor client", [floorBundle.bytes]);
  row(
    `${name}, with the import (gzip)`,
    "bytes",
    [initial.gzip],
    "floor client",
    [floorBundle.gzip],
    client ? "≤ 6,144 B gzip" : undefined,
  );
  row(`${name}, with its on-demand chunks (gzip)`, "bytes", [total.gzip], "floor client", [floorBundle.gzip]);
}
{
  const { asEmitted } = await bundleSize(`export { HtxClient } from "./mod.ts";`);
  row(
    "bundle: import { HtxClient } through the index, as esbuild --splitting emits it (gzip)",
    "bytes",
    [asEmitted.gzip],
    "floor client",
    [floorBundle.gzip],
  );
}

// What a user's bundler keeps of the published dist/ when it bundles one file, as wrangler does
// for a Worker: only what the import uses (every file imports the index's; test/build-output.test.ts
// holds that it keeps no HtxClient here). All of it, packages and on-demand chunks included.
for (
  const [name, contents] of [
    ["HtxInputError alone", `export { HtxInputError } from "./dist/mod.js";`],
    [
      "the Worker's limiter (durableObjectLimiter, HtxRateLimitObject)",
      `export { durableObjectLimiter, HtxRateLimitObject } from "./dist/src/cloudflare.js";`,
    ],
  ]
) {
  const { gzip } = await bundle(contents, "js");
  row(
    `bundle: ${name} from the published dist/, one file as wrangler bundles it (gzip)`,
    "bytes",
    [gzip],
    "floor client",
    [floorBundle.gzip],
  );
}

// 2. Start-up ---------------------------------------------------------------------------------
const empty = [];
const emptyModule = [];
const imported = [];
const time = (args) => {
  const started = performance.now();
  execFileSync(process.execPath, args, { cwd: ROOT });
  return performance.now() - started;
};
const EMPTY_MODULE = `data:text/javascript,export {}`;
// The command a terminal runs: 50 ids, validated, signed and printed, nothing sent.
const cli = [];
const CLI_ARGS = [
  "dist/src/cli.cjs",
  "--dry-run",
  "--order-ids",
  Array.from({ length: 50 }, (_, i) => String(357631450723117 + i)).join(","),
];
const CLI_ENV = { ...process.env, HTX_ACCESS_KEY: "bench-access-key", HTX_SECRET_KEY: "bench-secret-key" };
const timeCli = () => {
  const started = performance.now();
  execFileSync(process.execPath, CLI_ARGS, { cwd: ROOT, env: CLI_ENV });
  return performance.now() - started;
};
const cliFloor = [];
// Interleaved, so drift in the machine's speed hits every variant alike; a variant's cost over
// its baseline is the median of the differences within each round (paired), which that drift
// does not move, rather than the difference of two medians, which it does.
for (let i = 0; i < 25; i++) {
  cli.push(timeCli());
  cliFloor.push(time(["bench/cli-floor.mjs"]));
  empty.push(time(["-e", "0"]));
  emptyModule.push(time(["--input-type=module", "-e", `await import(${JSON.stringify(EMPTY_MODULE)})`]));
  imported.push(time(["--input-type=module", "-e", 'await import("./dist/mod.js")']));
}
const pairedOver = (samples, baseline) => median(samples.map((x, i) => x - baseline[i]));
function startUpRow(name, samples, baselineName, baseline, target) {
  row(name, "ms", samples, baselineName, baseline, target);
  rows.at(-1).overBaseline = pairedOver(samples, baseline);
}
startUpRow("start-up: an empty ES module import", emptyModule, "node -e 0", empty);
startUpRow("start-up: import the built module", imported, "node -e 0", empty);
startUpRow(
  "start-up: import the built module",
  imported,
  "an empty ES module import",
  emptyModule,
  "≤ +12 ms over the empty import",
);
startUpRow("start-up: htx-batch-cancel --dry-run, 50 ids", cli, "node -e 0", empty, "≤ +25 ms over node -e 0");
startUpRow("start-up: an ES module that prints one HMAC signature", cliFloor, "node -e 0", empty);
startUpRow(
  "start-up: htx-batch-cancel --dry-run, 50 ids",
  cli,
  "an ES module that prints one HMAC signature",
  cliFloor,
);

// First call in a fresh process: what loading the engine and the answer reader on first use (and
// preparing the key, and the JIT's warm-up) costs, against a canned answer (no round trip to hide
// it behind), over the second call of the same process.
const FIRST_CALL = `const { HtxClient } = await import("./dist/mod.js");
  const body = '{"status":"ok","data":{"success":["1","2"],"failed":[]}}';
  const htx = new HtxClient({ accessKey: "a", secretKey: "s", rateLimit: false, fetch: async () => new Response(body) });
  const call = async () => { const t = performance.now(); await htx.batchCancel({ orderIds: ["1", "2"] }); return performance.now() - t; };
  const first = await call();
  console.log(JSON.stringify([first, await call()]));`;
const firstCall = [];
const secondCall = [];
for (let i = 0; i < 9; i++) {
  const [first, second] = JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", FIRST_CALL], { cwd: ROOT, encoding: "utf8" }),
  );
  firstCall.push(first);
  secondCall.push(second);
}
row("first call: batchCancel(2 ids), fresh process, canned answer", "ms", firstCall, "its second call", secondCall);
rows.at(-1).overBaseline = median(firstCall) - median(secondCall);

// The first request of a fresh process, on Node, Deno and Bun, the CLI's kill-switch dry run, and
// where the first call's time goes (bench/first-request.mjs, issue 29).
rows.push(...await firstRequestRows());

// 3. Per-call cost ----------------------------------------------------------------------------
const cannedBody = JSON.stringify({ status: "ok", data: { success: ["1", "2"], failed: [] } });
const canned = async () => new Response(cannedBody, { headers: { "content-type": "application/json" } });
const floor = floorClient("access", "secret", canned);
const clients = Object.fromEntries([nativeHmac, nobleHmac, webCryptoHmac].map((hmac) => [
  hmac.name,
  new HtxClient({ accessKey: "access", secretKey: "secret", fetch: canned, rateLimit: false, hmac }),
]));
async function microsPerCall(call, count) {
  const started = performance.now();
  for (let i = 0; i < count; i++) await call();
  return ((performance.now() - started) * 1000) / count;
}
// The same client with an Ed25519 key: its per-call cost against the HMAC default's.
const ed25519Client = new HtxClient({
  accessKey: "access",
  privateKey: ED25519_TEST_KEY,
  fetch: canned,
  rateLimit: false,
});
const perCall = { floor: [], ed25519: [], ...Object.fromEntries(Object.keys(clients).map((k) => [k, []])) };
const variants = {
  floor: () => floor(["1", "2"]),
  ...Object.fromEntries(Object.entries(clients).map(([k, c]) => [k, () => c.batchCancel({ orderIds: ["1", "2"] })])),
  ed25519: () => ed25519Client.batchCancel({ orderIds: ["1", "2"] }),
};
for (const call of Object.values(variants)) await microsPerCall(call, 5000); // warm-up
for (let round = 0; round < 15; round++) {
  // Interleaved, so drift in the machine's speed hits every variant alike.
  for (const [name, call] of Object.entries(variants)) perCall[name].push(await microsPerCall(call, 3000));
}
/** The median of the per-round ratios, as the cold rows pair theirs: one slow round moves it less. */
const pairedRatio = (samples, baseline) => median(samples.map((x, i) => x / baseline[i]));
for (const name of Object.keys(clients)) {
  row(
    `per call: batchCancel(2 ids), ${name} HMAC`,
    "µs",
    perCall[name],
    "floor (canned fetch + JSON + node:crypto)",
    perCall.floor,
    name === "node:crypto" ? "≤ 1.45× floor" : "≤ 1.5× floor",
  );
  rows.at(-1).ratio = pairedRatio(perCall[name], perCall.floor);
}

row(
  "per call: batchCancel(2 ids), Ed25519 key",
  "µs",
  perCall.ed25519,
  "the same with the HMAC default (node:crypto)",
  perCall["node:crypto"],
);
rows.at(-1).ratio = pairedRatio(perCall.ed25519, perCall["node:crypto"]);

// 3b. A fleet's shared budget: one acquire and one release on Redis, against the in-process limiter.
{
  const { redisLimiterSamples } = await import("./redis-limiter.mjs");
  const samples = await redisLimiterSamples();
  for (const client of samples ? ["ioredis", "node-redis"] : []) {
    row(
      `limiter: acquire + release, Redis over loopback (${client})`,
      "µs",
      samples[client],
      "the in-process limiter",
      samples["in-process"],
    );
  }
}

// 4. Bulk cancel and 5. memory -------------------------------------------------------------------
const LATENCY_MS = 50;
const KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };
const { url, ask, terminate } = await simulatorThread({ orders: 10_000, latencyMs: LATENCY_MS });
const { demoOrders } = await import("../dist/src/testing/mod.js");
const { createBatchCancelRequest } = await import("../dist/mod.js");
const { ids } = demoOrders({ open: 10_000, filled: 0, canceled: 0, unknown: 0 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const chunksOf = (list) =>
  Array.from({ length: Math.ceil(list.length / 50) }, (_, i) => list.slice(i * 50, i * 50 + 50));

/** One fresh run against a fresh simulator, after a warm-up wave of the same width and a window's pause. */
async function freshRun(send, warmUp) {
  await ask("reset");
  await warmUp();
  await sleep(2100);
  await ask("reset");
  const started = performance.now();
  await send();
  return performance.now() - started;
}

// The floor of a wave: the same 40 requests, pre-signed, sent with plain fetch at once.
const floorWave = [];
for (let run = 0; run < 7; run++) {
  let requests = [];
  floorWave.push(
    await freshRun(
      () => Promise.all(requests.map((r) => fetch(r).then((x) => x.text()))),
      async () => {
        const warm = await Promise.all(
          chunksOf(ids.slice(8000)).map((c) => createBatchCancelRequest({ orderIds: c }, KEYS, { baseUrl: url })),
        );
        await Promise.all(warm.map((r) => fetch(r).then((x) => x.text())));
        requests = await Promise.all(
          chunksOf(ids.slice(0, 2000)).map((c) => createBatchCancelRequest({ orderIds: c }, KEYS, { baseUrl: url })),
        );
      },
    ),
  );
}
for (const count of [2000, 10_000]) {
  const samples = [];
  const violations = [];
  let peakRss = 0;
  for (let run = 0; run < (count > 2500 ? 3 : 7); run++) {
    // A fresh client each run (an empty window), its connections warmed by a wave as wide.
    const htx = new HtxClient({ ...KEYS, baseUrl: url });
    let result;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    samples.push(
      await freshRun(
        async () => (result = await htx.batchCancel({ orderIds: ids.slice(0, count) })),
        () => htx.batchCancel({ orderIds: ids.slice(8000) }),
      ),
    );
    clearInterval(sampler);
    if (result.success.length !== count) throw new Error(`bulk run accounted ${result.success.length} of ${count}`);
    violations.push((await ask("stats")).rateLimitViolations);
  }
  const requests = Math.ceil(count / 50);
  // The bound: one round trip for what fits in one window; beyond, the window arithmetic too.
  const boundMs = (Math.ceil(requests / 50) - 1) * 2000 + LATENCY_MS;
  row(
    `bulk: ${count.toLocaleString("en")} ids, ${LATENCY_MS} ms latency, loopback`,
    "ms",
    samples,
    "rate-limit bound",
    [boundMs],
    count > 2500 ? "within 5 % of the bound" : "≤ 1.3 × RTT",
  );
  rows.at(-1).violations = Math.max(...violations);
  if (count === 2000) {
    row(
      "bulk: 2,000 ids, 50 ms latency, loopback",
      "ms",
      samples,
      "the same 40 requests pre-signed, plain fetch",
      floorWave,
    );
  }
  if (count === 10_000) {
    row("memory: peak RSS, 10,000-id run", "MiB", [peakRss / 2 ** 20], "RSS before the runs", [
      process.memoryUsage().rss / 2 ** 20,
    ]);
  }
}
await terminate();

// 6. HMAC per runtime (what defaultHmac is chosen by) ---------------------------------------------
// src/signing/keys.ts for bench/sign-ed25519.mjs: internal, so not in dist/ as a module of its own.
await build({
  entryPoints: [`${ROOT}src/signing/keys.ts`],
  outfile: `${ROOT}bench/.cache/keys.mjs`,
  bundle: true,
  format: "esm",
  platform: "neutral",
  packages: "external",
  logLevel: "silent",
});
const runtimes = [
  [process.execPath, ["bench/hmac.mjs"]],
  [`${ROOT}node_modules/.bin/deno`, ["run", "-A", "bench/hmac.mjs"]],
  [`${ROOT}node_modules/.bin/bun`, ["bench/hmac.mjs"]],
];
for (const [command, args] of runtimes) {
  const report = JSON.parse(
    execFileSync(command, args, {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, DENO_DIR: `${ROOT}.deno`, DENO_NO_UPDATE_CHECK: "1" },
    }).trim().split("\n").at(-1),
  );
  for (const backend of ["node:crypto", "webcrypto"]) {
    if (typeof report[backend] !== "object") continue;
    row(
      `HMAC per signature: ${report.runtime}, ${backend}${report.default === backend ? " (default)" : ""}`,
      "µs",
      [report[backend].min, report[backend].median, report[backend].max],
      "noble, same runtime",
      [report.noble.median],
    );
    rows.at(-1).runs = report.rounds;
  }
  // Ed25519 (Web Crypto) against the HMAC default of the same runtime, through the client's SigningKey.
  if (typeof report.ed25519 === "object") {
    row(
      `Ed25519 per signature: ${report.runtime}`,
      "µs",
      [report.ed25519.min, report.ed25519.median, report.ed25519.max],
      `HMAC default (${report.default}), same runtime`,
      [report.hmacDefault.median],
    );
    rows.at(-1).runs = report.rounds;
  }
}
{
  // workerd: a Worker's clock stands still between I/O, so it is timed from outside.
  const { Miniflare } = await import("miniflare");
  const worker = await build({
    stdin: {
      contents: `import { nobleHmac, webCryptoHmac } from "./dist/mod.js";
        import { createSigningKey } from "./src/signing/keys.ts";
        const ed25519 = createSigningKey({ accessKey: "access", privateKey: ${JSON.stringify(ED25519_TEST_KEY)} });
        const macs = { noble: nobleHmac.keyed("s"), webcrypto: webCryptoHmac.keyed("s"), ed25519: ed25519.sign };
        const text = ${JSON.stringify(SIGNING_TEXT)};
        export default { async fetch(request) {
          await ed25519.ready();
          const url = new URL(request.url);
          const mac = macs[url.searchParams.get("backend")];
          for (let i = 0, n = Number(url.searchParams.get("n")); i < n; i++) await mac(text);
          return new Response("ok");
        } };`,
      resolveDir: ROOT,
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  const mf = new Miniflare({ modules: true, script: worker.outputFiles[0].text, compatibilityDate: "2026-04-01" });
  const timeIt = async (backend, n) => {
    const started = performance.now();
    await (await mf.dispatchFetch(`http://w/?backend=${backend}&n=${n}`)).text();
    return performance.now() - started;
  };
  const per = { noble: [], webcrypto: [], ed25519: [] };
  for (const backend of Object.keys(per)) await timeIt(backend, 2000);
  for (let r = 0; r < 5; r++) {
    for (const backend of Object.keys(per)) {
      per[backend].push(((await timeIt(backend, 20_000)) - (await timeIt(backend, 0))) / 20);
    }
  }
  row("HMAC per signature: workerd, webcrypto (default)", "µs", per.webcrypto, "noble, same runtime", per.noble);
  row("Ed25519 per signature: workerd", "µs", per.ed25519, "HMAC default (webcrypto), same runtime", per.webcrypto);
  await mf.dispose();
}

// Kill switch: 20,000 open orders to a confirmed-empty book (bench/kill-switch.mjs) -----------
{
  const { killSwitchRows } = await import("./kill-switch.mjs");
  const { violations } = await killSwitchRows(row);
  for (const r of rows.slice(-3)) r.violations = violations;
}

// Output --------------------------------------------------------------------------------------
const machine = `${os.cpus()[0]?.model ?? "cpu"} ×${os.cpus().length}, ${
  Math.round(os.totalmem() / 2 ** 30)
} GiB, Node ${process.version}`;
const table = benchTable(`htx-batch-cancel bench, ${new Date().toISOString().slice(0, 10)}, ${machine}`, rows);
console.log(table);
if (process.argv.includes("--json")) {
  writeFileSync(
    new URL("./results/latest.json", import.meta.url),
    `${JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 2)}\n`,
  );
}
process.exit(0);
