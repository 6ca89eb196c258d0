/**
 * valibot schemas of the batch-cancel request body and of HTX's answers, as HTX really sends
 * them (docs/htx-notes.md, "Answers"): ids are strings, never numbers; `order-state` is
 * documented as a string but arrives as a number; `order-id` is `""` when client ids were sent.
 * Each schema is typed by what it accepts and what it returns, so it can be used as it is or
 * composed into a caller's own valibot schemas.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { BatchCancelAnswerSchema } from "htx-batch-cancel/schemas";
 * const response = new Response('{"status":"ok","data":{"success":["357631450723117"],"failed":[]}}');
 * const answer = v.parse(BatchCancelAnswerSchema, await response.json());
 * ```
 * @module
 */
import * as v from "valibot";

/** Order states by HTX's numeric `order-state` code. */
export const ORDER_STATES: {
  readonly "-1": "closed";
  readonly "1": "created";
  readonly "3": "submitted";
  readonly "4": "partial-filled";
  readonly "5": "partial-canceled";
  readonly "6": "filled";
  readonly "7": "canceled";
  readonly "10": "cancelling";
} = {
  "-1": "closed",
  "1": "created",
  "3": "submitted",
  "4": "partial-filled",
  "5": "partial-canceled",
  "6": "filled",
  "7": "canceled",
  "10": "cancelling",
};

/** A name of an HTX order state (`-1`, closed long ago, is `"closed"`). */
export type OrderStateName = (typeof ORDER_STATES)[keyof typeof ORDER_STATES];

/** The JSON body of `POST /v1/order/orders/batchcancel`. */
export type BatchCancelBody = { "order-ids": string[] } | { "client-order-ids": string[] };

/** One entry of `data.failed`, with `order-state` read as a number. */
export interface FailedEntry {
  /** The order id; `""` when the request used client ids. */
  "order-id"?: string | null;
  /** The client order id, where the order has one (absent or null otherwise). */
  "client-order-id"?: string | null;
  /** Why HTX did not cancel the order, e.g. `order-orderstate-error`. */
  "err-code": string;
  /** HTX's message for `err-code`. */
  "err-msg"?: string | null;
  /** The order's state code (-1, 1, 3, 4, 5, 6, 7, 10), where HTX gives one. */
  "order-state"?: number | null;
  /** Fields HTX may add. */
  [extra: string]: unknown;
}

/** `{"status":"ok","data":{"success":[…],"failed":[…]}}`. */
export interface BatchCancelOk {
  /** Always `"ok"` for this shape. */
  status: "ok";
  /** The ids submitted for cancel, and the ones HTX refused. */
  data: { success: string[]; failed: FailedEntry[]; [extra: string]: unknown };
  /** Fields HTX may add. */
  [extra: string]: unknown;
}

/** HTX's error envelope. */
export interface ErrorEnvelope {
  /** Always `"error"` for this shape. */
  status: "error";
  /** HTX's error code, e.g. `api-signature-not-valid`. */
  "err-code": string;
  /** HTX's message for `err-code`. */
  "err-msg"?: string | null;
  /** Usually `null`. */
  data?: unknown;
  /** Server time of the answer, epoch ms (some envelopes). */
  ts?: number;
  /** Fields HTX may add. */
  [extra: string]: unknown;
}

/** Any answer of the batch-cancel endpoint. */
export type BatchCancelAnswer = BatchCancelOk | ErrorEnvelope;

const ids = v.pipe(v.array(v.string()), v.minLength(1), v.maxLength(50));

/** The body: one kind of id, 1 to 50 strings. */
export const BatchCancelBodySchema: v.GenericSchema<BatchCancelBody> = v.union([
  v.strictObject({ "order-ids": ids }),
  v.strictObject({ "client-order-ids": ids }),
]);

/** `order-state`: an integer, or the same as a numeric string (the documented type). */
export const OrderStateCodeSchema: v.GenericSchema<number | string, number> = v.union([
  v.pipe(v.number(), v.integer()),
  v.pipe(v.string(), v.regex(/^-?\d{1,3}$/), v.transform(Number)),
]);

/** One entry of `data.failed`. */
export const FailedEntrySchema: v.GenericSchema<unknown, FailedEntry> = v.looseObject({
  "order-id": v.nullish(v.string()),
  "client-order-id": v.nullish(v.string()),
  "err-code": v.string(),
  "err-msg": v.nullish(v.string()),
  "order-state": v.nullish(OrderStateCodeSchema),
});

const okSchema = v.looseObject({
  status: v.literal("ok"),
  data: v.looseObject({
    success: v.array(v.string()),
    failed: v.optional(v.array(FailedEntrySchema), []),
  }),
});

const errorSchema = v.looseObject({
  status: v.literal("error"),
  "err-code": v.string(),
  "err-msg": v.nullish(v.string()),
  data: v.nullish(v.unknown()),
  ts: v.optional(v.number()),
});

/** The ok answer; a missing `failed` reads as `[]`. */
export const BatchCancelOkSchema: v.GenericSchema<unknown, BatchCancelOk> = okSchema;

/** HTX's error envelope, with `data: null`, without `data`, and with or without `ts`. */
export const ErrorEnvelopeSchema: v.GenericSchema<unknown, ErrorEnvelope> = errorSchema;

/**
 * Any answer of the batch-cancel endpoint: the ok shape or the error envelope, told apart by
 * `status` (so the issues point into the right shape).
 */
export const BatchCancelAnswerSchema: v.GenericSchema<unknown, BatchCancelAnswer> = v.variant("status", [
  okSchema,
  errorSchema,
]);

/** `GET /v1/common/timestamp`: `{"status":"ok","data":1629715504949}`. */
export const TimestampAnswerSchema: v.GenericSchema<unknown, { status: "ok"; data: number }> = v.looseObject({
  status: v.literal("ok"),
  data: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

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
