// Bun: the sources as they are, the simulator served with Bun.serve.
import assert from "node:assert/strict";
import { expect, test } from "bun:test";
import * as lib from "../../../mod.ts";
import * as testing from "../../../src/testing/mod.ts";
import { runSmoke, smokeSimulator } from "../smoke.mjs";

test("smoke: vectors (HMAC, Ed25519), 120 ids (HMAC) and 60 (Ed25519) through Bun.serve({ fetch: sim.fetch }), an input error", async () => {
  const { sim, ids, ed25519Ids } = smokeSimulator(testing);
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: sim.fetch });
  try {
    const report = await runSmoke({ lib, assert, baseUrl: `http://127.0.0.1:${server.port}`, ids, ed25519Ids });
    expect(sim.stats.rateLimitViolations).toBe(0);
    expect(sim.stats.rejections).toEqual({});
    expect(report.ed25519Submitted).toBe(58);
    expect(report.defaultHmac).toBe("node:crypto");
    expect(report.backendsChecked).toEqual(["noble", "webcrypto", "node:crypto"]);
    expect(report.ed25519FormsChecked).toEqual(["pem", "der", "cryptoKey"]);
    expect(sim.cancelAllAfterTrigger(1)).toBeUndefined(); // armed, then disarmed
    expect(sim.stats.byEndpoint["cancel-all-after"].requests).toBe(4);
    console.log(`bun ${Bun.version}: ${JSON.stringify(report)}`);
  } finally {
    server.stop(true);
  }
});
