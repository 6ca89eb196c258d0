/**
 * npm 11 runs a dependency's install scripts only when package.json's `allowScripts` names it
 * (`npm help install-scripts`), and warns about every package it does not name: each package of
 * the lock file with an install script is either allowed (the project needs it) or denied.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8"));

/** The names of the lock file's packages that have install scripts. */
function withInstallScripts(): string[] {
  const entries = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>);
  return entries.filter(([, entry]) => entry.hasInstallScript).map(([path]) => path.split("node_modules/").at(-1)!);
}

describe("install scripts (npm 11 allowScripts)", () => {
  it("names every package of the lock file that has an install script, so npm ci warns about none", () => {
    const named = Object.keys(pkg.allowScripts ?? {});
    const unnamed = withInstallScripts().filter((name) => !named.includes(name));
    expect(unnamed, `not in package.json allowScripts: ${unnamed.join(", ")}`).toEqual([]);
  });

  it("allows only the binaries the tools need: deno, bun, esbuild, workerd", () => {
    const allowed = Object.entries(pkg.allowScripts ?? {}).filter(([, allow]) => allow === true).map(([n]) => n);
    expect(allowed.sort()).toEqual(["bun", "deno", "esbuild", "workerd"]);
  });
});
