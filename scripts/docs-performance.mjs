// Renders the figures of docs/performance.md and README.md from the benchmarks' own results, so
// no figure there is typed by hand: `npm run bench` and `npm run bench:peers` run it after writing
//   bench/results/latest.json (bench/index.mjs --json) → <!-- begin: bench --> and <!-- begin: hmac -->,
//     and README.md's <!-- begin: figures --> (one line: size, start-up, per call)
//   bench/results/peers.json  (bench/peers/peers.mjs --json) → <!-- begin: peers -->
// `--check` rewrites nothing and exits 1 when the page differs from its rendering
// (test/docs-figures.test.ts runs it).
import { readFileSync, writeFileSync } from "node:fs";
import { benchTable, fmt } from "../bench/table.mjs";

const ROOT = new URL("../", import.meta.url).pathname;
const PAGE = `${ROOT}docs/performance.md`;
const README = `${ROOT}README.md`;
const json = (name) => JSON.parse(readFileSync(`${ROOT}bench/results/${name}`, "utf8"));

/** µs per HMAC signature, one line per runtime, from the "HMAC per signature" rows. */
function hmacTable({ date, rows }) {
  const runtimes = new Map();
  for (const r of rows) {
    const match = /^HMAC per signature: (.+?), (node:crypto|webcrypto)( \(default\))?$/.exec(r.name);
    if (!match) continue;
    const [, runtime, backend, isDefault] = match;
    const line = runtimes.get(runtime) ?? { "node:crypto": "", webcrypto: "", default: "noble" };
    line[backend] = fmt(r.median);
    line.noble = fmt(r.baselineMedian);
    if (isDefault) line.default = backend;
    runtimes.set(runtime, line);
  }
  return [
    `µs per signature (\`npm run bench\`, ${date.slice(0, 10)}); the default is the runtime's \`defaultHmac\``,
    "",
    "| runtime | node:crypto | noble | Web Crypto | default |",
    "|---|---|---|---|---|",
    ...[...runtimes].map(([runtime, l]) =>
      `| ${runtime} | ${l["node:crypto"] || "n/a"} | ${l.noble} | ${l.webcrypto} | ${l.default} |`
    ),
  ].join("\n");
}

function peersTable({ date, ccxt, rows }) {
  return [
    `\`npm run bench:peers\`, ${date.slice(0, 10)}, ccxt ${ccxt}`,
    "",
    "| row | htx-batch-cancel | ccxt | ccxt ÷ ours |",
    "|---|---|---|---|",
    ...rows.map((r) => `| ${r.name} | ${fmt(r.ours)} ${r.unit} | ${fmt(r.ccxt)} ${r.unit} | ${r.ratio.toFixed(2)}× |`),
  ].join("\n");
}

/** README.md's one line of figures: what the import loads and costs, the CLI, the per-call overhead. */
function readmeFigures({ date, rows }) {
  const find = (name, baseline) => {
    const found = rows.find((r) => r.name === name && r.baseline === baseline);
    if (!found) throw new Error(`bench/results/latest.json has no row "${name}" against "${baseline}"`);
    return found;
  };
  const bundle = find("bundle: import { HtxClient }, with the import (gzip)", "floor client");
  const imported = find("start-up: import the built module", "an empty ES module import");
  const cli = find("start-up: htx-batch-cancel --dry-run, 50 ids", "node -e 0");
  const perCall = find("per call: batchCancel(2 ids), node:crypto HMAC", "floor (canned fetch + JSON + node:crypto)");
  return `\`import { HtxClient }\` loads ${fmt(bundle.median / 1024)} KB gzip and ${fmt(imported.overBaseline)} ms ` +
    `more than an empty module; a 50-id \`--dry-run\` takes ${fmt(cli.overBaseline)} ms more than \`node -e 0\`; ` +
    `a call costs ${perCall.ratio.toFixed(2)}× a bare signed fetch (${date.slice(0, 10)})`;
}

const latest = json("latest.json");
const BLOCKS = {
  bench: benchTable(`\`npm run bench\`, ${latest.date.slice(0, 10)}, ${latest.machine}`, latest.rows),
  hmac: hmacTable(latest),
  peers: peersTable(json("peers.json")),
};

const page = readFileSync(PAGE, "utf8");
let rendered = page;
for (const [name, table] of Object.entries(BLOCKS)) {
  const pattern = new RegExp(`(<!-- begin: ${name} -->\\n)[\\s\\S]*?(<!-- end: ${name} -->)`);
  if (!pattern.test(rendered)) throw new Error(`docs/performance.md has no generated block "${name}"`);
  rendered = rendered.replace(pattern, (_, open, close) => `${open}${table}\n${close}`);
}
const readme = readFileSync(README, "utf8");
const figures = /(<!-- begin: figures -->)[^\n]*?(<!-- end: figures -->)/;
if (!figures.test(readme)) throw new Error('README.md has no generated line "figures"');
const renderedReadme = readme.replace(figures, (_, open, close) => `${open}${readmeFigures(latest)}${close}`);
if (process.argv.includes("--check")) {
  if (rendered !== page || renderedReadme !== readme) {
    console.error(
      "docs/performance.md or README.md differs from bench/results/*.json: run `node scripts/docs-performance.mjs`.",
    );
    process.exit(1);
  }
} else {
  writeFileSync(PAGE, rendered);
  writeFileSync(README, renderedReadme);
}
