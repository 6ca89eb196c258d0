// Bundle size of an entry, as a bundler with code splitting ships it: what loads with the
// import (the entry chunk and every chunk whose code it uses), and what loads only on first
// use (dynamic `import()`: the engine, the kill switch, the answer reader and valibot, noble).
// esbuild also emits a bare `import "./chunk.js"` for every chunk of every module the entry's
// index re-exports, used or not (evanw/esbuild#1892, #3704); our modules have no side effects
// (package.json "sideEffects": false), so `initial` follows only the imports that bind names,
// as a tree-shaking bundler such as Rollup loads them, and `asEmitted` also follows esbuild's
// bare imports. Sizes are deterministic, so test/size-budget.test.ts asserts a budget on them;
// bench/index.mjs reports them.
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = new URL("../", import.meta.url).pathname;
const OUT = `${ROOT}.bundle-size/`; // never written: write is false
/** The name esbuild gives the bundled `contents`. */
const SOURCE_FILE = "entry.ts";

/**
 * Minified and gzip (level 9) bytes of some chunks, concatenated. The content hash in each chunk
 * name (`on-demand-E6LHR7RQ.js`) is replaced first, in order of first appearance, by a fixed name
 * as hard to compress: the hashes change with every edit of another chunk, and moved this entry's
 * gzip size by a byte or two with them.
 */
function sizeOf(chunks) {
  const names = new Map();
  const text = Buffer.concat(chunks).toString("latin1").replace(/-([A-Z0-9]{8})\.js\b/g, (_, hash) => {
    if (!names.has(hash)) names.set(hash, STAND_IN_HASHES[names.size % STAND_IN_HASHES.length]);
    return `-${names.get(hash)}.js`;
  });
  const bytes = Buffer.from(text, "latin1");
  return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** Stand-ins for chunk hashes: esbuild's alphabet, no two alike, as random-looking as real ones (typed once, fixed). */
const STAND_IN_HASHES = [
  "X7RW2MQA",
  "KD4PZ6HN",
  "B3TJ8VLC",
  "QM5YF2RE",
  "H6NC9WZK",
  "U2GL7DXP",
  "ZR8EB4JT",
  "M4VK3QYH",
  "C9PA6NWF",
  "T5JH2ZRB",
  "E7DX8MKQ",
  "N3WF5LUC",
  "Y6BQ9THZ",
  "G2KM4RVE",
  "P8ZC7JXA",
  "W5LT3HND",
];

/** Whether a chunk's code imports names from `to` (not a bare `import "./chunk.js"`). */
function bindsNames(code, to) {
  const name = to.split("/").pop().replace(/[.$]/g, "\\$&");
  return new RegExp(`from\\s*"\\./${name}"`).test(new TextDecoder().decode(code));
}

/** The output files `entry` loads statically, following the imports `follow(from, to)` accepts. */
function staticClosure(outputs, entry, follow) {
  const reached = new Set();
  for (const pending = [entry]; pending.length > 0;) {
    const path = pending.pop();
    if (reached.has(path)) continue;
    reached.add(path);
    for (const link of outputs[path].imports) {
      if (link.kind === "import-statement" && follow(path, link.path)) pending.push(link.path);
    }
  }
  return reached;
}

/**
 * Bundles `contents` (TypeScript, resolved from the project root) with esbuild, minified, ESM,
 * split at dynamic imports. Returns the size of what loads with the import (`initial`; with
 * esbuild's bare chunk imports, `asEmitted`), of everything (`total`), and the bytes each input
 * file puts into the initial chunks.
 */
export async function bundleSize(contents) {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader: "ts", sourcefile: SOURCE_FILE },
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    splitting: true,
    format: "esm",
    platform: "neutral",
    outdir: OUT,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const { outputs } = out.metafile;
  const files = new Map(out.outputFiles.map((file) => [file.path, file.contents]));
  // The chunk of `contents` itself: each import() target is an entry point of its own chunk too.
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint === SOURCE_FILE);
  const initial = staticClosure(outputs, entry, (from, to) => bindsNames(files.get(resolve(ROOT, from)), to));
  const asEmitted = staticClosure(outputs, entry, () => true);
  const inputs = {};
  for (const path of initial) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[path].inputs)) {
      const name = input.includes("node_modules/") ? input.split("node_modules/")[1].split("/")[0] : input;
      if (bytesInOutput > 0) inputs[name] = (inputs[name] ?? 0) + bytesInOutput;
    }
  }
  const bytesOf = (paths) => [...paths].map((path) => files.get(resolve(ROOT, path)));
  return {
    initial: sizeOf(bytesOf(initial)),
    asEmitted: sizeOf(bytesOf(asEmitted)),
    total: sizeOf(bytesOf(Object.keys(outputs))),
    chunks: { initial: initial.size, total: Object.keys(outputs).length },
    inputs,
  };
}

if (import.meta.main ?? process.argv[1] === new URL(import.meta.url).pathname) {
  const size = await bundleSize(process.argv[2] ?? `export { HtxClient } from "./mod.ts";`);
  console.log(JSON.stringify({ ...size, inputs: undefined }));
  for (const [name, bytes] of Object.entries(size.inputs).sort((a, b) => b[1] - a[1])) {
    console.log(String(bytes).padStart(7), name);
  }
}
