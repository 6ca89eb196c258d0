/**
 * The npm build (`npm run build`): dist/ with the declarations (tsc -p tsconfig.build.json),
 * one bundled ES module per entry point of package.json "exports", and the command ("bin"), at
 * the paths those name.
 *
 * Node's start-up pays per module file (resolve, read, compile, link). One esbuild run over all
 * entries with splitting cuts the shared code into a chunk per combination of entries and
 * `import()`s that use it: `import "htx-batch-cancel"` loaded 13 to 18 files. Here each module
 * belongs to exactly one stage, and each stage is one esbuild run of at most two entries:
 * - stages are claimed in order: the static import graph of "."; then, one stage each, the
 *   targets of its `import()`s that import no package: the cancel engine first (it holds the
 *   signer and the request builder), then the others (the kill switch's light half) largest
 *   first, so that the first call of a client loads one stage, not three barrels of other
 *   entries (issue 29); then the other "exports" in
 *   package.json's order, each less what earlier stages own (the Worker and Pact entries load
 *   the engine's barrel for the signer and the timers); then the targets of `import()`s no stage
 *   owns yet, those that import no package first (the answer reader with valibot, noble, the
 *   kill switch), so what loads on first use stays out of every entry's static graph and a module
 *   a package-free stage shares with valibot's (the body reader, the refusals) does not load
 *   valibot with it. The engine's stage was once claimed after the entries: it then loaded the
 *   Pact, Worker and answer-reader barrels, valibot with the last, before its first request;
 * - a stage whose modules later stages import also builds a generated barrel re-exporting them
 *   under aliases; a later stage imports them through it, never from a copy of its own, so
 *   `HtxInputError` is one class whichever entry it came through and `instanceof` holds across
 *   entries. Each module loaded costs a cold start about 1 ms (docs/performance.md, "The first
 *   call"), so: a stage only `import()` reaches (the engine, the kill switch) is one file, its
 *   barrel included; the package index is one file too, its barrel's names exported beside the
 *   public ones (`__htx_…`, not in the types; see INTERNAL); another public entry's barrel,
 *   `chunks/<root>.internal.js`, is apart (that entry's file exports only its own names) and only
 *   re-exports the chunk the entry shares with it: the files importing from it import from that
 *   chunk instead, and it is left out of dist/. An `import()` of a module that is not its
 *   stage's root goes through a small chunk re-exporting it.
 * So `dist/mod.js` is one file, the first call loads one more, and every other entry loads its
 * own one or two files plus one per stage it imports from.
 *
 * The command is apart: one self-contained CommonJS file (`dist/src/cli.cjs`), with every module
 * it may use inlined and evaluated on first use, and packages `require`d where they are used.
 * It runs in a process of its own, so no class of it meets a library user's; and Node starts
 * CommonJS with no ES module loader (one synchronous read, no per-file resolution), about 10 ms
 * sooner than the same code as ES modules (bench/index.mjs, CLI row). Deno runs src/cli.ts.
 *
 * `node scripts/build.mjs --plan` prints the stages. The build is written under `.cache/` and
 * moved onto dist/ at the end: dist/ is never half-built. It fails loudly if a module would be
 * in two files, if two barrel exports would share a name, or if a stage imports a name the
 * barrel does not export (esbuild: "No matching export").
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
/** An import across stages is written `htx-build:<path in dist>` and made relative at the end. */
const MARK = "htx-build:";
/** What a client's first `batchCancel` loads (src/client.ts): claimed before every other `import()` target. */
const FIRST_CALL = "src/cancel/on-demand.ts";
/** The generated barrel of a stage, as an esbuild entry. */
const BARREL = "htx-barrel:";
/** Options every esbuild run here shares (those of the single esbuild command this replaces). */
const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  format: "esm",
  platform: "neutral",
  packages: "external",
  write: false,
  metafile: true,
  logLevel: "warning",
};

const slash = (path) => path.split("\\").join("/");
const withoutExtension = (path) => path.replace(/\.[cm]?[jt]s$/, "");

/**
 * The entry points package.json "exports" publishes, "." first: each source (`src/schemas.ts`)
 * with its path in dist/ without extension (`src/schemas`). The command is built apart
 * ({@link buildCommands}).
 */
function publicEntries(pkg) {
  const targets = Object.entries(pkg.exports)
    .sort(([a], [b]) => Number(b === ".") - Number(a === "."))
    .map(([, target]) => typeof target === "string" ? target : target.default ?? target.import);
  const entries = new Map();
  for (const target of targets) {
    const match = /^\.\/dist\/(.+)\.js$/.exec(target ?? "");
    if (!match) continue; // ./package.json
    const source = `${match[1]}.ts`;
    if (!existsSync(join(ROOT, source))) throw new Error(`package.json names ${target}, but ${source} does not exist`);
    entries.set(source, match[1]);
  }
  return [...entries].map(([source, out]) => ({ source, out }));
}

/** Every module the entries reach, with the modules it imports statically and with `import()`. */
async function importGraph(entries) {
  const { metafile } = await build({
    ...COMMON,
    entryPoints: entries.map(({ source }) => source),
    splitting: true,
    outdir: join(ROOT, ".cache/build-graph"), // never written: write is false
    logLevel: "error",
  });
  const graph = new Map();
  for (const [path, input] of Object.entries(metafile.inputs)) {
    const links = { static: new Set(), dynamic: new Set(), packages: new Set() };
    for (const link of input.imports) {
      // Packages stay imports of the published files; a relative import marked external is
      // one that TypeScript erases (types only).
      if (link.external) {
        if (link.kind === "import-statement" && !link.path.startsWith(".")) links.packages.add(link.path);
        continue;
      }
      if (link.kind === "import-statement") links.static.add(link.path);
      else if (link.kind === "dynamic-import") links.dynamic.add(link.path);
      else throw new Error(`${path}: a ${link.kind} of ${link.path}; the build handles only ES imports`);
    }
    graph.set(path, links);
  }
  return graph;
}

/**
 * Gives every module to one stage (see the top of this file). Returns the stages, each
 * `{ index, root, out, modules }`, and the stage of each module. A public entry that an earlier
 * stage owns gets a stage with no modules: its file re-exports it from that stage's barrel.
 */
function planStages(entries, graph) {
  const stages = [];
  const owner = new Map();
  const onDemand = [];
  const claim = (root, out, internal = false) => {
    const stage = { index: stages.length, root, out, internal, modules: new Set() };
    stages.push(stage);
    for (const pending = [root]; pending.length > 0;) {
      const path = pending.pop();
      if (owner.has(path)) continue;
      owner.set(path, stage);
      stage.modules.add(path);
      pending.push(...graph.get(path).static);
    }
    for (const path of stage.modules) onDemand.push(...graph.get(path).dynamic);
  };
  const loadsPackages = (root) => reach(graph, root).some((path) => graph.get(path).packages.size > 0);
  const onDemandStages = (paths) => {
    for (const path of paths) if (!owner.has(path)) claim(path, `chunks/${withoutExtension(path)}`, true);
  };
  const [index, ...others] = entries;
  claim(index.source, index.out);
  // What the package index loads on first use without a package: the cancel engine first (the
  // first call of every client; it holds the signer and request builder, which are import()
  // targets too), then the others largest first. The first call then loads one stage, not the
  // barrels of the Worker and Pact entries that claimed its modules before, nor the kill switch's,
  // which holds the engine's modules and more.
  const bySize = (paths) => paths.map((p) => [p, reach(graph, p).length]).sort((a, b) => b[1] - a[1]).map(([p]) => p);
  const packageFree = onDemand.filter((path) => !loadsPackages(path));
  onDemandStages([...packageFree.filter((p) => p === FIRST_CALL), ...bySize(packageFree)]);
  for (const { source, out } of others) {
    if (owner.has(source)) stages.push({ index: stages.length, root: source, out, modules: new Set() });
    else claim(source, out);
  }
  // Package-free first: a module shared with a stage that imports a package (the answer reader,
  // valibot) then belongs to the package-free one, so loading that one never loads the package.
  onDemandStages([...onDemand.filter((path) => !loadsPackages(path)), ...onDemand.filter(loadsPackages)]);
  return { stages, owner };
}

/** Every module `root` imports statically, itself included, whoever owns them. */
function reach(graph, root) {
  const seen = new Set();
  for (const pending = [root]; pending.length > 0;) {
    const path = pending.pop();
    if (seen.has(path)) continue;
    seen.add(path);
    pending.push(...graph.get(path).static);
  }
  return [...seen];
}

/**
 * The modules of each stage that other stages import: what its barrel re-exports. A static
 * import can only point to an earlier stage (a stage holds all that its modules import but
 * what earlier stages own); an `import()` of a stage's root loads the root's own file.
 */
function barrelModules(graph, { stages, owner }) {
  const exported = new Map();
  const add = (stage, path) => exported.set(stage, (exported.get(stage) ?? new Set()).add(path));
  for (const stage of stages) if (owner.get(stage.root) !== stage) add(owner.get(stage.root), stage.root);
  for (const [path, links] of graph) {
    const from = owner.get(path);
    for (const target of links.static) {
      const to = owner.get(target);
      if (to.index > from.index) throw new Error(`${path} imports ${target}, which a later stage owns`);
      if (to !== from) add(to, target);
    }
    for (const target of links.dynamic) {
      const to = owner.get(target);
      if (to !== from && to.root !== target) add(to, target);
    }
  }
  return exported;
}

/** The names each module exports at run time (types are erased), as esbuild bundles it. */
async function exportNames(modules) {
  if (modules.length === 0) return new Map();
  const { metafile } = await build({
    ...COMMON,
    entryPoints: modules,
    outdir: join(ROOT, ".cache/build-exports"), // never written
    logLevel: "error",
  });
  const names = new Map();
  for (const output of Object.values(metafile.outputs)) {
    if (output.entryPoint) names.set(output.entryPoint, output.exports);
  }
  return names;
}

/**
 * For each stage with a barrel: its path in dist/ (no extension) and, per module it re-exports,
 * `[name, alias]` pairs; an alias is the name, `$` and the module's number (`HtxInputError$0`),
 * so exports of different modules never clash.
 */
function planBarrels(exported, names) {
  const barrels = new Map();
  for (const [stage, modules] of exported) {
    const aliases = new Map();
    const taken = new Set();
    // The index's own file exports its barrel's names beside the public ones: INTERNAL marks them.
    const prefix = stage.index === 0 ? INTERNAL : "";
    [...modules].sort().forEach((path, index) => {
      const pairs = names.get(path).map((name) => {
        if (!/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name)) throw new Error(`${path}: cannot re-export "${name}"`);
        const alias = `${prefix}${name}$${index}`;
        if (taken.has(alias)) throw new Error(`barrel of ${stage.root}: two exports named ${alias}`);
        taken.add(alias);
        return [name, alias];
      });
      aliases.set(path, pairs);
    });
    // A stage only `import()` reaches is internal: its one file is its barrel too, so loading it
    // loads one file. So is the package index's (stage 0, what every import loads), its barrel's
    // names beside the public ones, each prefixed with INTERNAL. Another public entry's file must
    // export only its own names: its barrel is apart.
    const merged = stage.internal || stage.index === 0;
    const out = merged ? stage.out : `chunks/${withoutExtension(stage.root)}.internal`;
    barrels.set(stage, { out, merged, aliases });
  }
  return barrels;
}

const reexport = (pairs, from) =>
  `export { ${pairs.map(([name, alias]) => `${name} as ${alias}`).join(", ")} } from ${JSON.stringify(from)};`;

/**
 * The prefix of the names besides the public ones that dist/mod.js exports: what the other files
 * import from it (`__htx_HtxInputError$4`, …), so the index is one file, not a file and a chunk
 * (a module fewer costs a cold start about 1 ms; docs/performance.md, "The first call").
 * Internal: not in the types, not part of the API. Named exports, not one object of them: a
 * bundler keeps of dist/mod.js only the names a file imports (an object that holds them all
 * kept the whole index in a bundle of the Worker or Redis entry alone), and an import is a live
 * binding (an object's values are copied once, at load).
 */
const INTERNAL = "__htx_";

/**
 * The esbuild plugin of one stage: its barrel, generated; a module another stage owns becomes
 * its exports from that stage's barrel, or, for an `import()` of that stage's root, the root's
 * file.
 */
function stagePlugin(stage, { owner, barrels }) {
  return {
    name: "htx-stages",
    setup(esbuild) {
      esbuild.onResolve({ filter: /^htx-(build|barrel):/ }, ({ path }) => {
        return path.startsWith(MARK) ? { path, external: true } : { path, namespace: "htx-barrel" };
      });
      esbuild.onLoad({ filter: /.*/, namespace: "htx-barrel" }, () => {
        const { aliases, merged } = barrels.get(stage);
        const lines = [...aliases].map(([path, pairs]) => reexport(pairs, `./${path}`));
        if (merged) lines.unshift(`export * from ${JSON.stringify(`./${stage.root}`)};`);
        return { contents: lines.join("\n"), resolveDir: ROOT, loader: "js" };
      });
      esbuild.onResolve({ filter: /^\./ }, ({ path, resolveDir, importer, kind }) => {
        const module = slash(relative(ROOT, resolve(resolveDir, path)));
        const target = owner.get(module);
        if (target === stage) return undefined;
        if (!target) throw new Error(`${importer} imports ${path}, which the import graph did not see`);
        if (kind === "dynamic-import" && target.root === module) {
          return { path: `${MARK}${target.out}.js`, external: true };
        }
        return { path: module, namespace: "htx-imported" };
      });
      esbuild.onLoad({ filter: /.*/, namespace: "htx-imported" }, ({ path }) => {
        const { out, aliases } = barrels.get(owner.get(path));
        const pairs = aliases.get(path).map(([name, alias]) => [alias, name]);
        return { contents: reexport(pairs, `${MARK}${out}.js`), loader: "js" };
      });
    },
  };
}

/**
 * One stage, built in memory: its root and its barrel, with splitting between them; an internal
 * stage's barrel is its one entry, re-exporting its root too.
 */
function buildStage(stage, plan, outdir) {
  const barrel = plan.barrels.get(stage);
  // As a relative path, the root goes through the plugin: a root another stage owns is re-exported.
  const entryPoints = barrel?.merged ? [] : [{ in: `./${stage.root}`, out: stage.out }];
  if (barrel) entryPoints.push({ in: `${BARREL}${stage.index}`, out: barrel.out });
  return build({
    ...COMMON,
    entryPoints,
    splitting: true,
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    plugins: [stagePlugin(stage, plan)],
  });
}

/**
 * Each output file of every stage, its `htx-build:` imports made relative to it, past the
 * barrels of public entries (`bypassBarrels`). Fails if two stages wrote the same file or if a
 * source module is in more than one file.
 */
function link(results, outdir, barrels) {
  const files = new Map();
  const placed = new Map();
  for (const { outputFiles, metafile } of results) {
    for (const file of outputFiles) {
      const path = slash(relative(outdir, file.path));
      if (files.has(path)) throw new Error(`two stages wrote dist/${path}`);
      files.set(path, file.text);
    }
    for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
      for (const input of Object.keys(inputs).filter((name) => !name.includes(":"))) {
        if (placed.has(input)) throw new Error(`${input} is in ${placed.get(input)} and in ${output}`);
        placed.set(input, output);
      }
    }
  }
  const bypassed = bypassBarrels(files, [...barrels.values()].filter((b) => !b.merged).map((b) => `${b.out}.js`));
  for (const [path, raw] of bypassed) {
    const text = raw.replace(/"htx-build:([^"]+)"/g, (_, target) => {
      const to = slash(relative(dirname(path), target));
      return JSON.stringify(to.startsWith(".") ? to : `./${to}`);
    });
    if (text.includes(MARK)) throw new Error(`dist/${path}: an import left unlinked`);
    bypassed.set(path, text);
  }
  return bypassed;
}

/** `import { a, b as c } from "x";` or `export { … } from "x";`: the statement, its names, the path. */
const NAMED_FROM = /\b(import|export)\s*\{([^}]*)\}\s*from\s*"([^"]+)";/g;
const specifiers = (list) =>
  list.split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
    const [name, local = name] = s.split(/\s+as\s+/);
    return { name, local };
  });

/**
 * A public entry's barrel only re-exports the chunk it shares with the entry, whose file is
 * loaded already by then: each other stage imports those names from that chunk instead, so the
 * first call loads one file less (docs/performance.md, "First call"). The barrels are then
 * left out of dist/. Fails if a barrel holds more than re-exports or an import of one is not
 * a named import.
 */
function bypassBarrels(files, barrelPaths) {
  const targets = new Map(); // barrel path → its alias → [chunk path, name in the chunk]
  for (const path of barrelPaths) {
    const text = files.get(path);
    const locals = new Map();
    const aliases = new Map();
    const rest = text.replace(NAMED_FROM, (_, kind, list, from) => {
      if (kind === "import") {
        const chunk = slash(join(dirname(path), from));
        for (const { name, local } of specifiers(list)) locals.set(local, [chunk, name]);
      }
      return "";
    }).replace(/\bexport\s*\{([^}]*)\};/g, (_, list) => {
      for (const { name, local } of specifiers(list)) aliases.set(local, locals.get(name));
      return "";
    });
    if (rest.replace(/\/\/.*$/gm, "").trim() !== "" || [...aliases.values()].includes(undefined)) {
      throw new Error(`dist/${path}: a barrel that does more than re-export its chunk`);
    }
    targets.set(path, aliases);
  }
  const out = new Map();
  for (const [path, text] of files) {
    if (targets.has(path)) continue;
    out.set(
      path,
      text.replace(NAMED_FROM, (statement, kind, list, from) => {
        const aliases = from.startsWith(MARK) && targets.get(from.slice(MARK.length));
        if (!aliases) return statement;
        const byChunk = new Map();
        for (const { name, local } of specifiers(list)) {
          const [chunk, inChunk] = aliases.get(name) ?? [];
          if (!chunk) throw new Error(`dist/${path}: ${from} has no export ${name}`);
          byChunk.set(chunk, [...(byChunk.get(chunk) ?? []), `${inChunk} as ${local}`]);
        }
        return [...byChunk].map(([chunk, list]) => `${kind} { ${list.join(", ")} } from "${MARK}${chunk}";`).join("\n");
      }),
    );
    for (const barrel of targets.keys()) {
      if (out.get(path).includes(`"${MARK}${barrel}"`)) throw new Error(`dist/${path}: an import of ${barrel} left`);
    }
  }
  return out;
}

/** Every entry bundled in memory: path in dist/ → text. */
async function bundles(entries, outdir) {
  const graph = await importGraph(entries);
  const { stages, owner } = planStages(entries, graph);
  const exported = barrelModules(graph, { stages, owner });
  const names = await exportNames([...exported.values()].flatMap((modules) => [...modules]));
  const plan = { owner, barrels: planBarrels(exported, names) };
  return link(await Promise.all(stages.map((stage) => buildStage(stage, plan, outdir))), outdir, plan.barrels);
}

/** `--plan`: each stage, its modules and which modules of other stages import them. */
async function printPlan(entries) {
  const graph = await importGraph(entries);
  const { stages, owner } = planStages(entries, graph);
  for (const stage of stages) {
    console.log(`stage ${stage.index}: ${stage.root} -> dist/${stage.out}.js`);
    const home = owner.get(stage.root);
    if (home !== stage) console.log(`  ${stage.root}: re-exported from stage ${home.index}'s barrel`);
    for (const path of stage.modules) {
      const users = [...graph].filter(([from, links]) =>
        owner.get(from) !== stage && (links.static.has(path) || links.dynamic.has(path))
      );
      console.log(`  ${path}${users.length ? `  <- ${users.map(([from]) => from).join(", ")}` : ""}`);
    }
  }
}

/**
 * The command of package.json "bin" (`./dist/src/cli.cjs`, from src/cli.ts), bundled as one
 * self-contained CommonJS file: path in dist/ → text.
 */
async function buildCommands(pkg, outdir) {
  const files = new Map();
  const bins = typeof pkg.bin === "string" ? [pkg.bin] : Object.values(pkg.bin ?? {});
  for (const target of bins) {
    const match = /^\.\/dist\/(.+)\.cjs$/.exec(target);
    if (!match) throw new Error(`package.json "bin" names ${target}: the build makes a command only as dist/….cjs`);
    const source = `${match[1]}.ts`;
    if (!existsSync(join(ROOT, source))) throw new Error(`package.json names ${target}, but ${source} does not exist`);
    const { outputFiles } = await build({
      ...COMMON,
      entryPoints: [source],
      format: "cjs",
      platform: "node",
      outfile: join(outdir, `${match[1]}.cjs`),
    });
    for (const file of outputFiles) files.set(slash(relative(outdir, file.path)), file.text);
  }
  return files;
}

/** The declarations (tsc -p tsconfig.build.json) into `outdir` instead of dist/. */
function declarations(outdir) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const child = spawn(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", outdir], {
    cwd: ROOT,
    stdio: "inherit",
  });
  return new Promise((done, fail) => {
    child.on("error", fail);
    child.on("exit", (code) => code === 0 ? done() : fail(new Error(`tsc -p tsconfig.build.json exited with ${code}`)));
  });
}

/**
 * Puts `next` where dist/ is, in two renames back to back (the old dist/ goes into `scratch`,
 * removed with it); if another build puts its dist/ there in between, moves that one away too.
 */
async function replaceDist(next, scratch) {
  for (let attempt = 0;; attempt++) {
    await rename(DIST, join(scratch, `old-${attempt}`)).catch((error) => {
      if (error.code !== "ENOENT") throw error;
    });
    try {
      return await rename(next, DIST);
    } catch (error) {
      if (!["ENOTEMPTY", "EEXIST"].includes(error.code) || attempt === 5) throw error;
    }
  }
}

async function main() {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const entries = publicEntries(pkg);
  if (process.argv.includes("--plan")) return printPlan(entries);
  const scratch = join(ROOT, `.cache/build-${process.pid}`);
  const next = join(scratch, "dist");
  await rm(scratch, { recursive: true, force: true });
  await mkdir(next, { recursive: true });
  const typesWritten = declarations(next);
  typesWritten.catch(() => {}); // awaited below; on an earlier failure, still waited for before cleaning up
  try {
    const files = new Map([...await bundles(entries, next), ...await buildCommands(pkg, next)]);
    await typesWritten;
    for (const [path, text] of files) {
      await mkdir(dirname(join(next, path)), { recursive: true });
      await writeFile(join(next, path), text);
    }
    await replaceDist(next, scratch);
  } finally {
    await typesWritten.catch(() => {});
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
