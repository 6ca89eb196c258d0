// Bundle size of an entry, as a bundler with code splitting ships it: what loads with the
// import (the entry chunk and every chunk it imports statically), and what loads only on first
// use (dynamic `import()`: the kill switch, the answer reader and valibot, noble). Sizes are
// deterministic, so test/size-budget.test.ts asserts a budget on them; bench/index.mjs reports them.
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = new URL("../", import.meta.url).pathname;
const OUT = `${ROOT}.bundle-size/`; // never written: write is false

/** Minified and gzip (level 9) bytes of some chunks, concatenated. */
function sizeOf(chunks) {
  const bytes = Buffer.concat(chunks);
  return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/**
 * Bundles `contents` (TypeScript, resolved from the project root) with esbuild, minified, ESM,
 * split at dynamic imports. Returns the size of what loads with the import (`initial`), of
 * everything (`total`), and the bytes each input file puts into the initial chunks.
 */
export async function bundleSize(contents) {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader: "ts", sourcefile: "entry.ts" },
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
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint);
  const initial = new Set();
  for (const pending = [entry]; pending.length > 0;) {
    const path = pending.pop();
    if (initial.has(path)) continue;
    initial.add(path);
    for (const link of outputs[path].imports) if (link.kind === "import-statement") pending.push(link.path);
  }
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
