/**
 * The examples install the package from this repository, never from a registry (the name is not
 * published yet: whoever claimed it first would be installed), and each says how to run it from a
 * clone and from a packed tarball.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const EXAMPLES = new URL("../examples/", import.meta.url);
const examples = readdirSync(EXAMPLES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
const withPackageJson = examples.filter((name) => existsSync(new URL(`${name}/package.json`, EXAMPLES)));

describe("examples", () => {
  it.each(withPackageJson)("%s depends on htx-batch-cancel by path (file:../..)", (name) => {
    const pkg = JSON.parse(readFileSync(new URL(`${name}/package.json`, EXAMPLES), "utf8"));
    const spec = pkg.dependencies?.["htx-batch-cancel"] ?? pkg.devDependencies?.["htx-batch-cancel"];
    expect(spec).toBe("file:../..");
  });

  it.each(examples)("%s has a README saying how to run it from a clone and from a packed tarball", (name) => {
    const readme = new URL(`${name}/README.md`, EXAMPLES);
    expect(existsSync(readme), `examples/${name}/README.md`).toBe(true);
    const text = readFileSync(readme, "utf8");
    expect(text).toMatch(/^## From a clone$/m);
    expect(text).toMatch(/npm pack|packed npm tarball/);
  });
});
