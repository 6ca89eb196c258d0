/**
 * The provider states our pact names: the kit's own (`HTX_PROVIDER_STATES`, so that the names
 * cannot drift apart), and two the kit does not know, with the handlers that set them up in the
 * simulator. Provider verification passes these handlers to the kit, as any user adds theirs.
 */
import { HtxInputError } from "../mod.ts";
import type { SimulatedOrder } from "../src/testing/mod.ts";
import { HTX_PROVIDER_STATES, type HtxStateHandler } from "../src/testing/pact.ts";

/** Every provider state of our pact, by what it is for. */
export const STATES = {
  orders: HTX_PROVIDER_STATES.orders,
  wrongSecret: HTX_PROVIDER_STATES.wrongSecret,
  rateLimited: HTX_PROVIDER_STATES.rateLimited,
  openOrders: HTX_PROVIDER_STATES.openOrders,
  spotAccount: HTX_PROVIDER_STATES.spotAccount,
  deadMansSwitch: HTX_PROVIDER_STATES.deadMansSwitch,
  accountOrders: HTX_PROVIDER_STATES.accountOrders,
  /** `{ orders }`: the kit re-signs Ed25519-signed requests with its Ed25519 key; only the orders need setting up. */
  ed25519: "the API key is an Ed25519 key, and these orders exist for the account",
  /** No params: HTX's older reading, where `GET /v1/order/openOrders` requires `account-id` and `symbol`. */
  symbolRequired: "HTX requires a symbol to list open orders",
} as const;

/** A provider state's name. */
export type StateName = (typeof STATES)[keyof typeof STATES];

/** The `orders` param as the simulator's orders of `uid`; the simulator checks each order's fields. */
function ordersOf(params: Record<string, unknown>, uid: number): SimulatedOrder[] {
  const { orders } = params;
  if (!Array.isArray(orders)) throw new HtxInputError(`params.orders must be an array of orders.`);
  return orders.map((order) => ({ ...order, uid }) as SimulatedOrder);
}

/** Handlers for the states of our pact that the kit does not know. */
export const CONTRACT_STATE_HANDLERS: Record<string, HtxStateHandler> = {
  [STATES.ed25519]: (params, { uid }) => ({ simulator: { orders: ordersOf(params, uid) } }),
  [STATES.symbolRequired]: () => ({ simulator: { openOrdersRequired: ["account-id", "symbol"] } }),
};
