/**
 * Node 20 (this machine's), 22 and 24 (the npm-distributed binaries pinned in the lock file),
 * each importing the packed npm tarball, not the sources.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { NODE_VERSIONS, nodeBinary } from "./node-binaries.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
/** Each Node's binary; `skip` skips the test with the reason where none is published for this host. */
const NODES: [string, (skip: (reason: string) => never) => string][] = [
  ["20", () => process.execPath],
  ["22", (skip) => nodeBinary(NODE_VERSIONS["22"], skip)],
  ["24", (skip) => nodeBinary(NODE_VERSIONS["24"], skip)],
];
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "htx-pack-"));
  const npm = (args: string[], cwd: string) =>
    execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  // dist/ is fresh from the global setup; --ignore-scripts skips the prepack rebuild.
  const tarball = npm(["pack", "--ignore-scripts", "--silent", "--pack-destination", project], ROOT).trim().split("\n")
    .at(-1)!;
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  npm(["install", "--no-audit", "--no-fund", "--prefer-offline", join(project, tarball), "msw@2"], project);
  copyFileSync(join(ROOT, "test/runtimes/smoke.mjs"), join(project, "smoke-suite.mjs"));
  copyFileSync(join(ROOT, "test/runtimes/node/smoke.mjs"), join(project, "smoke.mjs"));
}, 180_000);

describe.each(NODES)("Node %s on the packed tarball", (major, binary) => {
  it("imports every entry point and passes the smoke suite", (ctx) => {
    const node = binary((reason) => ctx.skip(reason));
    expect(execFileSync(node, ["--version"], { encoding: "utf8" })).toMatch(new RegExp(`^v${major}\\.`));
    const out = execFileSync(node, ["smoke.mjs"], { cwd: project, encoding: "utf8" });
    const report = JSON.parse(out.trim().split("\n").at(-1)!);
    expect(report.node).toMatch(new RegExp(`^v${major}\\.`));
    expect(report).toMatchObject({ defaultHmac: "node:crypto", submitted: 117, failed: 3 });
    expect(report.backendsChecked).toEqual(["noble", "webcrypto", "node:crypto"]);
    console.info(`node ${report.node}: ${out.trim()}`);
  });

  it("runs the installed bin (one CommonJS file): its version, a dry run, and the demo end to end", (ctx) => {
    const node = binary((reason) => ctx.skip(reason));
    const bin = join(project, "node_modules/.bin/htx-batch-cancel");
    const run = (...args: string[]) =>
      execFileSync(node, [bin, ...args], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, HTX_ACCESS_KEY: "node-access-key", HTX_SECRET_KEY: "node-secret-key" },
      });
    expect(run("--version").trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(run("--dry-run", "--order-ids", "1,2")).toMatch(/^Dry run: 2 ids in 1 request; nothing is sent\.$/m);
    // The demo requires valibot, node:http and the simulator on first use, from the one file.
    expect(run("demo", "--orders", "50", "--latency-ms", "0")).toMatch(/the simulator holds 0 open orders/);
  });
});
