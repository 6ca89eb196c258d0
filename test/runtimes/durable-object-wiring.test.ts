/**
 * The multi-Worker wiring of docs/cloudflare.md, exactly as written: the example kill switch
 * owns HtxRateLimitObject (examples/cloudflare-worker/wrangler.toml), two more Workers bind it
 * with the docs' `script_name` block, and the three cancel 6,000 ids together in workerd.
 */
import { readFileSync } from "node:fs";
import { Miniflare, type WorkerOptions } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders } from "../../src/testing/mod.ts";
import { bundleWorker, COMPATIBILITY_DATE } from "./workerd/bundle.ts";
import { waves } from "./workerd/waves.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TOKEN = "kill-switch-token-for-tests";

interface WranglerConfig {
  name: string;
  vars: Record<string, string>;
  durableObjects: { name: string; class_name: string; script_name?: string }[];
}

/** The parts of a wrangler.toml this wiring uses: `name`, `[vars]`, `[[durable_objects.bindings]]`. */
function parseWrangler(toml: string): WranglerConfig {
  const config: WranglerConfig = { name: "", vars: {}, durableObjects: [] };
  let section = "";
  for (const raw of toml.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    const header = /^\[\[?([^\]]+)\]\]?$/.exec(line);
    if (header) {
      section = header[1]!;
      if (section === "durable_objects.bindings") config.durableObjects.push({ name: "", class_name: "" });
      continue;
    }
    const pair = /^(\w+)\s*=\s*"([^"]*)"$/.exec(line);
    if (!pair) continue;
    const [, key, value] = pair as unknown as [string, string, string];
    if (section === "" && key === "name") config.name = value;
    if (section === "vars") config.vars[key] = value;
    if (section === "durable_objects.bindings") Object.assign(config.durableObjects.at(-1)!, { [key]: value });
  }
  return config;
}

/** A fenced ```toml <tag> block of docs/cloudflare.md. */
function docsBlock(tag: string): string {
  const docs = readFileSync(`${ROOT}docs/cloudflare.md`, "utf8");
  const block = new RegExp("```toml " + tag + "\\n([\\s\\S]*?)```").exec(docs)?.[1];
  if (block === undefined) throw new Error(`docs/cloudflare.md has no \`\`\`toml ${tag} block`);
  return block;
}

/** Miniflare's binding for each `[[durable_objects.bindings]]` entry, as wrangler would make it. */
function durableObjects(config: WranglerConfig): WorkerOptions["durableObjects"] {
  return Object.fromEntries(config.durableObjects.map((binding) => [
    binding.name,
    binding.script_name ? { className: binding.class_name, scriptName: binding.script_name } : binding.class_name,
  ]));
}

const { orders, ids } = demoOrders({ open: 6000, filled: 0, canceled: 0, unknown: 0 });
const sim = createHtxSimulator({ orders });
const arrivals: number[] = [];
let mf: Miniflare;
const owner = parseWrangler(readFileSync(`${ROOT}examples/cloudflare-worker/wrangler.toml`, "utf8"));
const other = parseWrangler(docsBlock("other"));
const others = [other.name, `${other.name}-2`];

beforeAll(async () => {
  const [example, bot] = await Promise.all([
    bundleWorker("examples/cloudflare-worker/src/index.ts"),
    bundleWorker("test/runtimes/workerd/cancel-worker.mjs"),
  ]);
  const outboundService = (request: unknown) => {
    arrivals.push(performance.now());
    return sim.fetch(request as Request) as never;
  };
  mf = new Miniflare({
    workers: [
      {
        name: owner.name,
        modules: true,
        script: example,
        compatibilityDate: COMPATIBILITY_DATE,
        bindings: {
          ...owner.vars,
          HTX_ACCESS_KEY: DEMO_ACCOUNT.accessKey,
          HTX_SECRET_KEY: DEMO_ACCOUNT.secretKey,
          KILL_SWITCH_TOKEN: TOKEN,
          // Workers Paid: 2,000 ids are 40 requests, 120 subrequests (docs/cloudflare.md).
          HTX_SUBREQUEST_LIMIT: "10000",
        },
        durableObjects: durableObjects(owner),
        outboundService,
      },
      ...others.map((name) => ({
        name,
        modules: true,
        script: bot,
        compatibilityDate: COMPATIBILITY_DATE,
        bindings: other.vars,
        durableObjects: durableObjects(other),
        outboundService,
      })),
    ],
  });
}, 60_000);
afterAll(() => mf?.dispose());

describe("the documented multi-Worker wiring (workerd)", () => {
  it("binds every Worker to the example's object: docs and example agree", () => {
    expect(parseWrangler(docsBlock("owner"))).toEqual(owner);
    expect(owner.durableObjects).toEqual([{ name: "HTX_LIMITER", class_name: "HtxRateLimitObject" }]);
    expect(other.durableObjects).toEqual([
      { name: "HTX_LIMITER", class_name: "HtxRateLimitObject", script_name: owner.name },
    ]);
    expect(other.vars["HTX_UID"]).toBe(owner.vars["HTX_UID"]);
  });

  it("three Workers wired so cancel 6,000 ids within one budget: 0 violations, waves 50/50/20", async () => {
    // Warm: each isolate, and the object (the example answers GET / with 404).
    expect((await mf.dispatchFetch("https://kill.example/")).status).toBe(404);
    for (const name of others) await (await mf.getWorker(name)).fetch("http://worker/");
    const slices = [0, 1, 2].map((i) => ids.slice(i * 2000, i * 2000 + 2000));
    const [example, ...bots] = await Promise.all([
      mf.dispatchFetch("https://kill.example/cancel", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ orderIds: slices[0] }),
      }),
      ...others.map(async (name, i) =>
        (await mf.getWorker(name)).fetch("http://worker/", {
          method: "POST",
          body: JSON.stringify({ ids: slices[i + 1], shared: true }),
        })
      ),
    ]);
    expect(example!.headers.get("x-rate-limit-budget")).toBe("shared");
    const results = (await Promise.all([example!, ...bots].map((r) => r.json()))) as { success: string[] }[];
    expect(new Set(results.flatMap((r) => r.success))).toEqual(new Set(ids));
    expect(sim.stats.rateLimitViolations).toBe(0);
    expect(sim.stats.maxRequestsInWindow).toBeLessThanOrEqual(50);
    expect(waves(arrivals)).toEqual([50, 50, 20]);
  }, 60_000);
});
