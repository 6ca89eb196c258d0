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
 * import { BatchCancelAnswerSchema } from "@htx-tools/batch-cancel/schemas";
 * const response = new Response('{"status":"ok","data":{"success":["357631450723117"],"failed":[]}}');
 * const answer = v.parse(BatchCancelAnswerSchema, await response.json());
 * ```
 * @module
 */
// Re-exports only: the package has no side effects, so a bundle keeps just the schemas it uses,
// and the npm build of mod.ts (which re-exports ORDER_STATES from here) does not load valibot.
export { ORDER_STATES, type OrderStateName } from "./core/order-states.ts";
export { type BatchCancelBody, BatchCancelBodySchema } from "./schemas/body.ts";
export {
  type BatchCancelAnswer,
  BatchCancelAnswerSchema,
  type BatchCancelOk,
  BatchCancelOkSchema,
  type ErrorEnvelope,
  ErrorEnvelopeSchema,
  type FailedEntry,
  FailedEntrySchema,
  OrderStateCodeSchema,
  TimestampAnswerSchema,
} from "./schemas/answers.ts";
export {
  type AccountEntry,
  AccountsAnswerSchema,
  JsonIdSchema,
  type OpenOrderEntry,
  OpenOrdersAnswerSchema,
} from "./schemas/listing.ts";
export {
  type CancelAllAfterData,
  CancelAllAfterDataSchema,
  type CancelAllAfterEnvelope,
  CancelAllAfterEnvelopeSchema,
} from "./schemas/cancel-all-after.ts";
