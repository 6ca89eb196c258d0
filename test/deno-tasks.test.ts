/**
 * The `deno task`s of deno.json work next to the npm `deno` package, as a contributor runs them
 * after `npm ci`: `npx deno task <name>`. (A bare `deno` inside a task resolves to
 * node_modules/.bin/deno, which `deno task` runs as JavaScript: the tasks must not do that.)
 */
import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../", import.meta.url).pathname;

/** Runs `npx deno task <name>` in the project; resolves with its exit code and everything it printed. */
function denoTask(name: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      "npx",
      ["deno", "task", name],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe("deno tasks run with the npm deno package", () => {
  it("check type-checks every entry point", async () => {
    const { code, output } = await denoTask("check");
    expect({ code, output }).toMatchObject({ code: 0, output: expect.stringContaining("Check mod.ts") });
  }, 120_000);

  it("test runs the Deno suite, with the permissions it needs (it writes a file)", async () => {
    const { code, output } = await denoTask("test");
    expect({ code, output }).toMatchObject({
      code: 0,
      output: expect.stringMatching(/ok \| [1-9]\d* passed \| 0 failed/),
    });
  }, 120_000);

  it("demo starts the CLI's demo and exits 0", async () => {
    const { code, output } = await denoTask("demo");
    expect({ code, output }).toMatchObject({ code: 0 });
  }, 120_000);
});
