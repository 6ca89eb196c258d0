/** The fixture recording script, run against the simulator standing in for HTX. */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { serveHandler } from "../src/testing/node-server.ts";
import { createHtxSimulator } from "../src/testing/mod.ts";
import { type Fixture, fixture, KEYS, leaks, shapeOf } from "./helpers.ts";

it("records a request/answer pair in the fixture format, with no credentials in it", async () => {
  const sim = createHtxSimulator({
    accounts: [{ uid: 1, ...KEYS }],
    orders: [{ uid: 1, orderId: "12345", state: "submitted" }, {
      uid: 1,
      orderId: "357631450723117",
      state: "canceled",
    }],
  });
  const served = await serveHandler(sim.fetch);
  const out = mkdtempSync(join(tmpdir(), "htx-record-"));
  try {
    const { stderr } = await promisify(execFile)(process.execPath, [
      "scripts/record-fixture.mjs",
      "--name",
      "recorded",
      "--source",
      "simulator",
      "--order-ids",
      "12345,357631450723117",
      "--base-url",
      served.url,
      "--out",
      out,
    ], { env: { PATH: process.env.PATH, HTX_ACCESS_KEY: KEYS.accessKey, HTX_SECRET_KEY: KEYS.secretKey } });
    const text = readFileSync(join(out, "recorded.json"), "utf8");
    expect(leaks(text + stderr)).toEqual([]);
    const recorded = JSON.parse(text) as Fixture;
    expect(recorded.request).toEqual({
      method: "POST",
      path: "/v1/order/orders/batchcancel",
      headers: { "Content-Type": "application/json" },
      body: { "order-ids": ["12345", "357631450723117"] },
    });
    expect(recorded.response.status).toBe(200);
    expect(shapeOf(recorded.response.body)).toEqual(shapeOf(fixture("partial-failure").response.body));
  } finally {
    await served.close();
  }
});
