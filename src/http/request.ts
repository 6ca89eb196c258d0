/** Building the signed `POST /v1/order/orders/batchcancel` request. */
import type { Credentials } from "../signing/credentials.ts";
import { HtxInputError } from "../core/errors.ts";
import type { HmacBackend } from "../signing/hmac.ts";
import { type BatchCancelInput, type NormalizedIds, normalizeIds, validateTimestamp } from "../core/input.ts";
import { validateBaseUrl } from "../core/checks.ts";
import { BATCH_CANCEL_PATH, DEFAULT_BASE_URL, MAX_IDS_PER_REQUEST } from "../core/endpoints.ts";
import { createSigningKey, validateCredentials } from "../signing/keys.ts";
import { createEndpointSigner } from "../signing/sign.ts";

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
 * The body of the public `createBatchCancelRequest` (src/http/single-request.ts, which loads this
 * module on first use): one signed batch-cancel `Request`.
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
