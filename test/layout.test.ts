/**
 * The house by concern (docs/layout.md): every import of src/ runs down the layers or stays in
 * its folder, no module imports itself back through others, and every folder says in its
 * README.md what it owns and what it must not import.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { layerOf, LAYERS, roomOf } from "./layout/layers.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = posix.join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Every module of the package and the modules each imports (static, dynamic, type-only). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of ["mod.ts", ...sourceFiles("src")]) {
    const text = readFileSync(join(ROOT, file), "utf8").replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, "");
    const targets = [...text.matchAll(SPECIFIER)].map((m) => posix.normalize(posix.join(posix.dirname(file), m[1]!)));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The modules on a cycle of imports, as `a -> b -> a` paths; empty when there is none. */
function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      found.push([...path.slice(path.indexOf(file)), file].join(" -> "));
      return;
    }
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  return found;
}

describe("the layout of src/ by concern", () => {
  const graph = importGraph();

  it("names a layer for every room", () => {
    const unplaced = [...new Set([...graph.keys()].map(roomOf))].filter((room) => layerOf(room) < 0);
    expect(unplaced, "rooms missing from test/layout/layers.ts and docs/layout.md").toEqual([]);
  });

  it("imports only down the layers, or within a folder", () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const [from, to] = [roomOf(file), roomOf(target)];
        if (from === to) continue;
        if (layerOf(to) <= layerOf(from)) upward.push(`${file} (${from}) -> ${target} (${to})`);
      }
    }
    expect(upward, "imports that run back up or sideways").toEqual([]);
  });

  it("has no circle of imports", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("says in each folder's README.md what it owns and what it must not import", () => {
    const folders = readdirSync(join(ROOT, "src")).filter((name) => statSync(join(ROOT, "src", name)).isDirectory());
    const missing = folders.filter((folder) => {
      let text = "";
      try {
        text = readFileSync(join(ROOT, "src", folder, "README.md"), "utf8");
      } catch {
        return true;
      }
      return !/must not import/i.test(text);
    });
    expect(missing, "folders without a README.md that says what they must not import").toEqual([]);
    expect(folders.filter((folder) => layerOf(folder) < 0)).toEqual([]);
  });

  it("lists every layer in docs/layout.md, top-down", () => {
    const doc = readFileSync(join(ROOT, "docs/layout.md"), "utf8");
    const positions = LAYERS.flat().map((room) =>
      doc.indexOf(`\`${room === "mod.ts" ? room : room === "client.ts" ? "src/client.ts" : `src/${room}/`}\``)
    );
    expect(positions.filter((p) => p < 0), "rooms docs/layout.md does not name").toEqual([]);
    expect(positions, "docs/layout.md names the rooms top-down").toEqual([...positions].sort((a, b) => a - b));
  });

  it("reads no file outside the package root", () => {
    const outside = [...graph.values()].flat().filter((target) => relative(ROOT, join(ROOT, target)).startsWith(".."));
    expect(outside).toEqual([]);
  });
});
