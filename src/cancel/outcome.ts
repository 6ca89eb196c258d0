/**
 * The classes of a batch-cancel result, built from what each request's answer (or its loss)
 * said, never claiming more than the client can know.
 *
 * HTX answers a retried cancel whose first attempt was applied behind a lost answer exactly as
 * it answers a cancel of an order closed before the call: `order-orderstate-error` with state
 * `canceled`/`cancelling`. So "closed before this call" is only claimed when no attempt of this
 * call that carried the id can have been applied.
 */
import type { HtxError } from "../core/errors.ts";
import type { FailedCancel } from "../http/answers.ts";

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
