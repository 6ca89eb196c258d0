/** The valibot schema of the batch-cancel request body: one kind of id, 1 to 50 strings. */
import * as v from "valibot";

/** The JSON body of `POST /v1/order/orders/batchcancel`. */
export type BatchCancelBody = { "order-ids": string[] } | { "client-order-ids": string[] };

const ids = v.pipe(v.array(v.string()), v.minLength(1), v.maxLength(50));

/** The body: one kind of id, 1 to 50 strings. */
export const BatchCancelBodySchema: v.GenericSchema<BatchCancelBody> = v.union([
  v.strictObject({ "order-ids": ids }),
  v.strictObject({ "client-order-ids": ids }),
]);
