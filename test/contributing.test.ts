/**
 * CONTRIBUTING.md describes the repository as it is: every folder of src/ has its place in "The
 * layout", every path it names exists, and every command it tells a contributor to run is one
 * package.json or deno.json has.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "./docs/blocks.ts";

const CONTRIBUTING = readFileSync(`${ROOT}CONTRIBUTING.md`, "utf8");
const LAYOUT = /^## The layout\n([\s\S]*?)^## /m.exec(CONTRIBUTING)?.[1] ?? "";
const PKG = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { scripts: Record<string, string> };
const DENO = JSON.parse(readFileSync(`${ROOT}deno.json`, "utf8")) as { tasks: Record<string, unknown> };

/** Every folder under `dir` (relative to the root, with a trailing slash), depth first. */
function foldersUnder(dir: string): string[] {
  return readdirSync(`${ROOT}${dir}`, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [`${dir}${entry.name}/`, ...foldersUnder(`${dir}${entry.name}/`)]);
}

/** Every path in backticks (`src/cancel/`, `test/helpers.ts`, `.ci/run`) and every relative link. */
const namedPaths = [
  ...[...CONTRIBUTING.matchAll(/`(\.?[a-z][\w.-]*\/[\w./-]*)`/g)].map((m) => m[1]!),
  ...[...CONTRIBUTING.matchAll(/\]\(([^)#\s:]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!),
];

describe("CONTRIBUTING.md", () => {
  it("has a layout section", () => {
    expect(LAYOUT.length).toBeGreaterThan(0);
  });

  it("names every folder of src/ in its layout", () => {
    const unnamed = foldersUnder("src/").filter((folder) => !LAYOUT.includes(`\`${folder}\``));
    expect(unnamed, "folders of src/ that CONTRIBUTING.md's layout does not name").toEqual([]);
  });

  it("gives every top-level folder a paragraph of its own", () => {
    const ignored = new Set(["node_modules", "dist", ".git", ".deno", ".cache", ".github", ".ci"]);
    const folders = readdirSync(ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !ignored.has(entry.name) && entry.name !== "src")
      .map((entry) => `${entry.name}/`);
    const paragraphs = [...LAYOUT.matchAll(/^\*\*`([^`]+)`\*\*/gm)].map((m) => m[1]!);
    expect(folders.filter((f) => !paragraphs.includes(f)), "top-level folders without a paragraph").toEqual([]);
    const srcFolders = foldersUnder("src/").filter((f) => f.split("/").length === 3);
    expect(srcFolders.filter((f) => !paragraphs.includes(f)), "folders of src/ without a paragraph").toEqual([]);
  });

  it("names only paths that exist", () => {
    expect(namedPaths.length).toBeGreaterThan(10);
    const paths = namedPaths.filter((path) => !path.startsWith("htx-batch-cancel/"));
    const missing = paths.filter((path) => !existsSync(`${ROOT}${path}`));
    expect(missing).toEqual([]);
  });

  it("tells a contributor to run only scripts and tasks that exist", () => {
    const scripts = [...CONTRIBUTING.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(scripts.filter((name) => !(name in PKG.scripts)), "npm scripts").toEqual([]);
    const tasks = [...CONTRIBUTING.matchAll(/deno task ([\w:-]+)/g)].map((m) => m[1]!);
    expect(tasks.filter((name) => !(name in DENO.tasks)), "deno tasks").toEqual([]);
    const files = [...CONTRIBUTING.matchAll(/(?:vitest run|bun test|node) (?:--config \S+ )?((?:test|scripts)\/\S+)`/g)]
      .map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !existsSync(`${ROOT}${file}`)), "files to run").toEqual([]);
  });
});
