/**
 * The CI step after the consumer test: HTX runs no provider verification for anyone, so the
 * bot's pact is verified against the HTX simulator. A pact expecting something HTX would not
 * answer (an `order-state` string, numeric ids, a state the simulator cannot set up) fails here.
 * With a Pact Broker: `pactBrokerUrl`, `consumerVersionSelectors`, `providerVersion`,
 * `publishVerificationResult` instead of `pactUrls`.
 */
import { verifyWithHtxSimulator } from "htx-batch-cancel/pact";
import { expect, it } from "vitest";

it("the HTX simulator honours the grid bot's pact", async () => {
  const pact = new URL("../pacts/htx-grid-bot-htx-spot-api.json", import.meta.url).pathname;
  await expect(verifyWithHtxSimulator({ provider: "htx-spot-api", pactUrls: [pact] })).resolves.toBeTypeOf("string");
});
