/**
 * What start-up loads, in a fresh Node process (issues 16 and 29). Timings are the bench's; here,
 * what can be counted exactly: the built-in modules and the files Node loads. Importing the package must not load
 * node:crypto (about 6 ms of Node's start-up: the HMAC backend is chosen on first use) nor
 * Node's fetch stack, undici (about 30 ms: the CLI's dry run prints URLs, not `Request`s).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../", import.meta.url).pathname;
/** Reports on stderr, at exit, the watched built-in modules loaded after start-up. */
const WATCH = `data:text/javascript,${
  encodeURIComponent(`
const before = new Set(process.moduleLoadList);
process.on("exit", () => {
  const loaded = process.moduleLoadList.filter((m) => !before.has(m) && /crypto|undici/.test(m));
  process.stderr.write("LOADED " + JSON.stringify(loaded) + "\\n");
});`)
}`;
const CRYPTO = "NativeModule crypto";
const UNDICI = "NativeModule internal/deps/undici/undici";

/** Runs Node with `args` under the watch; returns its output and the watched modules it loaded. */
function run(args: string[], env: Record<string, string> = {}): { stdout: string; loaded: string[] } {
  const child = spawnSync(process.execPath, ["--import", WATCH, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  const report = /^LOADED (.*)$/m.exec(child.stderr)?.[1];
  if (child.status !== 0 || report === undefined) {
    throw new Error(`node ${args.join(" ")} exited ${child.status}:\n${child.stderr}`);
  }
  return { stdout: child.stdout, loaded: JSON.parse(report) as string[] };
}

/** Logs on stderr each file Node's module loader resolves, as `FILE <url>`. */
const MODULE_LOG = `data:text/javascript,${
  encodeURIComponent(`
import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(
  "export async function resolve(specifier, context, next) {" +
  "  const resolved = await next(specifier, context);" +
  "  if (resolved.url.startsWith('file:')) console.error('FILE ' + resolved.url);" +
  "  return resolved;" +
  "}"));`)
}`;

/** Runs Node with `args`, logging the files it loads; returns its stderr. */
function runWithModuleLog(args: string[]): { stderr: string } {
  const child = spawnSync(process.execPath, ["--import", MODULE_LOG, ...args], { cwd: ROOT, encoding: "utf8" });
  if (child.status !== 0) throw new Error(`node ${args.join(" ")} exited ${child.status}:\n${child.stderr}`);
  return { stderr: child.stderr };
}

const module = (code: string) => ["--input-type=module", "-e", code];

describe("start-up", () => {
  it("the watch sees what it is meant to see (signing loads node:crypto; a Request loads undici)", () => {
    const { loaded } = run(module(`
      const { signUrl } = await import("./dist/mod.js");
      await signUrl({ method: "GET", url: "https://api.huobi.pro/v1/common/timestamp", accessKey: "a", secretKey: "s", timestamp: 0 });
      new Request("https://api.huobi.pro/");`));
    expect(loaded).toEqual(expect.arrayContaining([CRYPTO, UNDICI]));
  });

  it("importing the package loads neither node:crypto nor undici", () => {
    expect(run(module(`await import("./dist/mod.js");`)).loaded).toEqual([]);
  });

  it("building a client returns before node:crypto loads: the key is prepared after the constructor", () => {
    const { stdout } = run(module(`
      const { HtxClient } = await import("./dist/mod.js");
      new HtxClient({ accessKey: "a", secretKey: "s" });
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => /crypto|undici/.test(m))));`));
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it("a client prepares its key without waiting for a call, and loads no undici for it", () => {
    const { loaded } = run(module(`
      const { HtxClient } = await import("./dist/mod.js");
      new HtxClient({ accessKey: "a", secretKey: "s" });`));
    expect(loaded).toContain(CRYPTO);
    expect(loaded).not.toContain(UNDICI);
  });

  it("a client that is built and never used lets the process end: nothing it starts stays pending", () => {
    const { stdout } = run(module(`
      const { HtxClient } = await import("./dist/mod.js");
      const htx = new HtxClient({ accessKey: "a", secretKey: "s" });
      await htx.ready();
      setImmediate(() => console.log(JSON.stringify(process.getActiveResourcesInfo())));`));
    expect(JSON.parse(stdout).filter((kind: string) => kind !== "TTYWrap")).toEqual([]);
  });

  it("a fresh process's first batchCancel, answered well formed, never loads valibot or the schemas", () => {
    const { stderr } = runWithModuleLog(module(`
      const { HtxClient } = await import("./dist/mod.js");
      const body = '{"status":"ok","data":{"success":["1"],"failed":[]}}';
      const htx = new HtxClient({ accessKey: "a", secretKey: "s", rateLimit: false, fetch: async () => new Response(body) });
      const { success } = await htx.batchCancel({ orderIds: ["1"] });
      console.error("SUCCESS " + success);`));
    const files = [...stderr.matchAll(/^FILE (.*)$/gm)].map((m) => m[1]!);
    expect(stderr).toMatch(/^SUCCESS 1$/m);
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/dist\/chunks\/src\/cancel\/on-demand\.js$/)]));
    expect(files.filter((file) => /valibot|schemas|answer-reader/.test(file))).toEqual([]);
  });

  it("the CLI's dry run signs 50 ids without loading undici", () => {
    const ids = Array.from({ length: 50 }, (_, i) => String(357631450723117 + i)).join(",");
    const { stdout, loaded } = run(["dist/src/cli.cjs", "--dry-run", "--order-ids", ids], {
      HTX_ACCESS_KEY: "start-up-access-key",
      HTX_SECRET_KEY: "start-up-secret-key",
    });
    expect(stdout).toMatch(/^Dry run: 50 ids in 1 request; nothing is sent\.$/m);
    expect(stdout).toContain(`{"order-ids":["357631450723117",`);
    expect(loaded).not.toContain(UNDICI);
  });
});
