/**
 * valibot schemas of the listings the kill switch reads: accounts and open orders, their
 * 64-bit ids read as digits (docs/htx-notes.md, "Answers").
 */
import * as v from "valibot";

/**
 * An id HTX writes as a JSON number declared 64-bit (order ids, account ids). Read as a string
 * of digits: parse the text with the ids quoted (as the client does), or with a plain
 * `JSON.parse`, which is exact only up to 2^53 − 1. A number beyond that has already lost
 * digits and is refused, never rounded into another id.
 */
export const JsonIdSchema: v.GenericSchema<string | number, string> = v.union([
  v.pipe(v.string(), v.regex(/^(0|[1-9][0-9]{0,31})$/)),
  v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.transform(String)),
]);

/** One entry of `GET /v1/account/accounts`. */
export interface AccountEntry {
  /** The account id, as digits. */
  id: string;
  /** `spot`, `margin`, `otc`, `point`, `super-margin`, … */
  type: string;
  /** `""` for most accounts. */
  subtype?: string | null;
  /** `working`, or `lock` for a locked account. */
  state: string;
  /** Fields HTX may add. */
  [extra: string]: unknown;
}

/** One entry of `GET /v1/order/openOrders`; prices and amounts are decimal strings. */
export interface OpenOrderEntry {
  /** The order id, as digits. */
  id: string;
  /** `""` when the order has none. */
  "client-order-id"?: string | null;
  /** e.g. `btcusdt`. */
  symbol: string;
  /** The account id, as digits. */
  "account-id"?: string;
  /** `<side>-<kind>`, e.g. `sell-limit`. */
  type: string;
  /** `created`, `submitted`, `partial-filled` (older docs: also `cancelling`). */
  state: string;
  /** Decimal string. */
  price?: string;
  /** Decimal string. */
  amount?: string;
  /** Decimal string. */
  "filled-amount"?: string;
  /** Epoch ms. */
  "created-at"?: number;
  /** Fields HTX may add. */
  [extra: string]: unknown;
}

const accountEntry = v.looseObject({
  id: JsonIdSchema,
  type: v.string(),
  subtype: v.nullish(v.string()),
  state: v.string(),
});

const openOrderEntry = v.looseObject({
  id: JsonIdSchema,
  "client-order-id": v.nullish(v.string()),
  symbol: v.string(),
  "account-id": v.optional(JsonIdSchema),
  type: v.string(),
  state: v.string(),
  price: v.optional(v.string()),
  amount: v.optional(v.string()),
  "filled-amount": v.optional(v.string()),
  "created-at": v.optional(v.number()),
});

/** `GET /v1/account/accounts`: `{"status":"ok","data":[{ id, type, subtype, state }, …]}`. */
export const AccountsAnswerSchema: v.GenericSchema<unknown, { status: "ok"; data: AccountEntry[] }> = v.looseObject({
  status: v.literal("ok"),
  data: v.array(accountEntry),
});

/** `GET /v1/order/openOrders`: `{"status":"ok","data":[order, …]}`. */
export const OpenOrdersAnswerSchema: v.GenericSchema<unknown, { status: "ok"; data: OpenOrderEntry[] }> = v
  .looseObject({
    status: v.literal("ok"),
    data: v.array(openOrderEntry),
  });
