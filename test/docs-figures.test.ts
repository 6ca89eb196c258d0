/** Figures in the docs come from a command's output, never from hand edits. */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { ROOT } from "./docs/blocks.ts";
import { run } from "./docs/harness.ts";

const SCRIPTS =
  (JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { scripts: Record<string, string> }).scripts;

it("docs/performance.md shows exactly what the benchmarks last wrote to bench/results/", async () => {
  const { code, stderr } = await run(process.execPath, ["scripts/docs-performance.mjs", "--check"]);
  expect(code, stderr).toBe(0);
});

it("npm run bench and bench:peers write their results and render docs/performance.md from them", () => {
  expect(SCRIPTS.bench).toMatch(/node bench\/index\.mjs --json && node scripts\/docs-performance\.mjs$/);
  expect(SCRIPTS["bench:peers"]).toMatch(
    /node bench\/peers\/peers\.mjs --json && node scripts\/docs-performance\.mjs$/,
  );
});

it("defaultHmac's comment cites docs/performance.md instead of figures of its own", () => {
  const source = readFileSync(`${ROOT}src/signing/hmac.ts`, "utf8");
  const comment = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export const defaultHmac/.exec(source)?.[1];
  expect(comment).toContain("docs/performance.md");
  expect(comment).not.toMatch(/\d+\.\d/);
});
