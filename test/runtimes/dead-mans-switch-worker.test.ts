/**
 * examples/cloudflare-worker's Cron Trigger in workerd: each scheduled run arms HTX's dead man's
 * switch again while the bot's health check answers, and lets it run out once it does not. The
 * Worker's outbound fetch goes to the simulator (HTX) or to a fake bot.
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHtxSimulator, DEMO_ACCOUNT } from "../../src/testing/mod.ts";
import { TEST_KEY } from "../fixtures-ed25519/vectors.ts";
import { bundleWorker, COMPATIBILITY_DATE } from "./workerd/bundle.ts";

const BOT = "bot.example";
let now = 1_800_000_000_000;
const sim = createHtxSimulator({
  now: () => now,
  accounts: [{ ...DEMO_ACCOUNT }, {
    uid: 2,
    accessKey: "ed25519-access-key",
    publicKey: TEST_KEY.publicPem,
  }],
  orders: [{ uid: 1, orderId: "1", state: "submitted" }],
});
let botAlive = true;
let mf: Miniflare;
let script: string;

/** A Worker with these secrets, its outbound fetch to the simulator or the fake bot. */
function worker(bindings: Record<string, string>): Miniflare {
  return new Miniflare({
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: {
      KILL_SWITCH_TOKEN: "t",
      HTX_UID: "1",
      BOT_HEALTH_URL: `https://${BOT}/health`,
      ...bindings,
    },
    durableObjects: { HTX_LIMITER: "HtxRateLimitObject" },
    outboundService: (request) => {
      if (new URL(request.url).host === BOT) {
        return new Response(null, { status: botAlive ? 204 : 503 }) as never;
      }
      // The simulator's clock follows the test's; the client signs with the Worker's own clock.
      now = Date.now();
      return sim.fetch(request as unknown as Request) as never;
    },
  });
}

beforeAll(async () => {
  script = await bundleWorker("examples/cloudflare-worker/src/index.ts");
  mf = worker({
    HTX_ACCESS_KEY: DEMO_ACCOUNT.accessKey,
    HTX_SECRET_KEY: DEMO_ACCOUNT.secretKey,
  });
}, 60_000);
afterAll(() => mf?.dispose());

async function cronRun(on: Miniflare = mf) {
  const result = await (await on.getWorker()).scheduled({ cron: "* * * * *" });
  expect(result.outcome).toBe("ok");
}

describe("the Worker's dead man's switch (Cron Trigger)", () => {
  it("arms the switch for 150 s while the bot's health check answers", async () => {
    botAlive = true;
    await cronRun();
    const trigger = sim.cancelAllAfterTrigger(1);
    expect(trigger).toBe(now + 150_000);
  });

  it("moves the trigger on every run while the bot answers", async () => {
    const before = sim.stats.byEndpoint["cancel-all-after"].requests;
    await cronRun();
    await cronRun();
    expect(sim.stats.byEndpoint["cancel-all-after"].requests - before).toBe(2);
    expect(sim.cancelAllAfterTrigger(1)).toBe(now + 150_000);
  });

  it("stops refreshing when the bot does not answer, so HTX cancels at the trigger time", async () => {
    botAlive = false;
    const before = sim.stats.byEndpoint["cancel-all-after"].requests;
    const trigger = sim.cancelAllAfterTrigger(1)!;
    await cronRun();
    expect(sim.stats.byEndpoint["cancel-all-after"].requests).toBe(before);
    now = trigger;
    expect(sim.openOrders(1).map((o) => o.state)).toEqual(["cancelling"]);
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
  });

  it.each(["", "0", " 60", "1e2"])(
    "never disarms nor arms on a DEAD_MANS_SWITCH_SECONDS of %j: the run fails, the switch stays as it was",
    async (seconds) => {
      botAlive = true;
      await cronRun();
      const trigger = sim.cancelAllAfterTrigger(1);
      const before = sim.stats.byEndpoint["cancel-all-after"].requests;
      const misconfigured = worker({
        HTX_ACCESS_KEY: DEMO_ACCOUNT.accessKey,
        HTX_SECRET_KEY: DEMO_ACCOUNT.secretKey,
        DEAD_MANS_SWITCH_SECONDS: seconds,
      });
      try {
        await cronRun(misconfigured);
        expect(sim.stats.byEndpoint["cancel-all-after"].requests).toBe(before);
        expect(sim.cancelAllAfterTrigger(1)).toBe(trigger);
      } finally {
        await misconfigured.dispose();
      }
    },
    60_000,
  );

  it("signs with an Ed25519 key in workerd too", async () => {
    botAlive = true;
    const ed25519 = worker({
      HTX_ACCESS_KEY: "ed25519-access-key",
      HTX_PRIVATE_KEY: TEST_KEY.pem,
    });
    try {
      await cronRun(ed25519);
      expect(sim.cancelAllAfterTrigger(2)).toBe(now + 150_000);
    } finally {
      await ed25519.dispose();
    }
  }, 60_000);
});
