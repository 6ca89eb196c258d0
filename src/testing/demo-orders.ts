/** Order books for demos and tests: open orders plus some that cannot be canceled. */
import type { SimulatedOrder } from "./simulator.ts";

/** Orders to load into a simulator, and the ids to cancel (open, closed and unknown ones). */
export interface DemoOrders {
  /** Orders to load into the simulator. */
  orders: SimulatedOrder[];
  /** Every id a kill switch would send: the open ones, the filled/canceled ones, and unknown ids. */
  ids: string[];
}

/**
 * `open` submitted orders, plus `filled`, `canceled` and `unknown` ids, for account `uid`.
 * Order ids are 18 digits, beyond 2^53, so that any loss of precision shows.
 */
export function demoOrders(
  { open = 2000, filled = 25, canceled = 15, unknown = 10, uid = 1 } = {},
): DemoOrders {
  const orders: SimulatedOrder[] = [];
  const ids: string[] = [];
  let next = 900_000_000_000_000_001n;
  const add = (count: number, state?: SimulatedOrder["state"]) => {
    for (let i = 0; i < count; i++) {
      const orderId = String(next++);
      if (state) orders.push({ uid, orderId, clientOrderId: `demo-${orderId.slice(-6)}`, state });
      ids.push(orderId);
    }
  };
  add(open, "submitted");
  add(filled, "filled");
  add(canceled, "canceled");
  add(unknown);
  return { orders, ids };
}
