/** Cloudflare Workers: the built module bundled into a module Worker, run in workerd by miniflare. */
import { bundleWorker, COMPATIBILITY_DATE } from "./workerd/bundle.ts";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServedHandler, serveHandler } from "../../src/testing/node-server.ts";
import * as testing from "../../src/testing/mod.ts";
import { smokeSimulator } from "./smoke.mjs";

let mf: Miniflare;
let served: ServedHandler;
const { sim, ids, ed25519Ids } = smokeSimulator(testing);

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: await bundleWorker("test/runtimes/workerd/worker.mjs"),
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: [], // no nodejs_compat: web APIs only
  });
  served = await serveHandler(sim.fetch);
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await served?.close();
});

describe("workerd (Cloudflare Workers)", () => {
  it(
    "runs the smoke suite: vectors, 120 ids (HMAC) and 60 (Ed25519) through the simulator, an input error",
    async () => {
      const response = await mf.dispatchFetch("http://worker/", {
        method: "POST",
        body: JSON.stringify({ baseUrl: served.url, ids, ed25519Ids }),
      });
      const outcome = (await response.json()) as {
        ok: boolean;
        error?: string;
        report?: Record<string, unknown>;
        userAgent?: string;
      };
      expect(outcome.error).toBeUndefined();
      expect(outcome.ok).toBe(true);
      expect(outcome.userAgent).toBe("Cloudflare-Workers");
      expect(outcome.report!.defaultHmac).toBe("webcrypto");
      expect(outcome.report!.backendsChecked).toEqual(["noble", "webcrypto"]);
      expect(outcome.report!.ed25519FormsChecked).toEqual(["pem", "der", "cryptoKey"]);
      expect(outcome.report!.ed25519Submitted).toBe(58);
      expect(sim.stats.batchCancelRequests).toBe(5);
      expect(outcome.report!.deadMansSwitch).toMatch(/armed, disarmed/);
      expect(sim.stats.byEndpoint["cancel-all-after"].requests).toBe(4);
      expect(sim.cancelAllAfterTrigger(1)).toBeUndefined();
      expect(sim.stats.rateLimitViolations).toBe(0);
      expect(sim.stats.rejections).toEqual({});
      console.info(`workerd (compatibility date ${COMPATIBILITY_DATE}): ${JSON.stringify(outcome.report)}`);
    },
    60_000,
  );
});
