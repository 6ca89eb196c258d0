/**
 * The classes of a batch-cancel result, built from what each request's answer (or its loss)
 * said, never claiming more than the client can know.
 *
 * HTX answers a retried cancel whose first attempt was applied behind a lost answer exactly as
 * it answers a cancel of an order closed before the call: `order-orderstate-error` with state
 * `canceled`/`cancelling`. So "closed before this call" is only claimed when no attempt of this
 * call that carried the id can have been applied.
 */
import type { HtxError } from "../errors.ts";
import type { FailedCancel } from "../response.ts";
import type { OrderStateName } from "../order-states.ts";

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

/** An id whose requests got no usable answer, with every attempt's error. */
export interface UnresolvedCancel {
  /** The order id or client order id. */
  id: string;
  /**
   * `true` when any attempt that carried the id may have reached HTX and been applied (a
   * timeout, a connection dropped after sending, a 5xx, an unreadable answer); `false` only
   * when every attempt certainly changed nothing (refused as a whole, never connected, not sent).
   * Either way the order may still be open.
   */
  mayHaveBeenApplied: boolean;
  /** The last attempt's error (`errors.at(-1)`). */
  error: HtxError;
  /** Every attempt's error, oldest first. */
  errors: HtxError[];
}

/** Every distinct id of the input, in exactly one list. */
export interface BatchCancelResult {
  /** Ids whose cancel HTX accepted (submitted, not yet necessarily canceled). */
  success: string[];
  /** Ids HTX refused, with its reason, the order's state where given, and what that means (`outcome`). */
  failed: FailedCancel[];
  /** Ids whose requests got no usable answer after all retries: all may still be open. */
  unresolved: UnresolvedCancel[];
}

/** What happened to one id, as the engine settles it. */
export type IdOutcome =
  | { kind: "success" }
  | {
    kind: "failed";
    failed: FailedCancel;
    /**
     * Whether an earlier attempt that carried the id may have been applied (its answer was
     * lost), whatever the refusal's outcome says: the kill switch keeps it across passes.
     */
    mayHaveBeenApplied: boolean;
  }
  | { kind: "unresolved"; errors: HtxError[]; mayHaveBeenApplied: boolean };

/** Puts each id, in input order, into the list its outcome says. */
export function buildResult(ids: readonly string[], outcomes: ReadonlyMap<string, IdOutcome>): BatchCancelResult {
  const result: BatchCancelResult = { success: [], failed: [], unresolved: [] };
  for (const id of ids) {
    const outcome = outcomes.get(id)!;
    if (outcome.kind === "success") result.success.push(id);
    else if (outcome.kind === "failed") result.failed.push(outcome.failed);
    else {
      const { errors, mayHaveBeenApplied } = outcome;
      result.unresolved.push({ id, mayHaveBeenApplied, error: errors.at(-1)!, errors });
    }
  }
  return result;
}

/** A result grouped by what a user does next; see {@link classify}. */
export interface ResultClasses {
  /** (a) Cancel accepted by HTX in this call (`result.success`). */
  accepted: string[];
  /**
   * (b) Closed: nothing left to cancel. Each entry's `outcome` says whether it was already
   * closed (before this call, or filled) or possibly closed by this call.
   */
  closed: FailedCancel[];
  /** (c) May still be open: check or cancel these again. */
  mayBeOpen: {
    /** Every id of this class: the refused ones first, then the unresolved ones. */
    ids: string[];
    /** Refused with `outcome: "may-be-open"`: an open state, no state, `base-not-found`, … */
    failed: FailedCancel[];
    /** Every unresolved id (`mayHaveBeenApplied` tells whether the cancel may have gone through). */
    unresolved: UnresolvedCancel[];
  };
}

/** The id of a refused cancel: the order id, or the client order id when the request used those. */
export function failedId(failed: FailedCancel): string {
  return failed.orderId ?? failed.clientOrderId ?? "";
}

/**
 * Groups a result into the three things a user needs to know: cancel accepted, closed, or may
 * still be open. Every id of the result is in exactly one class.
 *
 * @example
 * ```ts
 * const { accepted, closed, mayBeOpen } = classify(await htx.batchCancel({ orderIds }));
 * if (mayBeOpen.ids.length > 0) alert(`${mayBeOpen.ids.length} orders may still be open`);
 * ```
 */
export function classify(result: BatchCancelResult): ResultClasses {
  const closed: FailedCancel[] = [];
  const refusedOpen: FailedCancel[] = [];
  for (const failed of result.failed) (failed.outcome === "may-be-open" ? refusedOpen : closed).push(failed);
  const ids = refusedOpen.map(failedId);
  for (const { id } of result.unresolved) ids.push(id);
  return {
    accepted: [...result.success],
    closed,
    mayBeOpen: { ids, failed: refusedOpen, unresolved: [...result.unresolved] },
  };
}
