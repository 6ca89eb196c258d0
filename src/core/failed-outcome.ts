/**
 * What a refused cancel's order state says about the order, below both the answer reader (which
 * names each refusal's outcome) and the cancel engine (which knows whether an earlier attempt of
 * the call may have been applied).
 *
 * HTX answers a retried cancel whose first attempt was applied behind a lost answer exactly as
 * it answers a cancel of an order closed before the call: `order-orderstate-error` with state
 * `canceled`/`cancelling`. So "closed before this call" is only claimed when no attempt of this
 * call that carried the id can have been applied.
 */
import type { OrderStateName } from "./order-states.ts";

/**
 * What a refused cancel says about the order:
 * - `"already-closed"`: closed (canceled, cancelling, partial-canceled, filled, or closed long
 *   ago) and no attempt of this call can have done it: closed before the call, or filled.
 * - `"closed-possibly-by-this-call"`: canceled, cancelling or partial-canceled, and an earlier
 *   attempt of this call that carried the id lost its answer, so that attempt may have closed
 *   it. Whether it did, or something before the call did, the client cannot know.
 * - `"may-be-open"`: anything else: an open state, no state, `base-not-found` (HTX forgets
 *   client order ids 2 h after they are final, and 8 h after they were placed otherwise; the
 *   order may still be open), `base-record-invalid`, or any other err-code.
 */
export type FailedOutcome = "already-closed" | "closed-possibly-by-this-call" | "may-be-open";

/** States a cancel can produce: the order may have been closed by this call's own cancel. */
const CLOSED_BY_A_CANCEL: ReadonlySet<OrderStateName> = new Set(["canceled", "cancelling", "partial-canceled"]);
/** States a cancel never produces: closed by a fill, or closed so long ago HTX says only `closed`. */
const CLOSED_OTHERWISE: ReadonlySet<OrderStateName> = new Set(["filled", "closed"]);

/**
 * The outcome of a refused cancel.
 * @param state The order's state as HTX named it, if it gave one.
 * @param earlierMayHaveApplied Whether an earlier attempt of this call that carried the id may
 *   have been applied (its answer was lost).
 */
export function failedOutcome(state: OrderStateName | undefined, earlierMayHaveApplied: boolean): FailedOutcome {
  if (state === undefined) return "may-be-open";
  if (CLOSED_OTHERWISE.has(state)) return "already-closed";
  if (CLOSED_BY_A_CANCEL.has(state)) return earlierMayHaveApplied ? "closed-possibly-by-this-call" : "already-closed";
  return "may-be-open";
}
