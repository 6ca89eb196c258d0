/**
 * The provider states a consumer's pact may name, and what each sets up in the simulator. A
 * state handler turns the state's parameters (JSON from the pact) into simulator options and,
 * where the state is about credentials, into what the request filter signs with.
 */
import { HtxInputError } from "../../core/errors.ts";
import { defaultSpotAccountId } from "../options.ts";
import type { HtxSimulatorOptions, SimulatedOrder } from "../types.ts";

/** What a provider state sets up for one interaction. */
export interface HtxStateSetup {
  /**
   * Simulator options for the interaction, merged over the kit's base options: `orders`,
   * `userAccounts` and `accounts` are appended, `rateLimit` merged key by key, the rest replaced.
   */
  simulator?: HtxSimulatorOptions;
  /**
   * What the request filter signs with instead of the kit's keys: an AccessKeyId HTX does not
   * know, or (`wrongKey`) the right AccessKeyId with a secret or Ed25519 key HTX does not know.
   */
  signing?: { accessKey?: string; wrongKey?: boolean };
}

/**
 * Sets up one provider state. `params` are the state's parameters as the pact holds them (`{}`
 * when it has none); `uid` is the UID of the account the requests are signed for. Throw (an
 * `HtxInputError` saying what to fix) on parameters it cannot use: the interaction then fails.
 */
export type HtxStateHandler = (
  params: Record<string, unknown>,
  context: { uid: number },
) => HtxStateSetup | Promise<HtxStateSetup>;

/** The names of the provider states the kit knows; a consumer's pact names them in `given(…)`. */
export const HTX_PROVIDER_STATES = {
  /** `{ orders: [{ orderId, state, clientOrderId?, symbol?, type?, price?, amount?, refuse?, … }] }`. */
  orders: "these orders exist for the account",
  /** `{ orders? }`: listed by `GET /v1/order/openOrders` while open (`created`, `submitted`, `partial-filled`). */
  openOrders: "open orders exist",
  /** `{ accountId?: digits, default "10000001"; state?: "working" | "lock" }`: the UID's only account. */
  spotAccount: "a spot account exists",
  /**
   * `{ accountId: digits, type?: default "spot", state?: "working" | "lock", orders? }`: an
   * account of the UID and the orders in it, for cancels by criteria
   * (`POST /v1/order/orders/batchCancelOpenOrders`) and listings by account. Name it once per
   * account to set up several (two spot accounts, a locked one first).
   */
  accountOrders: "open orders exist in this account",
  /** `{ orders? }`: requests are signed with the right key but a wrong secret (`api-signature-not-valid`). */
  wrongSecret: "the request is signed with a secret HTX does not know for the key",
  /** `{ orders? }`: requests carry an AccessKeyId HTX does not know (`api-signature-not-valid`). */
  unknownKey: "the API key is unknown to HTX",
  /**
   * `{ orders?, status?: 200 | 429, errCode?: "base-request-exceed-frequency-limit" | "invalid-parameter" }`:
   * the UID's window is used up on every signed endpoint (batch cancel, cancel by criteria, open orders, accounts).
   */
  rateLimited: "the account's rate limit for the window is used up",
  /**
   * `{ orders?, answer?: "v2" | "array-2021", minimumSeconds?: integer ≥ 1 }`: the dead man's
   * switch answers in the shape named (default `v2`, ms) and refuses timeouts under
   * `minimumSeconds` (default 5, HTX's docs) with v2 code 2002.
   */
  deadMansSwitch: "the dead man's switch is available",
} as const;

const NAMES = HTX_PROVIDER_STATES;

function invalid(state: string, message: string): never {
  throw new HtxInputError(`Provider state "${state}": ${message}`);
}

/** Whether a value is a plain record (an object, not an array), as JSON parameters are. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The state's `orders` parameter, each order given the signing account's UID. The simulator
 * checks each order's fields (an `HtxInputError` naming the field).
 */
function ordersParam(state: string, params: Record<string, unknown>, uid: number): SimulatedOrder[] {
  const orders = params.orders ?? [];
  if (!Array.isArray(orders) || orders.some((order) => !isRecord(order))) {
    invalid(state, `params.orders must be an array of orders ({ orderId, state, clientOrderId?, … }).`);
  }
  return (orders as Record<string, unknown>[]).map((order) => ({ ...order, uid }) as unknown as SimulatedOrder);
}

function spotAccount(params: Record<string, unknown>, { uid }: { uid: number }): HtxStateSetup {
  const { accountId = defaultSpotAccountId(uid), state = "working" } = params;
  if (typeof accountId !== "string" || !/^[1-9][0-9]*$/.test(accountId)) {
    invalid(NAMES.spotAccount, `params.accountId must be a string of digits (HTX account ids exceed 2^53).`);
  }
  if (state !== "working" && state !== "lock") invalid(NAMES.spotAccount, `params.state must be "working" or "lock".`);
  return { simulator: { userAccounts: [{ uid, id: accountId, type: "spot", state }] } };
}

function accountOrders(params: Record<string, unknown>, { uid }: { uid: number }): HtxStateSetup {
  const { accountId, type = "spot", state = "working" } = params;
  if (typeof accountId !== "string" || !/^[1-9][0-9]*$/.test(accountId)) {
    invalid(NAMES.accountOrders, `params.accountId must be a string of digits (HTX account ids exceed 2^53).`);
  }
  if (typeof type !== "string" || !/^[a-z-]+$/.test(type)) {
    invalid(NAMES.accountOrders, `params.type must be "spot", "margin", ….`);
  }
  if (state !== "working" && state !== "lock") {
    invalid(NAMES.accountOrders, `params.state must be "working" or "lock".`);
  }
  const orders = ordersParam(NAMES.accountOrders, params, uid).map((order) => ({ ...order, accountId }));
  return { simulator: { userAccounts: [{ uid, id: accountId, type, state }], orders } };
}

function rateLimited(params: Record<string, unknown>, { uid }: { uid: number }): HtxStateSetup {
  const { status = 200, errCode } = params;
  if (status !== 200 && status !== 429) invalid(NAMES.rateLimited, `params.status must be 200 or 429.`);
  if (errCode !== undefined && errCode !== "base-request-exceed-frequency-limit" && errCode !== "invalid-parameter") {
    invalid(NAMES.rateLimited, `params.errCode must be "base-request-exceed-frequency-limit" or "invalid-parameter".`);
  }
  const rateLimit = {
    limit: 0,
    batchCancelOpenOrdersLimit: 0,
    openOrdersLimit: 0,
    accountsLimit: 0,
    status,
    errCode,
  } as const;
  return { simulator: { orders: ordersParam(NAMES.rateLimited, params, uid), rateLimit } };
}

function deadMansSwitch(params: Record<string, unknown>, { uid }: { uid: number }): HtxStateSetup {
  const { answer = "v2", minimumSeconds = 5 } = params;
  if (answer !== "v2" && answer !== "array-2021") {
    invalid(NAMES.deadMansSwitch, `params.answer must be "v2" or "array-2021".`);
  }
  if (!Number.isSafeInteger(minimumSeconds) || (minimumSeconds as number) < 1) {
    invalid(NAMES.deadMansSwitch, `params.minimumSeconds must be an integer of at least 1.`);
  }
  const orders = ordersParam(NAMES.deadMansSwitch, params, uid);
  return { simulator: { orders, cancelAllAfterAnswer: answer, cancelAllAfterMinSeconds: minimumSeconds as number } };
}

/** A state that only sets up orders, and optionally what the filter signs with. */
function withOrders(state: string, signing?: HtxStateSetup["signing"]): HtxStateHandler {
  return (params, { uid }) => ({ simulator: { orders: ordersParam(state, params, uid) }, signing });
}

/** The kit's handlers, by state name. */
export const BUILT_IN_STATE_HANDLERS: Readonly<Record<string, HtxStateHandler>> = {
  [NAMES.orders]: withOrders(NAMES.orders),
  [NAMES.openOrders]: withOrders(NAMES.openOrders),
  [NAMES.spotAccount]: spotAccount,
  [NAMES.accountOrders]: accountOrders,
  [NAMES.wrongSecret]: withOrders(NAMES.wrongSecret, { wrongKey: true }),
  [NAMES.unknownKey]: withOrders(NAMES.unknownKey, { accessKey: "an-access-key-htx-does-not-know" }),
  [NAMES.rateLimited]: rateLimited,
  [NAMES.deadMansSwitch]: deadMansSwitch,
};
