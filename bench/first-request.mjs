// The first request of a fresh process (issue 29), each against a floor measured in the same
// rounds, interleaved, its order rotated each round: the figure is the median of the per-round
// differences (or ratios), with their spread, which drift in a shared machine's speed moves less
// than the difference of two medians.
// - cold process → first batch-cancel request on the wire, on Node, Deno and Bun: ours
//   (bench/cold/ours.mjs) over a script that signs with node:crypto and calls fetch
//   (bench/cold/floor.mjs); ccxt too where bench/peers is installed (`npm ci --prefix bench/peers`);
// - a fresh process and client's first batchCancel of 2,000 ids at 50 ms latency over the same 40
//   requests pre-signed and sent with plain fetch, through the simulator (bench/sim-worker.mjs);
// - the CLI's `--all-open --dry-run` from process start to its first listing request;
// - the first call's phases (bench/first-call-phases.mjs), for docs/performance.md's breakdown.
// Timestamps: this process's clock at spawn, the server's (here, same clock) at each arrival.
import { existsSync } from "node:fs";
import { clock, measurePhases, OK_ANSWER, runChild, startServer } from "./first-call-phases.mjs";
import { simulatorThread } from "./sim-thread.mjs";
import { fmt } from "./table.mjs";

const ROOT = new URL("../", import.meta.url).pathname;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const spreadOf = (xs, show) => `${show(Math.min(...xs))}–${show(Math.max(...xs))}`;
const signed = (x) => `${x < 0 ? "−" : "+"}${fmt(Math.abs(x))}`;
const RUNTIME_ENV = { ...process.env, DENO_DIR: `${ROOT}.deno`, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };

const node = (script) => [process.execPath, [script]];
const deno = (script) => [`${ROOT}node_modules/.bin/deno`, ["run", "-A", script]];
const bun = (script) => [`${ROOT}node_modules/.bin/bun`, [script]];
const CCXT = `${ROOT}bench/peers/node_modules/ccxt`;

/** A row of the per-round differences of `samples` over `baseline` (paired by index), in ms. */
function pairedRow(name, samples, baselineName, baseline, target) {
  const over = samples.map((x, i) => x - baseline[i]);
  return {
    name,
    unit: "ms",
    median: median(samples),
    spread: `Δ ${spreadOf(over, signed)}`,
    runs: samples.length,
    baseline: baselineName,
    baselineMedian: median(baseline),
    ratio: median(samples.map((x, i) => x / baseline[i])),
    overBaseline: median(over),
    target,
  };
}

/**
 * Runs each variant once a round, in rotated order, `rounds` times; a variant is
 * `[command, args, env?]`, measured by `measure(variant, env)` → ms. Returns ms per variant.
 */
async function interleaved(variants, rounds, measure) {
  const names = Object.keys(variants);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      samples[name].push(await measure(variants[name]));
    }
  }
  return samples;
}

/**
 * Runs `command args`; returns the ms from its spawn to its first request whose path ends with
 * each of `paths`, then the CPU ms the child printed last (`{"cpuMs":…}`), if any, then the ms
 * from the end of its runtime's own start-up (`{"bootAt":…}`, bench/cold/env.mjs) to the first
 * of those requests, NaN where the child does not say.
 */
async function arrivals(server, env, [command, args, cwd = ROOT], paths) {
  server.arrivals.length = 0;
  const spawned = clock();
  const out = await runChild(command, args, { cwd, env });
  const arrived = paths.map((path) => {
    const arrival = server.arrivals.find((a) => a.path.endsWith(path));
    if (!arrival) throw new Error(`${command} ${args.join(" ")} sent no request to …${path}`);
    return arrival.at;
  });
  const last = out.trim().split("\n").at(-1) ?? "";
  const printed = last.startsWith("{") ? JSON.parse(last) : {};
  return [...arrived.map((at) => at - spawned), printed.cpuMs ?? NaN, arrived[0] - (printed.bootAt ?? NaN)];
}

/** `[ms from spawn to the first request to …path, CPU ms]` of a variant. */
const toArrival = (server, path, env) => (variant) => arrivals(server, env, variant, [path]);
/** The `i`th figure of each variant's samples. */
const pick = (samples, i) =>
  Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, xs.map((x) => x[i])]));

/**
 * Cold process → first batch-cancel request on the wire, on each runtime, ours and ccxt over the
 * floor. On Node, also from the end of Node's own start-up (performance.nodeTiming): that part
 * runs the same code in every variant, yet gives a round's difference a standard deviation of
 * about 20 ms on this machine (the floor against itself), far more than the few ms the target is
 * about; less it, what is left is what differs, the same difference with half the noise. Node
 * runs eight times the rounds (a median of 60 moved by 2 to 3 ms from run to run, against a
 * target a few ms wide); ccxt, ten times further from its target and a second a process, runs
 * the base number of rounds, paired with the floor in rounds of its own.
 */
async function coldFirstRequest(rounds) {
  const server = await startServer();
  const env = { ...RUNTIME_ENV, HTX_BENCH_URL: server.url };
  const rows = [];
  try {
    const runtimes = [["Node", node], ["Deno", deno], ["Bun", bun]];
    for (const [runtime, run] of runtimes) {
      const onNode = runtime === "Node";
      const variants = { ours: run("bench/cold/ours.mjs"), floor: run("bench/cold/floor.mjs") };
      if (onNode) variants.again = run("bench/cold/floor.mjs");
      const measure = toArrival(server, "batchcancel", env);
      const samples = await interleaved(variants, onNode ? rounds * 8 : Math.ceil(rounds / 2), measure);
      const [ms, cpu, afterBoot] = [pick(samples, 0), pick(samples, 1), pick(samples, 2)];
      const name = `cold: process start → first batch-cancel request on the wire, ${runtime}`;
      const floorName = "a script that signs with node:crypto and calls fetch";
      rows.push(pairedRow(name, ms.ours, floorName, ms.floor));
      if (onNode) rows.push(...nodeStartUpRows(runtime, { ms, afterBoot }, floorName));
      // What a busy shared machine moves less than wall time: the CPU the whole process used.
      const cpuName = `cold: CPU time of the whole process, first batch cancel of 2 ids, ${runtime}`;
      if (!cpu.ours.some(Number.isNaN)) rows.push(pairedRow(cpuName, cpu.ours, floorName, cpu.floor));
      if (onNode && existsSync(CCXT)) {
        const ccxtVariants = {
          ccxt: [process.execPath, ["cold-first-request.mjs"], `${ROOT}bench/peers`],
          floor: variants.floor,
        };
        const apart = pick(await interleaved(ccxtVariants, rounds, measure), 2);
        const ccxt = pairedRow(`${AFTER_BOOT}, Node, ccxt`, apart.ccxt, floorName, apart.floor);
        // The measure: how many times our cost over the floor ccxt's is.
        const ours = rows.find((row) => row.name === `${AFTER_BOOT}, Node`).overBaseline;
        const times = ours > 0 ? `here ${(ccxt.overBaseline / ours).toFixed(1)}×` : "ours within noise of the floor";
        rows.push({ ...ccxt, target: `≥ 10× ours over the floor (${times})` });
      }
    }
  } finally {
    server.close();
  }
  return rows;
}

const AFTER_BOOT = "cold: Node's own start-up done → first batch-cancel request on the wire";

/** Node's rows from the end of its own start-up (ours, with the target), and the floor against itself. */
function nodeStartUpRows(runtime, { ms, afterBoot }, floorName) {
  const again = `the same floor again, against itself: how far one round's difference moves when nothing differs`;
  return [
    pairedRow(`${AFTER_BOOT}, ${runtime}`, afterBoot.ours, floorName, afterBoot.floor, "≤ +12 ms over the floor"),
    pairedRow(`${again}, from process start`, ms.again, floorName, ms.floor),
    pairedRow(`${again}, from Node's start-up done`, afterBoot.again, floorName, afterBoot.floor),
  ];
}

/** The answers of HTX's listings a dry run reads: one spot account, no open order. */
const listingAnswer = (url) =>
  url.startsWith("/v1/account/accounts")
    ? '{"status":"ok","data":[{"id":1001,"type":"spot","subtype":"","state":"working"}]}'
    : url.startsWith("/v1/order/openOrders")
    ? '{"status":"ok","data":[]}'
    : OK_ANSWER;

/** The CLI's kill-switch dry run from process start to its first listing requests. */
async function cliDryRun(rounds) {
  const server = await startServer(listingAnswer);
  const env = {
    ...process.env,
    HTX_BENCH_URL: server.url,
    HTX_ACCESS_KEY: "bench-access-key",
    HTX_SECRET_KEY: "bench-secret-key",
  };
  const cli = [process.execPath, ["dist/src/cli.cjs", "--all-open", "--dry-run", "--base-url", server.url]];
  const ms = { accounts: [], openOrders: [], floor: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 ? ["floor", "cli"] : ["cli", "floor"]) {
        if (name === "floor") {
          ms.floor.push((await arrivals(server, env, node("bench/cold/floor.mjs"), ["batchcancel"]))[0]);
        } else {
          const [accounts, openOrders] = await arrivals(server, env, cli, [
            "/v1/account/accounts",
            "/v1/order/openOrders",
          ]);
          ms.accounts.push(accounts);
          ms.openOrders.push(openOrders);
        }
      }
    }
  } finally {
    server.close();
  }
  const floorName = "a script that signs with node:crypto and calls fetch, to its request";
  return [
    pairedRow(
      "cold: htx-batch-cancel --all-open --dry-run, process start → the account lookup on the wire",
      ms.accounts,
      floorName,
      ms.floor,
    ),
    pairedRow(
      "cold: htx-batch-cancel --all-open --dry-run, process start → the first open-orders listing on the wire",
      ms.openOrders,
      floorName,
      ms.floor,
    ),
  ];
}

/** A fresh process and client's first batchCancel of 2,000 ids at 50 ms latency, over the floor. */
async function freshBulk(rounds) {
  const { url, ask, terminate } = await simulatorThread({ orders: 2000, latencyMs: 50 });
  const { demoOrders } = await import("../dist/src/testing/mod.js");
  const { ids } = demoOrders({ open: 2000, filled: 0, canceled: 0, unknown: 0 });
  const env = { ...RUNTIME_ENV, HTX_BENCH_URL: url, HTX_BENCH_IDS: ids.join(",") };
  try {
    // The floor twice: what a round's ratio moves by on this machine when nothing differs.
    const ms = await interleaved(
      { ours: node("bench/cold/ours.mjs"), floor: node("bench/cold/floor.mjs"), again: node("bench/cold/floor.mjs") },
      rounds,
      async ([command, args]) => {
        await ask("reset");
        const { ms } = JSON.parse(await runChild(command, args, { env }));
        const stats = await ask("stats");
        if (stats.ordersCanceled !== ids.length) {
          throw new Error(`${args[0]} cancelled ${stats.ordersCanceled} of 2000`);
        }
        return ms;
      },
    );
    const ratios = ms.ours.map((x, i) => x / ms.floor[i]);
    const row = pairedRow(
      "fresh process and client: first batchCancel of 2,000 ids, 50 ms latency, loopback (call → last answer)",
      ms.ours,
      "the same 40 requests pre-signed, plain fetch (first fetch → last answer)",
      ms.floor,
      "≤ 1.3× in every run (the median of its rounds)",
    );
    const noise = pairedRow(
      "the same floor again, against itself: the spread of one round's ratio when nothing differs",
      ms.again,
      "the same 40 requests pre-signed, plain fetch (first fetch → last answer)",
      ms.floor,
    );
    const noiseRatios = ms.again.map((x, i) => x / ms.floor[i]);
    return [
      { ...row, spread: `× ${spreadOf(ratios, (x) => x.toFixed(2))}`, overBaseline: undefined },
      { ...noise, spread: `× ${spreadOf(noiseRatios, (x) => x.toFixed(2))}`, overBaseline: undefined },
    ];
  } finally {
    await terminate();
  }
}

/** The first call's phases (bench/first-call-phases.mjs) as rows: ms each, CPU ms beside. */
async function phaseRows(rounds) {
  return (await measurePhases(rounds)).map((p) => ({
    name: `first call, phase: ${p.name}`,
    unit: "ms",
    median: p.median,
    spread: spreadOf(p.xs, fmt),
    runs: p.xs.length,
  }));
}

/** Every row of this file, for bench/index.mjs. */
export async function firstRequestRows({ rounds = 15 } = {}) {
  return [
    ...await coldFirstRequest(rounds),
    ...await freshBulk(Math.ceil(rounds / 2)),
    ...await cliDryRun(rounds),
    ...await phaseRows(Math.ceil(rounds / 2)),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { benchTable } = await import("./table.mjs");
  console.log(benchTable("first request", await firstRequestRows({ rounds: Number(process.argv[2] ?? 15) })));
  process.exit(0);
}
