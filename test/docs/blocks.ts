/**
 * The code blocks of the docs (README.md and docs/*.md), and what the harness does with each.
 *
 * The info string of a fenced block says how it is tested (test/docs-examples.test.ts):
 *
 * | info string            | what the harness does                                                    |
 * |------------------------|--------------------------------------------------------------------------|
 * | `ts`, `js`             | type-check against the built package, then run with Node: must exit 0    |
 * | `ts check`, `js check` | type-check only: it needs real HTX keys, files or a Worker runtime        |
 * | `ts deno`              | `deno check`, then `deno run` against the sources: must exit 0           |
 * | `ts deno check`        | `deno check` only                                                        |
 *
 * Any other word after `ts`/`js` is an error, so no block is ever skipped silently. Blocks in
 * other languages (`sh`, `toml`, `json`, `text`, none) are not code the harness can run.
 */
import { readdirSync, readFileSync } from "node:fs";

/** How a block is tested. */
export type BlockMode = "run" | "check" | "deno" | "deno-check";

/** One ts/js block of a Markdown page. */
export interface DocBlock {
  /** The page, relative to the project root (`README.md`, `docs/api.md`). */
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: "ts" | "js";
  readonly mode: BlockMode;
  readonly code: string;
}

const MODES: Record<string, BlockMode> = { "": "run", check: "check", deno: "deno", "deno check": "deno-check" };

/** The project's root folder, with a trailing slash. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** README.md and every docs/*.md page, relative to the root. */
export function docPages(): string[] {
  const docs = readdirSync(`${ROOT}docs`).filter((name) => name.endsWith(".md")).sort();
  return ["README.md", ...docs.map((name) => `docs/${name}`)];
}

/** The ts/js blocks of one page; throws on an info string outside the convention above. */
export function blocksOf(page: string, text = readFileSync(`${ROOT}${page}`, "utf8")): DocBlock[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\S*)\s*(.*?)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open as unknown as [string, string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !isClosing(lines[j]!, fence)) body.push(lines[j++]!.slice(indent.length));
    if (j === lines.length) throw new Error(`${page}:${i + 1}: a code block is never closed`);
    if (lang === "ts" || lang === "js") {
      const mode = MODES[rest];
      if (mode === undefined) {
        throw new Error(
          `${page}:${
            i + 1
          }: unknown info string "${lang} ${rest}"; use ${lang}, ${lang} check, ts deno or ts deno check`,
        );
      }
      blocks.push({ page, line: i + 1, lang, mode, code: `${body.join("\n")}\n` });
    }
    i = j;
  }
  return blocks;
}

function isClosing(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(fence) && /^[`~]+$/.test(trimmed) && trimmed[0] === fence[0];
}

/** Every ts/js block of README.md and docs/*.md. */
export function allDocBlocks(): DocBlock[] {
  return docPages().flatMap((page) => blocksOf(page));
}

/** A file name for a block: the page and the line, so an error points back to the Markdown. */
export function blockFileName(block: DocBlock, extension: string): string {
  return `${block.page.replace(/[^A-Za-z0-9]+/g, "_")}_L${block.line}.${extension}`;
}
