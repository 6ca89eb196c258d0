/**
 * Offline HTX for tests and demos: a simulator of the spot endpoints a kill switch needs
 * (timestamp, accounts, open orders, batch cancel, cancel by criteria) as a plain fetch handler, with signature
 * checks, order states, per-UID and per-endpoint rate limits, injectable faults and an order
 * bot. What it models and what it cannot know: docs/testing.md.
 *
 * ```ts
 * import { HtxClient } from "@htx-tools/batch-cancel";
 * import { createHtxSimulator, DEMO_ACCOUNT } from "@htx-tools/batch-cancel/testing";
 *
 * const sim = createHtxSimulator({ orders: [{ uid: 1, orderId: "1001", state: "submitted" }] });
 * const htx = new HtxClient({ accessKey: DEMO_ACCOUNT.accessKey, secretKey: DEMO_ACCOUNT.secretKey, fetch: sim.fetch });
 * await htx.batchCancel({ orderIds: ["1001"] });
 * sim.getOrder(1, "1001"); // { state: "cancelling", … }, "canceled" 100 ms later
 * ```
 *
 * On npm: `htx-batch-cancel/testing`, and `htx-batch-cancel/testing/node` to serve it over HTTP.
 *
 * @module
 */
export {
  type CallerInfo,
  createHtxSimulator,
  DEMO_ACCOUNT,
  type EndpointStats,
  type FaultPlan,
  type FaultRates,
  type FaultRule,
  faultsByRate,
  faultsFor,
  type FaultTarget,
  type HtxFault,
  type HtxSimulator,
  type HtxSimulatorOptions,
  type HtxSimulatorStats,
  type KeyPermission,
  type OrderRefusal,
  type RateLimitOptions,
  type SimulatedAccount,
  type SimulatedEd25519Account,
  type SimulatedEndpoint,
  type SimulatedHmacAccount,
  type SimulatedKeyBase,
  type SimulatedOrder,
  type SimulatedUserAccount,
  type WindowAlignment,
} from "./simulator.ts";
export { type DemoOrders, demoOrders } from "./demo-orders.ts";
export { type OrderBot, type OrderBotOptions, startOrderBot } from "./order-bot.ts";
