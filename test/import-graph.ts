/**
 * The import graph of a module, as esbuild reads it (packages and built-ins left as names), and
 * what a module reaches through it: shared by the tests of what an import loads
 * (test/build-output.test.ts on dist/, test/size-budget.test.ts on the sources).
 */
import { build, type Metafile } from "esbuild";

const ROOT = new URL("../", import.meta.url).pathname;

/** Static imports only: what loads with the import. */
export const STATIC = ["import-statement"];
/** Static imports and `import()`: everything that can load. */
export const ANY = ["import-statement", "dynamic-import"];

/** Every module `file` (relative to the project) reaches, each with what it imports and how. */
export async function importGraph(file: string): Promise<Metafile["inputs"]> {
  const { metafile } = await build({
    entryPoints: [file],
    absWorkingDir: ROOT,
    bundle: true,
    format: "esm",
    platform: "node",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return metafile.inputs;
}

/** What `from` loads through the kinds of import given: modules, and packages by name. */
export function reach(inputs: Metafile["inputs"], from: string, kinds: string[]): Set<string> {
  const reached = new Set<string>();
  for (const pending = [from]; pending.length > 0;) {
    const path = pending.pop()!;
    if (reached.has(path)) continue;
    reached.add(path);
    for (const link of inputs[path]?.imports ?? []) if (kinds.includes(link.kind)) pending.push(link.path);
  }
  return reached;
}
