/**
 * Every ts/js code block of README.md and docs/*.md type-checks, and every runnable one runs
 * (the convention: test/docs/blocks.ts). One test per block, named by page, line and mode, so
 * the run lists everything that was checked and run; an info string outside the convention
 * fails the suite instead of being skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allDocBlocks, type DocBlock } from "./docs/blocks.ts";
import { denoCheck, type Outcome, runWithDeno, runWithNode, typecheckNode, workFolder } from "./docs/harness.ts";

const blocks = allDocBlocks();
const nodeBlocks = blocks.filter((b) => b.mode === "run" || b.mode === "check");
const denoBlocks = blocks.filter((b) => b.mode === "deno" || b.mode === "deno-check");
const folder = workFolder();
let nodeErrors: Map<DocBlock, string[]>;
let denoChecked: Outcome;

beforeAll(async () => {
  [nodeErrors, denoChecked] = await Promise.all([
    typecheckNode(nodeBlocks, folder.path),
    denoCheck(denoBlocks, folder.path),
  ]);
}, 120_000);
afterAll(() => folder.remove());

const title = (b: DocBlock) => `${b.page}:${b.line} (${b.lang}${b.mode === "run" ? "" : ` ${b.mode}`})`;

/** What a failed run printed, for the assertion message. */
const printed = (outcome: Outcome) => `exit ${outcome.code}\n${outcome.stdout}\n${outcome.stderr}`;

describe("Node blocks: type-checked against the built package", () => {
  it.each(nodeBlocks.map((b) => [title(b), b] as const))("%s type-checks", (_, block) => {
    expect(nodeErrors.get(block)).toEqual([]);
  });
});

describe("Node blocks: run as printed", () => {
  it.each(nodeBlocks.filter((b) => b.mode === "run").map((b) => [title(b), b] as const))(
    "%s runs with Node and exits 0",
    async (_, block) => {
      const outcome = await runWithNode(block, folder.path);
      expect(outcome.code, printed(outcome)).toBe(0);
    },
    60_000,
  );
});

describe("Deno blocks: checked and run against the sources", () => {
  it(`deno check passes for ${denoBlocks.map(title).join(", ")}`, () => {
    expect(denoChecked.code, denoChecked.stderr).toBe(0);
  });
  it.each(denoBlocks.filter((b) => b.mode === "deno").map((b) => [title(b), b] as const))(
    "%s runs with Deno and exits 0",
    async (_, block) => {
      const outcome = await runWithDeno(block, folder.path);
      expect(outcome.code, printed(outcome)).toBe(0);
    },
    60_000,
  );
});

it("the docs have blocks of every kind the convention names", () => {
  expect(new Set(blocks.map((b) => b.mode))).toEqual(new Set(["run", "check", "deno", "deno-check"]));
});
