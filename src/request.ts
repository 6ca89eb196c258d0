/** Building the signed `POST /v1/order/orders/batchcancel` request. */
import { type Credentials, validateCredentials } from "./credentials.ts";
import { HtxInputError } from "./errors.ts";
import type { HmacBackend } from "./hmac.ts";
import {
  type BatchCancelInput,
  MAX_IDS_PER_REQUEST,
  type NormalizedIds,
  normalizeIds,
  validateBaseUrl,
  validateTimestamp,
} from "./input.ts";
import { createSigningKey } from "./keys.ts";
import { createEndpointSigner } from "./sign.ts";

/** HTX's main host. `https://api-aws.huobi.pro` is the same API, closer to AWS. */
export const DEFAULT_BASE_URL = "https://api.huobi.pro";
/** The path of the batch-cancel endpoint. */
export const BATCH_CANCEL_PATH = "/v1/order/orders/batchcancel";

/** The JSON body HTX expects: one key, an array of string ids. */
export function batchCancelBody({ kind, ids }: NormalizedIds): string {
  return JSON.stringify(kind === "order" ? { "order-ids": ids } : { "client-order-ids": ids });
}

/** The `fetch` init of a batch-cancel request for already validated ids (at most 50). */
export function batchCancelInit(ids: NormalizedIds, signal?: AbortSignal): RequestInit {
  return {
    method: "POST",
    // A wrong or missing Content-Type is answered with gateway-internal-error.
    headers: { "Content-Type": "application/json" },
    body: batchCancelBody(ids),
    // Never follow a redirect: the signed URL would go to another host.
    redirect: "manual",
    signal,
  };
}

/** Options of {@link createBatchCancelRequest}. */
export interface CreateRequestOptions {
  /** Default `"https://api.huobi.pro"`; https only, except loopback hosts. */
  baseUrl?: string;
  /** When the request is signed: epoch ms or a `Date`; default now. */
  timestamp?: number | Date;
  /** HMAC implementation for a `secretKey`; default `defaultHmac`. Ignored for a `privateKey`. */
  hmac?: HmacBackend;
  /** Passed to the `Request`, to abort it once sent. */
  signal?: AbortSignal;
}

/**
 * Builds one signed batch-cancel `Request` (at most 50 ids), for callers who send it themselves.
 * The Request's URL carries the AccessKeyId and Signature: treat it as a credential.
 *
 * @example
 * ```ts
 * const request = await createBatchCancelRequest({ orderIds: ["357631450723117"] }, { accessKey, secretKey });
 * const { success, failed } = await parseBatchCancelResponse(await fetch(request));
 * // or with an Ed25519 key: { accessKey, privateKey: pemText }
 * ```
 * `credentials` are `{ accessKey, secretKey }` (HmacSHA256) or `{ accessKey, privateKey }` (Ed25519:
 * PEM PKCS#8 text, DER bytes or a `CryptoKey`); a PEM or DER key is imported for this one call.
 * @throws {HtxInputError} for invalid ids, more than 50 ids, bad credentials or base URL, or a
 *   runtime whose Web Crypto cannot sign with Ed25519.
 */
export async function createBatchCancelRequest(
  input: BatchCancelInput,
  credentials: Credentials,
  options: CreateRequestOptions = {},
): Promise<Request> {
  const ids = normalizeIds(input);
  if (ids.ids.length > MAX_IDS_PER_REQUEST) {
    throw new HtxInputError(
      `One request takes at most ${MAX_IDS_PER_REQUEST} ids, got ${ids.ids.length}: use ` +
        `HtxClient.batchCancel, which splits any number of ids.`,
    );
  }
  const valid = validateCredentials(credentials);
  const origin = validateBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const epochMs = validateTimestamp(options.timestamp ?? Date.now());
  const key = createSigningKey(valid, { hmac: options.hmac });
  const sign = createEndpointSigner("POST", `${origin}${BATCH_CANCEL_PATH}`, valid.accessKey, key);
  return new Request(await sign(epochMs), batchCancelInit(ids, options.signal));
}
