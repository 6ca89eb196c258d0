// The first call's phases (bench/first-call-phases.mjs) of this tree against another built tree
// of the project (e.g. `git archive <commit> | tar -x -C /tmp/base`, node_modules linked, `npm run
// build` there), in interleaved rounds, with each tree's cold first request over the same floor:
// `node bench/first-call-compare.mjs /tmp/base [rounds]`. Prints medians, wall and CPU ms.
import { clock, measurePhases as here, runChild, startServer } from "./first-call-phases.mjs";

const [otherRoot, rounds = "9"] = process.argv.slice(2);
const ROOT = new URL("../", import.meta.url).pathname;
const { measurePhases: there } = await import(new URL("bench/first-call-phases.mjs", `file://${otherRoot}/`).href);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const phases = { there: new Map(), here: new Map() };
const server = await startServer();
const env = { ...process.env, HTX_BENCH_URL: server.url };
const cold = { there: [], here: [], floor: [] };
const toWire = async (cwd, script) => {
  server.arrivals.length = 0;
  const spawned = clock();
  await runChild(process.execPath, [script], { cwd, env });
  return server.arrivals.find((a) => a.path.endsWith("batchcancel")).at - spawned;
};
for (let round = 0; round < Number(rounds); round++) {
  const order = round % 2 ? [["here", here], ["there", there]] : [["there", there], ["here", here]];
  for (const [tree, measure] of order) {
    for (const p of await measure(1)) phases[tree].set(p.name, [...(phases[tree].get(p.name) ?? []), p.xs[0]]);
  }
  cold.there.push(await toWire(otherRoot, "bench/cold/ours.mjs"));
  cold.floor.push(await toWire(ROOT, "bench/cold/floor.mjs"));
  cold.here.push(await toWire(ROOT, "bench/cold/ours.mjs"));
}
server.close();
console.log(`| phase (median of ${rounds} fresh processes) | ${otherRoot} | this tree |\n|---|---|---|`);
for (const [name, xs] of phases.here) {
  console.log(`| ${name} | ${median(phases.there.get(name) ?? [NaN]).toFixed(2)} ms | ${median(xs).toFixed(2)} ms |`);
}
const over = (xs) => xs.map((x, i) => x - cold.floor[i]);
const show = (xs) =>
  `+${median(over(xs)).toFixed(1)} ms (${Math.min(...over(xs)).toFixed(1)} to ${Math.max(...over(xs)).toFixed(1)})`;
console.log(
  `| cold → request on the wire, over the floor (${median(cold.floor).toFixed(1)} ms) | ${show(cold.there)} | ${
    show(cold.here)
  } |`,
);
process.exit(0);
