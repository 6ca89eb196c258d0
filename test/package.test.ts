/** The package's metadata agrees with itself: one version, the same entry points for npm and JSR. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VERSION } from "../mod.ts";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const deno = JSON.parse(readFileSync(new URL("../deno.json", import.meta.url), "utf8"));

describe("package metadata", () => {
  it("has one version: package.json = deno.json = VERSION", () => {
    expect(deno.version).toBe(pkg.version);
    expect(VERSION).toBe(pkg.version);
  });

  it("exports the same entry points on npm and JSR, but for the Node-only ones", () => {
    const nodeOnly = ["./package.json", "./testing/node", "./pact"];
    const npm = Object.keys(pkg.exports).filter((k) => !nodeOnly.includes(k));
    const jsr = Object.keys(deno.exports).filter((k) => k !== "./cli");
    expect(jsr.sort()).toEqual(npm.sort());
  });

  it("lists types first in every npm export, keeps msw an optional peer, and has no side effects", () => {
    for (const [name, target] of Object.entries(pkg.exports)) {
      if (typeof target === "object") expect(Object.keys(target as object)[0], name).toBe("types");
    }
    expect(pkg.peerDependenciesMeta.msw.optional).toBe(true);
    expect(pkg.peerDependenciesMeta["@pact-foundation/pact"].optional).toBe(true);
    expect(pkg.dependencies.msw).toBeUndefined();
    expect(pkg.sideEffects).toBe(false);
  });

  it("keeps tests, fixtures, contracts and benchmarks out of the JSR package", () => {
    for (const path of ["test/", "contracts/", "bench/"]) expect(deno.publish.exclude).toContain(path);
  });
});
