/**
 * valibot schemas of the answers the client itself reads: batch cancel's ok shape, HTX's error
 * envelope and `/v1/common/timestamp` (docs/htx-notes.md, "Answers"). Apart from the other
 * schemas of `htx-batch-cancel/schemas`, so that the client loads only the valibot these need.
 */
import * as v from "valibot";

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
