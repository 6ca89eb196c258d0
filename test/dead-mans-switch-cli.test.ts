/**
 * `htx-batch-cancel dead-mans-switch` (dist/src/cli.cjs) as a child process against the
 * simulator on loopback: kept armed until Ctrl-C and then disarmed, armed or disarmed once, and
 * every line saying when HTX cancels the orders if nothing refreshes the switch.
 */
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { type ServedHandler, serveHandler } from "../src/testing/node-server.ts";
import { createHtxSimulator, type HtxSimulator, type KeyPermission } from "../src/testing/mod.ts";
import { KEYS, leaks } from "./helpers.ts";

const CLI = new URL("../dist/src/cli.cjs", import.meta.url).pathname;
const ENV = { PATH: process.env.PATH, HTX_ACCESS_KEY: KEYS.accessKey, HTX_SECRET_KEY: KEYS.secretKey };
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/;

let served: ServedHandler | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function simulator(permissions?: KeyPermission[]): Promise<{ sim: HtxSimulator; url: string }> {
  const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS, permissions }] });
  served = await serveHandler(sim.fetch);
  return { sim, url: served.url };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command; `watch` sees the output so far (on output and every 50 ms) and may signal the child. */
function run(args: string[], watch?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "dead-mans-switch", ...args], { env: ENV, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    const poll = watch && setInterval(() => watch(stdout, child), 50);
    child.stdout.on("data", (d) => {
      stdout += d;
      watch?.(stdout, child);
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("htx-batch-cancel dead-mans-switch: once", () => {
  it("--arm 60 arms the switch and says when HTX cancels", async () => {
    const { sim, url } = await simulator();
    const { code, stdout, stderr } = await run(["--arm", "60", "--base-url", url]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Armed: unless the switch is called again, HTX cancels .* \(at most 500\) at /);
    expect(stdout).toMatch(ISO);
    expect(stdout).toMatch(/in 60 s\.\n$/);
    expect(sim.cancelAllAfterTrigger(1)).toBeGreaterThan(Date.now() + 50_000);
    expect(leaks(stdout + stderr)).toEqual([]);
  });

  it("--disarm disarms it", async () => {
    const { sim, url } = await simulator();
    await run(["--arm", "60", "--base-url", url]);
    const { code, stdout } = await run(["--disarm", "--base-url", url]);
    expect(code).toBe(0);
    expect(stdout).toBe("Disarmed: HTX will not cancel the orders.\n");
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
  });

  it("exits 3 when HTX refuses (a key without Trade permission): nothing armed", async () => {
    const { sim, url } = await simulator(["read"]);
    const { code, stdout, stderr } = await run(["--arm", "60", "--base-url", url]);
    expect(code).toBe(3);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/nothing was armed: .*api-signature-not-valid/);
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
    expect(leaks(stderr)).toEqual([]);
  });
});

describe("htx-batch-cancel dead-mans-switch: an answer lost after HTX armed the switch", () => {
  it.each([["--arm", "60"], ["--timeout", "60"]])("%s %s never says nothing was armed (exit 3)", async (...args) => {
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }] });
    // HTX applies the call, then the connection breaks before its answer.
    served = await serveHandler(async (request, info) => {
      await sim.fetch(request, info);
      throw new Error("connection lost");
    });
    const { code, stderr } = await run([...args, "--retries", "0", "--base-url", served.url]);
    expect(code).toBe(3);
    expect(sim.cancelAllAfterTrigger(1)).toBeDefined();
    expect(stderr).not.toMatch(/nothing was armed/);
    expect(stderr).toMatch(/may have armed the switch .*run --disarm/);
  });
});

describe("htx-batch-cancel dead-mans-switch: kept armed until Ctrl-C", () => {
  it("arms, refreshes, and on Ctrl-C disarms and says so", async () => {
    const { sim, url } = await simulator();
    let signalled = false;
    const { code, stdout } = await run(["--timeout", "10", "--refresh", "1", "--base-url", url], (text, child) => {
      // Ctrl-C once a refresh has been answered: the switch was armed, then moved.
      if (!signalled && text.includes("Ctrl-C disarms") && sim.stats.byEndpoint["cancel-all-after"].requests >= 2) {
        signalled = true;
        child.kill("SIGINT");
      }
    });
    expect(stdout).toMatch(
      /^Armed: .* in 10 s\.\nRefreshing every 1 s; Ctrl-C disarms\.\nDisarmed: HTX will not cancel/,
    );
    expect(code).toBe(0);
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
  }, 30_000);
});

describe("htx-batch-cancel dead-mans-switch: Ctrl-C at any moment", () => {
  /** The simulator behind a gate: the `held`-th cancel-all-after request waits until `open()`. */
  async function heldSimulator(held: number) {
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }] });
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    let seen = 0;
    let waiting = false;
    served = await serveHandler(async (request, info) => {
      if (new URL(request.url).pathname.endsWith("/cancel-all-after") && ++seen === held) {
        waiting = true;
        await gate;
      }
      return await sim.fetch(request, info);
    });
    return { sim, url: served.url, open, isWaiting: () => waiting };
  }

  it(
    "a Ctrl-C during the first arming waits for it, then disarms and says so (never quits with it armed)",
    async () => {
      const { sim, url, open, isWaiting } = await heldSimulator(1);
      let signalled = false;
      const { code, stdout } = await run(["--timeout", "10", "--base-url", url], (_, child) => {
        if (!signalled && isWaiting()) {
          signalled = true;
          child.kill("SIGINT");
          setTimeout(open, 300); // HTX answers the arming after the Ctrl-C
        }
      });
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Armed: .*\n.*\nDisarmed: HTX will not cancel/);
      expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
    },
    30_000,
  );

  it(
    "a second Ctrl-C while the disarm is unanswered quits at once (exit 1), saying the switch may still be armed",
    async () => {
      const { url, open, isWaiting } = await heldSimulator(2); // the disarm is held
      let signals = 0;
      try {
        const { code, stderr } = await run(["--timeout", "10", "--base-url", url], (text, child) => {
          if (signals === 0 && text.includes("Ctrl-C disarms")) {
            signals++;
            child.kill("SIGINT");
          } else if (signals === 1 && isWaiting()) {
            signals++;
            child.kill("SIGINT");
          }
        });
        expect(code).toBe(1);
        expect(stderr).toMatch(/may still be armed: .* at \d{4}-.*Run --disarm/);
      } finally {
        open();
      }
    },
    30_000,
  );
});

describe("htx-batch-cancel dead-mans-switch: usage (exit 2, nothing sent)", () => {
  it.each([
    [["--arm", "3"], /--arm must be 0 \(disarm\) or a whole number of seconds from 5/],
    [["--arm", "60", "--disarm"], /--arm or --disarm, not both/],
    [["--arm", "60", "--timeout", "60"], /--arm acts once: leave them out/],
    [["--timeout", "10", "--refresh", "10"], /refreshMs \(10000\) must be below/],
    [["--timeuot", "60"], /Did you mean --timeout\?/],
    // The command line's one rule: a flag given twice is refused, never its last value kept.
    [["--arm", "60", "--arm", "5"], /--arm is given more than once/],
  ])("refuses %j", async (args, message) => {
    const { sim, url } = await simulator();
    const { code, stderr } = await run([...args, "--base-url", url]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(sim.stats.requests).toBe(0);
  });

  it("prints its own help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--timeout 60 \[--refresh 15\]/);
  });
});
