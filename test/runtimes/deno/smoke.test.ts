// Deno: the sources as they are (what JSR serves), the simulator served with Deno.serve.
import assert from "node:assert/strict";
import * as lib from "../../../mod.ts";
import * as testing from "../../../src/testing/mod.ts";
import { runSmoke, smokeSimulator } from "../smoke.mjs";

Deno.test("smoke: vectors (HMAC, Ed25519), 120 ids (HMAC) and 60 (Ed25519) through Deno.serve(sim.fetch), an input error", async () => {
  const { sim, ids, ed25519Ids } = smokeSimulator(testing);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, sim.fetch);
  try {
    const baseUrl = `http://127.0.0.1:${server.addr.port}`;
    const report = await runSmoke({ lib, assert, baseUrl, ids, ed25519Ids });
    assert.equal(sim.stats.rateLimitViolations, 0);
    assert.deepEqual(sim.stats.rejections, {});
    assert.equal(report.ed25519Submitted, 58);
    assert.equal(report.defaultHmac, "noble");
    assert.deepEqual(report.backendsChecked, ["noble", "webcrypto", "node:crypto"]);
    assert.deepEqual(report.ed25519FormsChecked, ["pem", "der", "cryptoKey"]);
    assert.equal(sim.cancelAllAfterTrigger(1), undefined); // armed, then disarmed
    assert.equal(sim.stats.byEndpoint["cancel-all-after"].requests, 4);
    console.log(`deno ${Deno.version.deno}: ${JSON.stringify(report)}`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("examples/deno/cancel-all.ts cancels the ids of a file through the simulator", async () => {
  const { cancelAll } = await import("../../../examples/deno/cancel-all.ts");
  const { sim, ids } = smokeSimulator(testing);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, sim.fetch);
  const file = await Deno.makeTempFile({ suffix: ".txt" });
  try {
    await Deno.writeTextFile(file, ["# ids to cancel", ...ids, ""].join("\n"));
    const env = new Map([
      ["HTX_ACCESS_KEY", testing.DEMO_ACCOUNT.accessKey],
      ["HTX_SECRET_KEY", testing.DEMO_ACCOUNT.secretKey],
      ["HTX_BASE_URL", `http://127.0.0.1:${server.addr.port}`],
    ]);
    const result = await cancelAll(file, env);
    assert.equal(result.success.length, 117);
    assert.equal(result.failed.length, 3);
    assert.deepEqual(result.unresolved, []);
  } finally {
    await server.shutdown();
    await Deno.remove(file);
  }
});
