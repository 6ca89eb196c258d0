/**
 * Type-checks and runs the code blocks of the docs (test/docs/blocks.ts says which and how).
 *
 * Node blocks are type-checked with tsc against the **built package** (dist/*.d.ts, reached
 * through package.json `exports`, as a user's project reaches it) and run with Node against
 * dist/*.js: what is checked is what runs and what npm ships. test/global-setup.ts builds dist/.
 * Deno blocks are checked and run against the TypeScript sources, as JSR serves them: a file
 * inside the project that imports "@htx-tools/batch-cancel" resolves to mod.ts (deno.json).
 * Every run works in its own folder under .cache/, inside the project, so that both
 * self-references resolve and two runs of the suite side by side never share a file.
 */
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { transform } from "esbuild";
import { blockFileName, type DocBlock, ROOT } from "./blocks.ts";

/** What a process printed, and how it ended. */
export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (or `timeoutMs`), never throwing. */
export function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}) {
  return new Promise<Outcome>((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd ?? ROOT,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 16 * 2 ** 20,
        env: { ...process.env, DENO_DIR: `${ROOT}.deno`, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: error && code === 1 && !stderr ? String(error) : stderr });
      },
    );
  });
}

/** `deno <args>` through the npm package's launcher (a bare `deno` may not be on PATH). */
export function deno(args: string[], cwd = ROOT): Promise<Outcome> {
  return run(process.execPath, [`${ROOT}node_modules/deno/bin.cjs`, ...args], { cwd });
}

/** A fresh folder under .cache/ for one run; `remove()` deletes it. */
export function workFolder(): { path: string; remove(): void } {
  const path = `${ROOT}.cache/docs-examples-${process.pid}-${Math.random().toString(36).slice(2, 8)}/`;
  mkdirSync(path, { recursive: true });
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Where an error in a block's file sits in the Markdown: `README.md:12`. */
function pointBack(output: string, blocks: readonly DocBlock[], extension: (b: DocBlock) => string): string {
  let text = output;
  for (const block of blocks) {
    const name = blockFileName(block, extension(block));
    text = text.replace(
      new RegExp(`(?:[^\\s(]*/)?${name.replace(/\./g, "\\.")}[(:](\\d+)[,:](\\d+)\\)?`, "g"),
      (_, line: string, column: string) => `${block.page}:${block.line + Number(line)}:${column}`,
    );
  }
  return text;
}

const nodeExtension = (block: DocBlock) => (block.lang === "ts" ? "ts" : "mjs");

/**
 * Type-checks the Node blocks in one tsc program (each block its own module, Node's types,
 * strict). Resolves with each block's errors, keyed by the block, empty when it is clean.
 * tsc reports no type errors at all while any file has a syntax error, so blocks with syntax
 * errors are set aside and the rest checked again.
 */
export async function typecheckNode(blocks: readonly DocBlock[], folder: string): Promise<Map<DocBlock, string[]>> {
  const errors = new Map(blocks.map((block) => [block, [] as string[]]));
  let pending = [...blocks];
  while (pending.length > 0) {
    const found = await tscErrors(pending, folder);
    for (const [block, lines] of found) errors.get(block)!.push(...lines);
    const syntax = pending.filter((block) => found.get(block)?.some((line) => /error TS1\d{3}:/.test(line)));
    pending = syntax.length > 0 ? pending.filter((block) => !syntax.includes(block)) : [];
  }
  return errors;
}

/** One tsc run over `blocks`: the errors of each block that has any. */
async function tscErrors(blocks: readonly DocBlock[], folder: string): Promise<Map<DocBlock, string[]>> {
  const files = blocks.map((block) => {
    const file = blockFileName(block, nodeExtension(block));
    writeFileSync(`${folder}${file}`, block.code);
    return file;
  });
  const config = {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      types: ["node"],
      typeRoots: [`${ROOT}node_modules/@types`],
      module: "ESNext",
      moduleResolution: "Bundler",
      moduleDetection: "force",
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowJs: true,
      checkJs: true,
    },
    files,
  };
  writeFileSync(`${folder}tsconfig.json`, JSON.stringify(config));
  const tsc = [`${ROOT}node_modules/typescript/bin/tsc`, "-p", "tsconfig.json", "--pretty", "false"];
  const { stdout, stderr } = await run(process.execPath, tsc, { cwd: folder });
  const errors = new Map<DocBlock, string[]>();
  for (const line of `${stdout}${stderr}`.split("\n").filter((l) => /^\S/.test(l))) {
    const owner = blocks.find((_, i) => line.startsWith(`${files[i]}(`));
    if (!owner) throw new Error(`tsc reported outside the blocks: ${line}`);
    errors.set(owner, [...(errors.get(owner) ?? []), pointBack(line, [owner], nodeExtension)]);
  }
  return errors;
}

/** Runs a Node block as a user would run the file: compiled to JavaScript, `node file.mjs`. */
export async function runWithNode(block: DocBlock, folder: string): Promise<Outcome> {
  const { code } = await transform(block.code, { loader: block.lang, format: "esm", target: "node20" });
  const file = `${folder}${blockFileName(block, "run.mjs")}`;
  writeFileSync(file, code);
  return await run(process.execPath, [file], { cwd: folder });
}

/** `deno check` over the Deno blocks in one run; the output points back into the Markdown. */
export async function denoCheck(blocks: readonly DocBlock[], folder: string): Promise<Outcome> {
  const files = blocks.map((block) => {
    const file = `${folder}${blockFileName(block, "ts")}`;
    writeFileSync(file, block.code);
    return file;
  });
  if (files.length === 0) return { code: 0, stdout: "", stderr: "" };
  const outcome = await deno(["check", ...files]);
  return { ...outcome, stderr: pointBack(outcome.stderr, blocks, () => "ts") };
}

/** `deno run` of one Deno block, with the permissions a user would grant a script of this module. */
export async function runWithDeno(block: DocBlock, folder: string): Promise<Outcome> {
  const file = `${folder}${blockFileName(block, "ts")}`;
  writeFileSync(file, block.code);
  return await deno(["run", "--allow-net", "--allow-env", "--allow-read", file], folder);
}
