/**
 * The published build (dist/, from scripts/build.mjs; test/global-setup.ts builds it). Node's
 * start-up pays per module file it loads (bench/index.mjs, start-up rows), so each entry point
 * loads few files; yet every source module is in one file only, so a class is the same whichever
 * entry it came through, and what an entry loads on first use is still reached only by `import()`.
 * The command is apart: one self-contained CommonJS file, in a process of its own.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { ANY, importGraph as builtGraph, reach, STATIC } from "./import-graph.ts";

const ROOT = new URL("../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8"));

/** Each entry point (an "exports" key) and its file, as package.json names them. */
const ENTRIES: Record<string, string> = Object.fromEntries(
  Object.entries(pkg.exports as Record<string, string | { default: string }>)
    .filter(([, target]) => typeof target === "object")
    .map(([name, target]) => [name, (target as { default: string }).default.replace(/^\.\//, "")]),
);
/** The command's file, as package.json "bin" names it. */
const COMMAND = (pkg.bin as Record<string, string>)["htx-batch-cancel"]!.replace(/^\.\//, "");

/**
 * How many files of dist/ each entry may load with its import (the build before scripts/build.mjs:
 * 18 for ".", 19 for the command, which is now one self-contained file of its own). The index is
 * one file; another entry's own code is at most two files (its module and the chunk it shares
 * with what imports from it); each other entry whose code it uses adds one: the index's file,
 * that entry's chunk, or the one file of a stage only `import()` reaches.
 */
const MAX_FILES: Record<string, number> = {
  ".": 1, // the client's core, dist/mod.js, whose file the other entries import from too
  "./cloudflare": 3, // itself + the core + the cancel engine's file (its timers and signer)
  "./schemas": 3, // its two + the core
  "./testing": 3, // its two + the core
  "./testing/node": 2, // its two
  "./msw": 3, // itself + the simulator's chunk (./testing) + the core
  "./redis": 2, // itself + the core
  // Node-only test tooling that loads @pact-foundation/pact: itself + the Node server's and the
  // simulator's chunks, the core and the cancel engine's file.
  "./pact": 5,
};

const isDistFile = (path: string) => path.startsWith("dist/");

/** The source modules whose code each file of dist/ holds, from the `// src/…` line esbuild puts before each. */
function modulesByFile(): Map<string, string[]> {
  const files = readdirSync(new URL("dist/", ROOT), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".js"))
    .map((name) => `dist/${name.split("\\").join("/")}`);
  return new Map(files.map((file) => {
    const text = readFileSync(new URL(file, ROOT), "utf8");
    // A module's line can come twice in one file (esbuild repeats it after imports it hoisted).
    return [file, [...new Set([...text.matchAll(/^\/\/ ((?:src\/)?[\w./-]+\.ts)$/gm)].map((match) => match[1]!))]];
  }));
}

const isPackage = (path: string) => !path.startsWith(".") && !path.endsWith(".ts") && !isDistFile(path);

/**
 * What the sources of an entry load: the modules it reaches only through `import()`, and the
 * packages it imports statically.
 */
async function sourceLoads(entry: string): Promise<{ onDemand: string[]; eagerPackages: Set<string> }> {
  const inputs = await builtGraph(entry);
  const eager = reach(inputs, entry, STATIC);
  const onDemand = [...reach(inputs, entry, ANY)].filter((path) => !eager.has(path) && path.endsWith(".ts"));
  return { onDemand, eagerPackages: new Set([...eager].filter(isPackage)) };
}

describe("the published build", () => {
  it("loads at most a few files of dist/ with each entry point's import", async () => {
    const over: Record<string, { bound: number; files: string[] }> = {};
    for (const [name, file] of Object.entries(ENTRIES)) {
      const files = [...reach(await builtGraph(file), file, STATIC)].filter(isDistFile);
      const bound = MAX_FILES[name];
      if (bound === undefined || files.length > bound) over[name] = { bound: bound ?? 0, files };
    }
    expect(over).toEqual({});
  }, 60_000);

  it("builds the command as one self-contained CommonJS file, which loads no other file of dist/", async () => {
    expect(COMMAND).toMatch(/\.cjs$/);
    const text = readFileSync(new URL(COMMAND, ROOT), "utf8");
    expect(text.startsWith("#!/usr/bin/env node\n")).toBe(true);
    // Relative requires or imports would load files of dist/; packages and node: built-ins only.
    expect([...text.matchAll(/(?:require\(|import\()"(\.[^"]*)"/g)].map((m) => m[1])).toEqual([]);
    const help = execFileSync(process.execPath, [COMMAND, "--version"], { cwd: ROOT, encoding: "utf8" });
    expect(help.trim()).toBe(pkg.version);
  });

  it("holds each source module in one file of dist/ only", () => {
    const fileOf = new Map<string, string[]>();
    for (const [file, modules] of modulesByFile()) {
      for (const module of modules) fileOf.set(module, [...fileOf.get(module) ?? [], file]);
    }
    // The error classes are there: the `// src/…` lines this test reads are in the files.
    expect(fileOf.get("src/core/errors.ts")).toHaveLength(1);
    expect([...fileOf].filter(([, files]) => files.length > 1)).toEqual([]);
  });

  it("throws one HtxInputError class, whichever entry point the throwing code came through", () => {
    // A fresh Node process, importing by package name as a user does (package.json self-reference).
    const script = `
      const { HtxInputError } = await import("htx-batch-cancel");
      const { createHtxSimulator } = await import("htx-batch-cancel/testing");
      const { durableObjectLimiter } = await import("htx-batch-cancel/cloudflare");
      const caught = (run) => { try { run(); } catch (error) { return error; } };
      const errors = {
        testing: caught(() => createHtxSimulator({ timestampWindowMs: -1 })),
        cloudflare: caught(() => durableObjectLimiter({ idFromName() {}, get() {} }, " 1")),
      };
      console.log(JSON.stringify(Object.fromEntries(Object.entries(errors).map(([entry, error]) =>
        [entry, { name: error?.name, isHtxInputError: error instanceof HtxInputError }]))));
    `;
    const seen = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" }),
    );
    expect(seen).toEqual({
      testing: { name: "HtxInputError", isHtxInputError: true },
      cloudflare: { name: "HtxInputError", isHtxInputError: true },
    });
  });

  it("exports from dist/mod.js the names mod.ts exports, and the internal ones the other files import, each __htx_…", async () => {
    const source = Object.keys(await import("../mod.ts")).sort();
    const script = `
      const index = await import("htx-batch-cancel");
      console.log(JSON.stringify({
        names: Object.keys(index).sort(),
        sameClass: Object.entries(index)
          .some(([name, value]) => name.startsWith("__htx_HtxInputError$") && value === index.HtxInputError),
      }));
    `;
    const built = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" }),
    );
    const internal = built.names.filter((name: string) => name.startsWith("__htx_"));
    expect(built.names.filter((name: string) => !name.startsWith("__htx_"))).toEqual(source);
    expect(internal.length).toBeGreaterThan(0);
    expect(built.sameClass).toBe(true);
    // Named imports, not values copied out of one object at load: a bundler keeps of dist/mod.js
    // only what a file imports, and a binding stays live.
    const copied = [...modulesByFile().keys()].filter((file) =>
      /=\s*__htx\w*;/.test(readFileSync(new URL(file, ROOT), "utf8"))
    );
    expect(copied).toEqual([]);
    // Not part of the API: the declarations do not name them.
    expect(readFileSync(new URL("dist/mod.d.ts", ROOT), "utf8")).not.toContain("__htx");
  });

  it("loads what an entry's sources import with import() only through import()", async () => {
    const fileOf = new Map([...modulesByFile()].flatMap(([file, modules]) => modules.map((m) => [m, file])));
    // The client's core (what the import of "." loads) loads whole with every entry that uses it,
    // so an entry that uses part of it only on first use may load it with its import.
    const core = reach(await builtGraph("mod.ts"), "mod.ts", STATIC);
    const eagerly: Record<string, string[]> = {};
    const lost: string[] = [];
    for (const [name, file] of Object.entries(ENTRIES)) {
      const { onDemand, eagerPackages } = await sourceLoads(file.replace(/^dist\//, "").replace(/\.js$/, ".ts"));
      const built = await builtGraph(file);
      const loaded = reach(built, file, STATIC);
      const reachable = reach(built, file, ANY);
      for (const module of onDemand.filter((path) => !core.has(path))) {
        const home = fileOf.get(module);
        if (home && loaded.has(home)) (eagerly[name] ??= []).push(`${module} (in ${home})`);
        if (home && !reachable.has(home)) lost.push(`${name}: ${module} (in ${home})`);
      }
      for (const path of loaded) if (isPackage(path) && !eagerPackages.has(path)) (eagerly[name] ??= []).push(path);
    }
    expect(eagerly).toEqual({});
    expect(lost).toEqual([]);
    // There is something to check: the answer reader loads on first use, and valibot with it.
    const client = await sourceLoads("mod.ts");
    expect(client.onDemand).toContain("src/http/answer-reader.ts");
    expect(client.eagerPackages).not.toContain("valibot");
  }, 60_000);

  it(
    "loads the cancel engine with a client's first call as one file, no package: it imports the core from mod.js, loaded already",
    async () => {
      // The first call loads the engine's module; mod.js, which it imports from, is loaded already.
      const engine = "dist/chunks/src/cancel/on-demand.js";
      const core = reach(await builtGraph(ENTRIES["."]!), ENTRIES["."]!, STATIC);
      const added = [...reach(await builtGraph(engine), engine, STATIC)].filter((path) => !core.has(path));
      expect(added).toEqual([engine]);
    },
    60_000,
  );

  it(
    "loads the kill switch's first request (the account lookup) without valibot: the rounds and the readers load after it",
    async () => {
      const light = "dist/chunks/src/kill-switch/on-demand.js";
      const graph = await builtGraph(light);
      const loaded = reach(graph, light, STATIC);
      expect([...loaded].filter(isPackage)).toEqual([]);
      // What the lookup's answer and the rounds need comes later, through import() only.
      const later = [...reach(graph, light, ANY)].filter((path) => !loaded.has(path));
      expect(later).toContain("dist/chunks/src/kill-switch/until-empty.js");
      expect(later).toContain("valibot");
    },
    60_000,
  );

  it(
    "lets a user's bundler drop what is not imported: an error class or the Worker's limiter alone bundles no HtxClient",
    async () => {
      // One file, as wrangler bundles a Worker; packages left out, as they are not ours.
      const bundled = async (contents: string) => {
        const { outputFiles } = await build({
          stdin: { contents, resolveDir: fileURLToPath(ROOT), loader: "js" },
          bundle: true,
          format: "esm",
          platform: "neutral",
          write: false,
          logLevel: "silent",
          external: ["valibot", "@noble/*", "node:*", "cloudflare:*", "redis", "ioredis", "@upstash/*"],
        });
        return outputFiles[0]!.text;
      };
      const kept = {
        HtxInputError: await bundled(`export { HtxInputError } from "./dist/mod.js";`),
        cloudflare: await bundled(
          `export { durableObjectLimiter, HtxRateLimitObject } from "./dist/src/cloudflare.js";`,
        ),
        redis: await bundled(`export { redisRateLimiter } from "./dist/src/redis.js";`),
        schemas: await bundled(`export * from "./dist/src/schemas.js";`),
      };
      // esbuild writes a class `class X` or, in a module it initialises lazily, `X = class`.
      const hasClass = (name: string, text: string) =>
        new RegExp(`\\bclass ${name}\\b|\\b${name} = class\\b`).test(text);
      const withClient = Object.entries(kept).filter(([, text]) => hasClass("HtxClient", text)).map(([name]) => name);
      expect(withClient, "bundles that kept HtxClient, which they do not import").toEqual([]);
      expect(hasClass("HtxInputError", kept.HtxInputError)).toBe(true);
      // The check can see the class: a bundle that imports it keeps it.
      expect(hasClass("HtxClient", await bundled(`export { HtxClient } from "./dist/mod.js";`))).toBe(true);
    },
    60_000,
  );
});
