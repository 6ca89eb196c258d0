/**
 * The docs that ship inside the sources (module docs, JSDoc `@example`s of every entry point,
 * what deno.json exports and JSR renders): they type-check against the sources, `deno doc
 * --lint` finds nothing, and they cite only documents a user has.
 */
import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { ROOT } from "./docs/blocks.ts";
import { deno } from "./docs/harness.ts";

/** Every entry point of deno.json, as JSR publishes them. */
const ENTRY_POINTS = Object.values(
  (JSON.parse(readFileSync(`${ROOT}deno.json`, "utf8")) as { exports: Record<string, string> }).exports,
);

it(`every entry point's doc examples type-check: ${ENTRY_POINTS.join(", ")}`, async () => {
  // Examples import by the JSR name, which resolves to the sources inside this project.
  const { code, stderr } = await deno(["check", "--doc", ...ENTRY_POINTS]);
  expect(code, stderr).toBe(0);
}, 120_000);

/**
 * Third-party types the public API names on purpose: valibot's schema type (so the schemas
 * compose into a user's own valibot schemas) and msw's handler type. Deno 2.9 flags a type of
 * another package as "private" when it resolves through node_modules; upstream no longer does
 * (https://github.com/denoland/deno/pull/34339, for https://github.com/denoland/deno/issues/27364).
 * Every type of this package itself must be public.
 */
const THIRD_PARTY_TYPES = ["GenericSchema", "HttpHandler"];

/** The diagnostics of `deno doc --lint`, one text each, without those about third-party types. */
function docLintErrors(output: string): string[] {
  const thirdParty = new RegExp(
    `^error\\[private-type-ref\\].*references private type '(${THIRD_PARTY_TYPES.join("|")})'`,
  );
  return output.split(/\n(?=error\[)/).filter((block) => block.startsWith("error[") && !thirdParty.test(block));
}

it("deno doc --lint finds nothing over every entry point, but for named third-party types", async () => {
  const { stdout, stderr } = await deno(["doc", "--lint", ...ENTRY_POINTS]);
  const output = `${stdout}\n${stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
  expect(docLintErrors(output)).toEqual([]);
}, 120_000);

it("the doc-lint filter keeps every diagnostic but those about the named third-party types", () => {
  const sample = [
    "error[private-type-ref]: public type 'A' references private type 'GenericSchema'\n  --> a.ts:1:1",
    "error[private-type-ref]: public type 'B' references private type 'LimitedEndpointKey'\n  --> b.ts:1:1",
    "error[missing-jsdoc]: exported symbol is missing JSDoc documentation\n  --> c.ts:1:1",
    "error: Found 3 documentation lint errors.",
  ].join("\n");
  expect(docLintErrors(sample).map((block) => block.split("\n")[0])).toEqual([
    "error[private-type-ref]: public type 'B' references private type 'LimitedEndpointKey'",
    "error[missing-jsdoc]: exported symbol is missing JSDoc documentation",
  ]);
});

it("shipped files cite no document a user does not have", () => {
  const files = ["mod.ts", ...sources("src")];
  const citing = files.flatMap((file) =>
    readFileSync(`${ROOT}${file}`, "utf8").split("\n").flatMap((line, i) =>
      /htx-reference|shared\/|pitfall|the project's HTX reference/i.test(line)
        ? [`${file}:${i + 1}: ${line.trim()}`]
        : []
    )
  );
  expect(citing).toEqual([]);
});

function sources(folder: string): string[] {
  return readdirSync(`${ROOT}${folder}`, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(`${folder}/${entry.name}`)
      : entry.name.endsWith(".ts")
      ? [`${folder}/${entry.name}`]
      : []
  );
}
