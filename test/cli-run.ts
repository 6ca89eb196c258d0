/** The real `htx-batch-cancel` command (dist/src/cli.cjs) as a child process, and a simulator on loopback to run it against. */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { type ServedHandler, serveHandler } from "../src/testing/node-server.ts";
import { createHtxSimulator, demoOrders, type HtxSimulatorOptions } from "../src/testing/mod.ts";
import { KEYS } from "./helpers.ts";

export const CLI = new URL("../dist/src/cli.cjs", import.meta.url).pathname;
export const ENV = { HTX_ACCESS_KEY: KEYS.accessKey, HTX_SECRET_KEY: KEYS.secretKey };

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Everything every run printed, for the leak scan at the end. */
export const printed: string[] = [];
let served: ServedHandler | undefined;
/** Closes the simulator of the test that just ran (registered in each file that imports this one). */
afterEach(async () => {
  await served?.close();
  served = undefined;
});

export function run(
  args: string[],
  options: {
    env?: Record<string, string | undefined>;
    stdin?: string;
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
    onSpawn?: (child: ReturnType<typeof spawn>) => void;
  } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH, ...ENV, ...options.env };
    const child = spawn(process.execPath, [CLI, ...args], {
      env: env as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    options.onSpawn?.(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      options.onStderr?.(stderr, child);
    });
    child.stdin.end(options.stdin ?? "");
    child.on("error", reject);
    child.on("close", (code) => {
      printed.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Serves `sim` on loopback until the test ends. */
export async function serve(sim: { fetch: (request: Request) => Promise<Response> }): Promise<string> {
  served = await serveHandler(sim.fetch);
  return served.url;
}

export async function simulator(open = 100, extra: HtxSimulatorOptions = {}) {
  const book = demoOrders({ open, filled: 2, canceled: 1, unknown: 1 });
  const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], orders: book.orders, ...extra });
  return { sim, ids: book.ids, open: book.ids.slice(0, open), url: await serve(sim) };
}

export function idsFile(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "htx-cli-")), "ids.txt");
  writeFileSync(file, lines.join("\n"));
  return file;
}
