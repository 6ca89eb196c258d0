/** The README's quickstart, copied into a file as a user would and run with Node. */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

function codeBlockAfter(heading: string): string {
  const section = README.slice(README.indexOf(heading));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error(`no js block after ${heading}`);
  return match[1]!;
}

it("the quickstart runs as printed and shows what its comments say", async () => {
  // Inside the package folder, `import "htx-batch-cancel"` resolves to this package (self-reference).
  const file = new URL("../dist/readme-quickstart.mjs", import.meta.url).pathname;
  writeFileSync(file, codeBlockAfter("## Quickstart"));
  const { stdout } = await promisify(execFile)(process.execPath, [file]);
  const printed = stdout.trim().split("\n").map((line) => JSON.parse(line.replace(/'/g, '"').replace(/\s+/g, " ")));
  expect(printed).toEqual([
    ["357631450723117"],
    [["357631450723118", "filled"], ["12345", "base-not-found"]],
    [],
  ]);
});
