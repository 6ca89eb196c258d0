/**
 * What start-up loads, in a fresh Node process (issue 16). Timings are the bench's; here, what
 * can be counted exactly: the built-in modules Node loads. Importing the package must not load
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

  it("building a client loads neither: its key is prepared on first use", () => {
    const { loaded } = run(module(`
      const { HtxClient } = await import("./dist/mod.js");
      new HtxClient({ accessKey: "a", secretKey: "s" });`));
    expect(loaded).toEqual([]);
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
