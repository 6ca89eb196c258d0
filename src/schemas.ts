/**
 * valibot schemas of the batch-cancel request body and of HTX's answers, as HTX really sends
 * them (shared/htx-reference.md, "Answers"): ids are strings, never numbers; `order-state` is
 * documented as a string but arrives as a number; `order-id` is `""` when client ids were sent.
 */
import * as v from "valibot";

/** Order states by HTX's numeric `order-state` code. */
export const ORDER_STATES = {
  "-1": "closed",
  "1": "created",
  "3": "submitted",
  "4": "partial-filled",
  "5": "partial-canceled",
  "6": "filled",
  "7": "canceled",
  "10": "cancelling",
} as const;

/** A name of an HTX order state (`-1`, closed long ago, is `"closed"`). */
export type OrderStateName = (typeof ORDER_STATES)[keyof typeof ORDER_STATES];

const ids = (max: number) => v.pipe(v.array(v.string()), v.minLength(1), v.maxLength(max));

/** The JSON body of `POST /v1/order/orders/batchcancel`: one kind of id, 1 to 50 strings. */
export const BatchCancelBodySchema = v.union([
  v.strictObject({ "order-ids": ids(50) }),
  v.strictObject({ "client-order-ids": ids(50) }),
]);

/** `order-state`: an integer, or the same as a numeric string (the documented type). */
export const OrderStateCodeSchema = v.union([
  v.pipe(v.number(), v.integer()),
  v.pipe(v.string(), v.regex(/^-?\d{1,3}$/), v.transform(Number)),
]);

/** One entry of `data.failed`. */
export const FailedEntrySchema = v.looseObject({
  "order-id": v.nullish(v.string()),
  "client-order-id": v.nullish(v.string()),
  "err-code": v.string(),
  "err-msg": v.nullish(v.string()),
  "order-state": v.nullish(OrderStateCodeSchema),
});

/** `{"status":"ok","data":{"success":[…],"failed":[…]}}`. */
export const BatchCancelOkSchema = v.looseObject({
  status: v.literal("ok"),
  data: v.looseObject({
    success: v.array(v.string()),
    failed: v.optional(v.array(FailedEntrySchema), []),
  }),
});

/** HTX's error envelope, with `data: null`, without `data`, and with or without `ts`. */
export const ErrorEnvelopeSchema = v.looseObject({
  status: v.literal("error"),
  "err-code": v.string(),
  "err-msg": v.nullish(v.string()),
  data: v.nullish(v.unknown()),
  ts: v.optional(v.number()),
});

/** Any answer of the batch-cancel endpoint. */
export const BatchCancelAnswerSchema = v.variant("status", [
  BatchCancelOkSchema,
  ErrorEnvelopeSchema,
]);

/** `GET /v1/common/timestamp`: `{"status":"ok","data":1629715504949}`. */
export const TimestampAnswerSchema = v.looseObject({
  status: v.literal("ok"),
  data: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

export type BatchCancelBody = v.InferOutput<typeof BatchCancelBodySchema>;
export type FailedEntry = v.InferOutput<typeof FailedEntrySchema>;
export type BatchCancelAnswer = v.InferOutput<typeof BatchCancelAnswerSchema>;
export type ErrorEnvelope = v.InferOutput<typeof ErrorEnvelopeSchema>;
