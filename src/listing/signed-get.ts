/**
 * Signed GETs of HTX's listing endpoints, through the signed-request transport below
 * (src/cancel/signed-request.ts): each endpoint on its own budget, retried while the error says
 * it may pass (a GET changes nothing, so asking again is always safe).
 */
import { type AnswerReader, sendSigned, type SignedRequestSetup } from "../cancel/signed-request.ts";

export type { AnswerReader } from "../cancel/signed-request.ts";

/** The listing endpoints, each with its own budget. */
export type ListingEndpoint = "openOrders" | "accounts";

/** Everything a listing needs, fixed per client. */
export type ListingSetup = SignedRequestSetup<ListingEndpoint>;

/** One signed GET: the endpoint (for its budget), the path and its business parameters. */
export interface ListingRequest {
  endpoint: ListingEndpoint;
  path: string;
  params: readonly (readonly [string, string])[];
}

/**
 * Sends one signed GET, retrying what may pass on a later try and resyncing the clock once on a
 * stale timestamp.
 * @throws {HtxError} the last attempt's error; `HtxAbortError` once `signal` aborts.
 */
export async function signedGet<T>(
  setup: ListingSetup,
  request: ListingRequest,
  read: AnswerReader<T>,
  signal: AbortSignal,
): Promise<T> {
  return await sendSigned(setup, { ...request, noun: "listing" }, read, signal);
}
