/**
 * CHANGELOG.md keeps up with the version: Keep a Changelog's form, an Unreleased section on top,
 * and an entry for the version package.json carries, so a version bump without an entry fails.
 * (package.json, deno.json and VERSION agreeing: test/package.test.ts.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "./docs/blocks.ts";

const CHANGELOG = readFileSync(`${ROOT}CHANGELOG.md`, "utf8");
const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { version: string }).version;

/** Every `## [name] - date` heading, in the order written. */
const entries = [...CHANGELOG.matchAll(/^## \[([^\]]+)\](?: - (.+))?$/gm)].map((m) => ({ name: m[1]!, date: m[2] }));
const versions = entries.filter((e) => e.name !== "Unreleased");

/** Newer first by semver's precedence of `x.y.z`; a pre-release (`x.y.z-rc.1`) before its release. */
function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core, pre] = v.split(/-(.*)/s) as [string, string | undefined];
    return { numbers: core.split(".").map(Number), pre };
  };
  const [va, vb] = [split(a), split(b)];
  for (let i = 0; i < 3; i++) if (va.numbers[i] !== vb.numbers[i]) return va.numbers[i]! - vb.numbers[i]!;
  if (va.pre === vb.pre) return 0;
  if (va.pre === undefined || vb.pre === undefined) return va.pre === undefined ? 1 : -1;
  return va.pre.localeCompare(vb.pre, "en", { numeric: true });
}

describe("CHANGELOG.md", () => {
  it("opens with an Unreleased section, as Keep a Changelog has it", () => {
    expect(entries[0], CHANGELOG.slice(0, 600)).toEqual({ name: "Unreleased", date: undefined });
  });

  it(`has an entry for package.json's version (${VERSION}): bump the version, write its entry`, () => {
    const entry = versions.find((e) => e.name === VERSION);
    expect(entry, `no "## [${VERSION}] - YYYY-MM-DD" in CHANGELOG.md; entries: ${versions.map((e) => e.name)}`)
      .toBeDefined();
    // "Unreleased" until the tag: the release workflow refuses a tag whose entry has no date.
    expect(entry!.date).toMatch(/^(\d{4}-\d{2}-\d{2}|Unreleased)$/);
  });

  it("dates every older version, and lists the versions newest first, each once", () => {
    const older = versions.filter((e) => e.name !== VERSION);
    expect(older.filter((e) => !/^\d{4}-\d{2}-\d{2}$/.test(e.date ?? "")), "undated older entries").toEqual([]);
    const names = versions.map((e) => e.name);
    expect(names, "newest first").toEqual([...names].sort((a, b) => compareVersions(b, a)));
    expect(new Set(names).size, "a version written twice").toBe(names.length);
    expect(names.filter((n) => compareVersions(n, VERSION) > 0), "versions newer than package.json's").toEqual([]);
  });

  it("gives each section its link, and uses only Keep a Changelog's kinds of change", () => {
    for (const { name } of entries) {
      expect(CHANGELOG, `no link for [${name}]`).toMatch(new RegExp(`^\\[${name}\\]: https://`, "m"));
    }
    const kinds = [...CHANGELOG.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    const allowed = ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"];
    expect(kinds.filter((k) => !allowed.includes(k!))).toEqual([]);
  });
});
