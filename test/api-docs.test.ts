/** docs/api.md documents the whole public surface: every error class and every method of HtxClient. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as mod from "../mod.ts";

const API = readFileSync(new URL("../docs/api.md", import.meta.url), "utf8");

describe("docs/api.md", () => {
  it("has a row in its error table for every error class the package exports", () => {
    // HtxError is the base the table's lead sentence names.
    const errors = Object.keys(mod).filter((name) => /^Htx\w+Error$/.test(name));
    expect(errors.length).toBeGreaterThan(5);
    const missing = errors.filter((name) => !API.includes(`| \`${name}\` |`));
    expect(missing, `no row in docs/api.md's error table: ${missing.join(", ")}`).toEqual([]);
  });

  it("has a section for every public method of HtxClient", () => {
    const methods = Object.getOwnPropertyNames(mod.HtxClient.prototype).filter((name) =>
      name !== "constructor" && name !== "toJSON"
    );
    expect(methods).toContain("batchCancel");
    const missing = methods.filter((name) => !API.includes(`## \`htx.${name}(`));
    expect(missing, `no "## \`htx.<method>(" section in docs/api.md: ${missing.join(", ")}`).toEqual([]);
  });
});
