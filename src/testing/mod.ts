/**
 * Offline HTX for tests and demos: a simulator of the batch-cancel endpoint as a plain fetch
 * handler, with signature checks, order states, per-UID rate limits and injectable faults.
 *
 * ```ts
 * import { createHtxSimulator, DEMO_ACCOUNT } from "htx-batch-cancel/testing";
 * const sim = createHtxSimulator({ orders: [{ uid: 1, orderId: "1001", state: "submitted" }] });
 * const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: "http://127.0.0.1", fetch: sim.fetch });
 * ```
 *
 * @module
 */
export {
  createHtxSimulator,
  DEMO_ACCOUNT,
  type FaultPlan,
  type FaultRates,
  faultsByRate,
  type HtxFault,
  type HtxSimulator,
  type HtxSimulatorOptions,
  type HtxSimulatorStats,
  type SimulatedAccount,
  type SimulatedOrder,
} from "./simulator.ts";
export { type DemoOrders, demoOrders } from "./demo-orders.ts";
