// Runs in a fresh project that installed the packed tarball: every entry point by its package
// name, then the runtime-neutral smoke suite against the simulator served by the Node adapter.
import assert from "node:assert/strict";
import * as lib from "htx-batch-cancel";
import * as schemas from "htx-batch-cancel/schemas";
import * as testing from "htx-batch-cancel/testing";
import { serveHandler } from "htx-batch-cancel/testing/node";
import { htxHandlers } from "htx-batch-cancel/msw";
import { runSmoke, smokeSimulator } from "./smoke-suite.mjs";

assert.equal(typeof schemas.BatchCancelAnswerSchema, "object");
assert.equal(typeof htxHandlers, "function");
const { sim, ids, ed25519Ids } = smokeSimulator(testing);
const served = await serveHandler(sim.fetch);
try {
  const report = await runSmoke({ lib, assert, baseUrl: served.url, ids, ed25519Ids });
  assert.equal(sim.stats.rateLimitViolations, 0);
  assert.deepEqual(sim.stats.rejections, {});
  assert.equal(report.ed25519Submitted, 58);
  assert.deepEqual(report.ed25519FormsChecked, ["pem", "der", "cryptoKey"]);
  assert.equal(sim.stats.byEndpoint["cancel-all-after"].requests, 4); // armed, disarmed; kept, stopped

  console.log(JSON.stringify({ node: process.version, ...report }));
} finally {
  await served.close();
}
