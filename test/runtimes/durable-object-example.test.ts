/**
 * The example kill switch's own settings, in workerd: the caller's token is checked first; then
 * a missing secret or a bad var answers 500 naming the setting (never a secret) and is logged;
 * the `Bearer` scheme is matched whatever its case (RFC 9110).
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders } from "../../src/testing/mod.ts";
import { bundleWorker, COMPATIBILITY_DATE } from "./workerd/bundle.ts";

const TOKEN = "kill-switch-token-for-tests";
const book = demoOrders({ open: 40, filled: 0, canceled: 0, unknown: 0 });
const sim = createHtxSimulator({ orders: book.orders });
let script: string;
const logs: string[] = [];

beforeAll(async () => {
  script = await bundleWorker("examples/cloudflare-worker/src/index.ts");
}, 60_000);

const GOOD = {
  HTX_ACCESS_KEY: DEMO_ACCOUNT.accessKey,
  HTX_SECRET_KEY: DEMO_ACCOUNT.secretKey,
  KILL_SWITCH_TOKEN: TOKEN,
  HTX_UID: "1",
};

/** The example with `bindings` over good ones (`undefined` drops one); its logs kept in `logs`. */
async function example(bindings: Record<string, string | undefined>, call: (mf: Miniflare) => Promise<Response>) {
  const merged = Object.fromEntries(
    Object.entries({ ...GOOD, ...bindings }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: merged,
    durableObjects: { HTX_LIMITER: "HtxRateLimitObject" },
    outboundService: (request) => sim.fetch(request as unknown as Request) as never,
    handleRuntimeStdio: (stdout, stderr) => {
      for (const stream of [stdout, stderr]) stream.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
    },
  });
  try {
    const response = await call(mf);
    return { status: response.status, body: (await response.json()) as { error?: string; success?: string[] } };
  } finally {
    await mf.dispose();
  }
}

let next = 0;
/** A call cancelling two ids not cancelled before. */
const cancel = (authorization: string) => (mf: Miniflare) =>
  mf.dispatchFetch("https://kill.example/cancel", {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: JSON.stringify({ orderIds: book.ids.slice(next, next += 2) }),
  });

afterAll(() => {
  // Whatever the example logged, no secret is in it.
  const all = logs.join("");
  for (const secret of [DEMO_ACCOUNT.secretKey, DEMO_ACCOUNT.accessKey, TOKEN]) expect(all).not.toContain(secret);
});

describe("the example's own settings (workerd)", () => {
  it.each([
    ["HTX_RATE_LIMIT", { HTX_RATE_LIMIT: "50 " }, /HTX_RATE_LIMIT must be a whole number of digits/],
    ["HTX_UID", { HTX_UID: "12a" }, /HTX_UID: .*uid must be your HTX UID as digits/],
    ["HTX_SUBREQUEST_LIMIT", { HTX_SUBREQUEST_LIMIT: "lots" }, /HTX_SUBREQUEST_LIMIT must be/],
    ["HTX_SECRET_KEY", { HTX_SECRET_KEY: undefined }, /exactly one of HTX_SECRET_KEY and HTX_PRIVATE_KEY/],
    ["HTX_BASE_URL", { HTX_BASE_URL: "api.huobi.pro" }, /HTX_BASE_URL: baseUrl .* is not a valid URL/],
    ["HTX_BASE_URL", { HTX_BASE_URL: "http://api.huobi.pro" }, /HTX_BASE_URL: baseUrl .* must use https/],
  ])("a bad %s answers 500 naming it, and is logged", async (name, bindings, message) => {
    const logged = logs.length;
    const { status, body } = await example(bindings, cancel(`Bearer ${TOKEN}`));
    expect(status, JSON.stringify(body)).toBe(500);
    expect(body.error).toMatch(message);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the log reaches the stream
    expect(logs.slice(logged).join("")).toContain(name);
  }, 60_000);

  it("checks the token before the settings: a caller without it learns nothing of them", async () => {
    const { status, body } = await example({ HTX_SECRET_KEY: undefined, HTX_RATE_LIMIT: "x" }, cancel("Bearer wrong"));
    expect(status).toBe(401);
    expect(JSON.stringify(body)).not.toMatch(/HTX_|SECRET|secret/);
  }, 60_000);

  it.each(["bearer", "BEARER", "Bearer"])("accepts the scheme written %s", async (scheme) => {
    const { status, body } = await example({}, cancel(`${scheme} ${TOKEN}`));
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.success).toHaveLength(2);
  }, 60_000);
});
