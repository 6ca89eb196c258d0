/**
 * Which listing errors no later try will mend: a refused key, HTX's definitive no, an abort, or a
 * paging HTX itself would not move on. Apart from the listings' reading (and valibot), so that
 * the kill switch's account lookup can tell them before that has loaded.
 */
import type { HtxError } from "../core/errors.ts";
import { HtxAbortError, HtxApiError } from "../http/request-errors.ts";
import { isKeyRefusal } from "../http/answers.ts";

/** Errors no later listing will mend: HTX's paging itself cannot reach the orders. */
const UNPAGEABLE = new WeakSet<HtxError>();

/** Marks `error` as one no later listing will mend; returns it. */
export function markDefinitive(error: HtxError): HtxError {
  UNPAGEABLE.add(error);
  return error;
}

/** Whether a failed page is worth asking again, when persisting: not for a refused key or HTX's definitive no. */
export function isDefinitive(error: HtxError): boolean {
  return error instanceof HtxAbortError || isKeyRefusal(error) || UNPAGEABLE.has(error) ||
    (error instanceof HtxApiError && !error.retryable && error.httpStatus < 500);
}
