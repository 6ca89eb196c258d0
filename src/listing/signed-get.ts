/**
 * Signed GETs of HTX's listing endpoints, and the kill switch's sweep (a POST by criteria),
 * through the signed-request transport below (src/cancel/signed-request.ts): each endpoint on its
 * own budget, retried while the error says it may pass (a GET changes nothing; a sweep sent again
 * cancels only what still matches).
 */
import { type AnswerReader, sendSigned, type SignedRequestSetup } from "../cancel/signed-request.ts";

export type { AnswerReader } from "../cancel/signed-request.ts";

/** The endpoints the kill switch calls besides batch cancel, each with its own budget. */
export type ListingEndpoint = "openOrders" | "accounts" | "batchCancelOpenOrders";

/** Everything a listing needs, fixed per client. */
export type ListingSetup = SignedRequestSetup<ListingEndpoint>;

/**
 * One signed request: the endpoint (for its budget), the path and its business parameters (a
 * GET), or its JSON body (a POST: Signature V2 then signs only the auth parameters).
 */
export interface ListingRequest {
  endpoint: ListingEndpoint;
  path: string;
  params: readonly (readonly [string, string])[];
  /** A POST's JSON body; absent for a GET. */
  body?: string;
}

/**
 * Sends one signed GET (or sweep), retrying what may pass on a later try and resyncing the clock once on a
 * stale timestamp.
 * @throws {HtxError} the last attempt's error; `HtxAbortError` once `signal` aborts.
 */
export async function signedGet<T>(
  setup: ListingSetup,
  request: ListingRequest,
  read: AnswerReader<T>,
  signal: AbortSignal,
): Promise<T> {
  // The sweep (a POST by criteria) is as safe to repeat as a listing: it cancels what still matches.
  const noun = request.body === undefined ? "listing" : "sweep";
  return await sendSigned(setup, { ...request, noun }, read, signal);
}
