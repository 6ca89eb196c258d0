/**
 * What the two registries would receive, file by file: the npm tarball (`npm pack --dry-run`)
 * and the JSR package (`deno publish --dry-run`), each compared with a reviewed list in
 * test/snapshots/. Both carry every page the README and the shipped docs link to, CHANGELOG.md
 * and SECURITY.md, and none of the tests, benchmarks, contracts, scripts or examples.
 *
 * A file added under src/ changes the lists: review the diff, then `npm run snapshot:files`
 * rewrites them (CONTRIBUTING.md, "The published files").
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "./docs/blocks.ts";
import { deno } from "./docs/harness.ts";

const HOW_TO_UPDATE = "The published files changed. Review the diff; if every file in it belongs in the " +
  "package, run `npm run snapshot:files` and commit test/snapshots/.";

/** The tarball's files (dist/ is built by test/global-setup.ts); esbuild's chunk hashes as `[hash]`. */
function npmFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--loglevel=error"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const [packed] = JSON.parse(out) as [{ files: { path: string }[] }];
  const paths = packed.files.map((f) => f.path.replace(/^(dist\/chunks\/.*-)[A-Z0-9]{8}(\.js)$/, "$1[hash]$2"));
  return [...new Set(paths)].sort();
}

/** The JSR package's files, from `deno publish --dry-run` (`--no-check`: test:package type-checks). */
async function jsrFiles(): Promise<string[]> {
  const { code, stdout, stderr } = await deno(["publish", "--dry-run", "--allow-dirty", "--no-check"]);
  expect(code, stderr).toBe(0);
  const files = [...`${stdout}\n${stderr}`.matchAll(/^\s+file:\/\/(\S+) \(/gm)].map((m) => m[1]!);
  expect(files.length, `${stdout}\n${stderr}`).toBeGreaterThan(0);
  return files.map((path) => path.slice(ROOT.length)).sort();
}

/** Compares with the committed list; `vitest -u` rewrites it. */
async function expectSnapshot(files: string[], name: string): Promise<void> {
  try {
    await expect(`${files.join("\n")}\n`).toMatchFileSnapshot(`snapshots/${name}`);
  } catch (error) {
    if (error instanceof Error) error.message = `${error.message}\n\n${HOW_TO_UPDATE}`;
    throw error;
  }
}

/** Relative links of a shipped Markdown page to files, resolved from the package's root. */
function linkedFiles(page: string): string[] {
  const text = readFileSync(`${ROOT}${page}`, "utf8");
  return [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => new URL(target, `file:///${page}`).pathname.slice(1));
}

/** Every page a user can reach from README.md by following links inside the package. */
function reachablePages(shipped: readonly string[]): { missing: string[]; pages: string[] } {
  const pages = ["README.md"];
  const missing: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    for (const target of linkedFiles(pages[i]!)) {
      if (!shipped.includes(target)) missing.push(`${pages[i]} → ${target}`);
      else if (target.endsWith(".md") && !pages.includes(target)) pages.push(target);
    }
  }
  return { missing, pages };
}

const NEVER = /^(test|bench|contracts|scripts|examples|node_modules|\.github|\.ci|\.deno|\.cache)\/|\/node_modules\//;

/** `list`, computed on first use and kept: each packing runs once per suite. */
function once(list: () => Promise<string[]> | string[]): () => Promise<string[]> {
  let files: Promise<string[]> | undefined;
  return () => (files ??= Promise.resolve().then(list));
}

describe.each(
  [
    ["npm", "npm-pack.txt", once(npmFiles)],
    ["JSR", "jsr-publish.txt", once(jsrFiles)],
  ] as const,
)("the %s package", (_, snapshot, files) => {
  it(`ships the files listed in test/snapshots/${snapshot}`, async () => {
    await expectSnapshot(await files(), snapshot);
  }, 60_000);

  it("ships every page README.md leads to, CHANGELOG.md, SECURITY.md and LICENSE", async () => {
    const shipped = await files();
    const { missing, pages } = reachablePages(shipped);
    expect(missing, "linked but not shipped").toEqual([]);
    expect(pages).toEqual(expect.arrayContaining(["docs/versioning.md", "CHANGELOG.md", "SECURITY.md"]));
    expect(shipped).toEqual(expect.arrayContaining(["README.md", "CHANGELOG.md", "SECURITY.md", "LICENSE"]));
  }, 60_000);

  it("ships no test, benchmark, contract, script, example or node_modules", async () => {
    expect((await files()).filter((path) => NEVER.test(path))).toEqual([]);
  }, 60_000);
});
