// A cold process's kill switch in this tree against another built tree of the project (e.g. a
// `git worktree add /tmp/base <commit>` with `npm ci && npm run build` there), in interleaved
// rounds: `node bench/kill-switch-cold-compare.mjs /tmp/base [rounds]`. Each round spawns a fresh
// process per tree that calls cancelAllOpen() on 2,000 open orders over 5 symbols at 50 ms latency
// (bench/kill-switch-worker.mjs, a fresh book each); prints the medians of when each of the
// kill switch's first requests went on the wire and when its answer had come, from the call, ms.
import { simulatorThread } from "./sim-thread.mjs";
import { runChild } from "./first-call-phases.mjs";

const [otherRoot, rounds = "9"] = process.argv.slice(2);
const ROOT = new URL("../", import.meta.url).pathname;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// The child: times the first request to each endpoint (sent → answered) and the whole call.
const CHILD = `
const { HtxClient } = await import(process.cwd() + "/dist/mod.js");
let t;
const firsts = {};
const fetch = async (url, init) => {
  const path = new URL(url).pathname.split("/").pop();
  const sent = performance.now() - t;
  const response = await globalThis.fetch(url, init);
  firsts[path] ??= [sent, performance.now() - t];
  return response;
};
const htx = new HtxClient({ accessKey: "demo-access-key", secretKey: "demo-secret-key", baseUrl: process.argv[1], fetch });
t = performance.now();
const result = await htx.cancelAllOpen();
if (!result.confirmedEmpty) throw new Error("not confirmed empty");
console.log(JSON.stringify({ ms: performance.now() - t, firsts }));
`;
const { url, ask, terminate } = await simulatorThread({
  orders: 2000,
  latencyMs: 50,
  script: "kill-switch-worker.mjs",
});
const samples = { there: [], here: [] };
for (let round = 0; round < Number(rounds); round++) {
  for (const tree of round % 2 ? ["here", "there"] : ["there", "here"]) {
    await ask("reset");
    await new Promise((resolve) => setTimeout(resolve, 2100)); // a fresh rate-limit window
    const cwd = tree === "here" ? ROOT : otherRoot;
    samples[tree].push(
      JSON.parse(await runChild(process.execPath, ["--input-type=module", "-e", CHILD, url], { cwd })),
    );
  }
}
await terminate();
const show = (runs, pick) => Math.round(median(runs.map(pick)));
for (const [tree, runs] of Object.entries(samples)) {
  const endpoints = ["accounts", "openOrders", "batchCancelOpenOrders", "batchcancel"].map((path) =>
    `${path} ${show(runs, (r) => r.firsts[path][0])}→${show(runs, (r) => r.firsts[path][1])}`
  );
  console.log(
    `${tree === "here" ? "this tree" : otherRoot}: first of each, sent→answered: ${endpoints.join(", ")}; ` +
      `confirmed empty at ${show(runs, (r) => r.ms)} ms (median of ${runs.length})`,
  );
}
process.exit(0);
