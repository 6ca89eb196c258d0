/**
 * docs/install.md's Deno route, as a user follows it: the clone inside a project, named as a
 * workspace member, imported by its JSR name. It runs, and Deno warns about nothing (a member's
 * deno.json may not set root-only fields such as `nodeModulesDir`).
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../", import.meta.url).pathname;
const DENO = join(ROOT, "node_modules/deno/bin.cjs");

const MAIN = `import { HtxClient } from "@htx-tools/batch-cancel";
import { createHtxSimulator, DEMO_ACCOUNT } from "@htx-tools/batch-cancel/testing";

const sim = createHtxSimulator({ orders: [{ uid: 1, orderId: "1001", state: "submitted" }] });
const htx = new HtxClient({ ...DEMO_ACCOUNT, fetch: sim.fetch });
console.log((await htx.batchCancel({ orderIds: ["1001"] })).success.join(","));
`;

/** A project with the clone (what git would check out: deno.json, package.json, the sources) as its member. */
function workspace(): string {
  const project = mkdtempSync(join(tmpdir(), "htx-deno-ws-"));
  const clone = join(project, "htx-batch-cancel");
  mkdirSync(clone);
  for (const path of ["deno.json", "package.json", "mod.ts", "src"]) {
    cpSync(join(ROOT, path), join(clone, path), { recursive: true });
  }
  writeFileSync(join(project, "deno.json"), JSON.stringify({ workspace: ["./htx-batch-cancel"] }));
  writeFileSync(join(project, "main.ts"), MAIN);
  return project;
}

function deno(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DENO_DIR: join(ROOT, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  return new Promise((resolve) => {
    execFile(process.execPath, [DENO, ...args], { cwd, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("Deno: the clone as a workspace member (docs/install.md)", () => {
  it("imports @htx-tools/batch-cancel by name and runs, with no warning", async () => {
    const { code, stdout, stderr } = await deno(workspace(), ["run", "main.ts"]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: "1001\n" });
    expect(stderr).not.toMatch(/Warning/);
  }, 120_000);
});
