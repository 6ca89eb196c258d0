/**
 * README.md as a newcomer reads it: short, its quickstart prints what its comments say, its
 * generated blocks are a real run, its figures agree with package.json, its links lead
 * somewhere, and its kill switch is the tested example, not a copy of it.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { blocksOf, docPages, ROOT } from "./docs/blocks.ts";
import { run, runWithNode, workFolder } from "./docs/harness.ts";

const README = readFileSync(`${ROOT}README.md`, "utf8");
const PACKAGE = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { engines: { node: string } };

describe("README.md", () => {
  it("stays well under 250 lines (the rest lives in docs/)", () => {
    expect(README.split("\n").length).toBeLessThan(240);
  });

  it("has the sections a user needs first, in order", () => {
    const headings = [...README.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    const wanted = ["Run it", "Install", "Quickstart", "API", "Kill switch", "Ed25519 keys", "Command line"];
    expect(headings.filter((h) => wanted.includes(h!))).toEqual(wanted);
    // The CLI's --help sends users to README, "Simulator".
    expect(headings.some((h) => h!.startsWith("Simulator"))).toBe(true);
  });

  it("the quickstart runs as printed and shows what its comments say", async () => {
    const quickstart = blocksOf("README.md").find((b) => b.code.includes("state ?? f.errCode"));
    expect(quickstart?.lang).toBe("js");
    const folder = workFolder();
    try {
      const { code, stdout, stderr } = await runWithNode(quickstart!, folder.path);
      expect(code, stderr).toBe(0);
      const printed = stdout.trim().split("\n").map((line) => JSON.parse(line.replace(/'/g, '"')));
      expect(printed).toEqual([
        ["357631450723117"],
        [["357631450723118", "filled"], ["12345", "base-not-found"]],
        [],
      ]);
    } finally {
      folder.remove();
    }
  }, 60_000);

  it("its demo output and CLI usage are those of a real run, timings aside", async () => {
    const { code, stderr } = await run(process.execPath, ["scripts/docs-readme.mjs", "--check"]);
    expect(code, stderr).toBe(0);
  }, 120_000);

  it("names the Node version package.json's engines require, and no other", () => {
    const required = /^>=(\d+\.\d+)$/.exec(PACKAGE.engines.node)?.[1];
    expect(required).toBeDefined();
    const named = [...README.matchAll(/Node (\d+(?:\.\d+)*)\+/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([required]));
  });

  it("says plainly that nothing is published, and sends nobody to a registry", () => {
    expect(README).toMatch(/\*\*Not published yet\.\*\*/);
    expect(README).not.toMatch(/(npm install|bun add|npx jsr add|deno add) (jsr:)?(htx-batch-cancel|@htx-tools)/);
    expect(README).not.toContain("jsr:@htx-tools/batch-cancel");
  });

  it("points at the tested kill-switch Worker instead of carrying a copy of it", () => {
    expect(README).toContain("examples/cloudflare-worker");
    // A Worker in the README would be a hand copy no test runs: examples/cloudflare-worker is
    // the one that runs in workerd (test/runtimes/kill-switch-worker.test.ts).
    const workers = blocksOf("README.md").filter((b) => /export default\s*\{[\s\S]*fetch\s*\(/.test(b.code));
    expect(workers.map((b) => `README.md:${b.line}`)).toEqual([]);
  });
});

it("every relative link in README.md and docs/ leads to a file that exists", () => {
  const broken: string[] = [];
  for (const page of docPages()) {
    const text = readFileSync(`${ROOT}${page}`, "utf8");
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const path = new URL(target!, `file://${ROOT}${page}`).pathname;
      if (!existsSync(path)) broken.push(`${page} → ${target}`);
    }
  }
  expect(broken).toEqual([]);
});
