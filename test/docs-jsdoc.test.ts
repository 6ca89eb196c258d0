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

it("deno doc --lint finds nothing over every entry point", async () => {
  const { code, stdout, stderr } = await deno(["doc", "--lint", ...ENTRY_POINTS]);
  expect(code, `${stdout}\n${stderr}`).toBe(0);
}, 120_000);

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
