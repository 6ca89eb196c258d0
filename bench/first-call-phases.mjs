// Where a fresh process's first batch-cancel request spends its time (issue 29), phase by phase:
// each phase is forced on its own, in order, in a fresh process, and timed with performance.now()
// there; the arrival of each request is timed by the server, in this process, on the same
// clock (performance.timeOrigin + performance.now()). Rounds are medians of per-round figures.
// `node bench/first-call-phases.mjs` prints them; bench/first-call.mjs adds them to the bench.
import { spawn } from "node:child_process";
import { createServer } from "node:http";

const ROOT = new URL("../", import.meta.url).pathname;
export const OK_ANSWER = '{"status":"ok","data":{"success":["1","2"],"failed":[]}}';
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
/** Absolute time on a clock every process on the machine shares. */
export const clock = () => performance.timeOrigin + performance.now();

/**
 * A loopback HTTP server answering every request with `answer(url)` (default: a well-formed
 * batch-cancel answer); `arrivals` holds the time each request's head arrived, by path.
 */
export async function startServer(answer = () => OK_ANSWER) {
  const arrivals = [];
  const server = createServer((request, response) => {
    arrivals.push({ at: clock(), path: new URL(request.url, "http://x").pathname });
    request.resume().on("end", () => {
      response.writeHead(200, { "content-type": "application/json" }).end(answer(request.url));
    });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${server.address().port}`, arrivals, close: () => server.close() };
}

/** Runs `command args`, returning its stdout, while this process's event loop keeps serving. */
export function runChild(command, args, options = {}) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, ...options, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on(
      "exit",
      (code) => code === 0 ? done(out) : fail(new Error(`${command} ${args[0]} exited ${code}: ${err}`)),
    );
  });
}

/** The module the client loads on its first call and the answer reader, as built in dist/. */
const ENGINE = "./dist/chunks/src/cancel/on-demand.js";
const READER = "./dist/chunks/src/http/answer-reader.js";

const PHASES = `
const cpu = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
const marks = [["node's own start-up", performance.now(), cpu()]];
const mark = (name) => marks.push([name, performance.now(), cpu()]);
const url = process.argv[1];
const { HtxClient } = await import("./dist/mod.js"); mark("import the package");
const htx = new HtxClient({ accessKey: "bench-access-key", secretKey: "bench-secret-key", baseUrl: url, rateLimit: false });
mark("new HtxClient");
await import(${JSON.stringify(ENGINE)}); mark("load the engine's module (and all it imports)");
process.getBuiltinModule("node:crypto"); mark("load node:crypto");
await htx.ready(); mark("build the client and prepare the key");
await import(${JSON.stringify(READER)}); mark("load the answer reader (valibot)");
globalThis.fetch; mark("load undici (fetch's first touch)");
await (await fetch(url + "/warm")).text(); mark("undici's first fetch: a GET (connect, its own first run)");
const init = () => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: '{"order-ids":["1"]}', redirect: "manual", signal: new AbortController().signal });
await (await fetch(url + "/warm", init())).text(); mark("undici's first POST with a body and a signal");
await (await fetch(url + "/warm", init())).text(); mark("undici's second POST");
const sent = performance.timeOrigin + performance.now();
await htx.batchCancel({ orderIds: ["1", "2"] }); mark("first batchCancel, everything loaded");
await htx.batchCancel({ orderIds: ["1", "2"] }); mark("second batchCancel");
console.log(JSON.stringify({ marks, sent }));`;

/** The phases of `rounds` fresh processes: per phase, its median ms, spread and the samples. */
export async function measurePhases(rounds = 11) {
  const server = await startServer();
  const samples = new Map();
  const add = (name, ms) => samples.set(name, [...(samples.get(name) ?? []), ms]);
  try {
    for (let round = 0; round < rounds; round++) {
      server.arrivals.length = 0;
      const { marks, sent } = JSON.parse(
        await runChild(process.execPath, ["--input-type=module", "-e", PHASES, server.url]),
      );
      marks.forEach(([name, at, cpu], i) => {
        add(name, at - (i === 0 ? 0 : marks[i - 1][1]));
        add(`${name} (CPU)`, cpu - (i === 0 ? 0 : marks[i - 1][2]));
      });
      const arrived = server.arrivals.find((a) => a.path.endsWith("batchcancel"));
      add("first batchCancel, everything loaded: call → request on the wire", arrived.at - sent);
    }
  } finally {
    server.close();
  }
  return [...samples].map(([name, xs]) => ({
    name,
    median: median(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
    xs,
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const phases = await measurePhases(Number(process.argv[2] ?? 11));
  for (const p of phases) {
    console.log(
      `${p.name.padEnd(70)} ${p.median.toFixed(2).padStart(7)} ms  (${p.min.toFixed(2)}–${p.max.toFixed(2)})`,
    );
  }
}
