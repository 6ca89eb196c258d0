/**
 * Cancel HTX (formerly Huobi) spot orders in bulk through `POST /v1/order/orders/batchcancel`,
 * signed with HTX Signature V2, using only `fetch` and Web Crypto or @noble/hashes. Any number
 * of ids is split into requests of at most 50, sent as fast as HTX's 50-per-2-s limit allows,
 * retried where that is safe, and every id comes back in exactly one of `success`, `failed`
 * (with HTX's reason, the order's state and an `outcome`) or `unresolved` (with every attempt's
 * error and whether the cancel may have been applied). `classify(result)` groups the ids into
 * cancel accepted / closed / may still be open (docs/results.md).
 *
 * Node (20+) and Bun:
 * ```ts
 * import { HtxClient } from "htx-batch-cancel";
 * const htx = new HtxClient({ accessKey: process.env.HTX_ACCESS_KEY!, secretKey: process.env.HTX_SECRET_KEY! });
 * const result = await htx.batchCancel({ orderIds: ["357631450723117", "357631450723118"] });
 * ```
 *
 * Deno:
 * ```ts
 * import { HtxClient } from "jsr:@htx-tools/batch-cancel";
 * const htx = new HtxClient({ accessKey: Deno.env.get("HTX_ACCESS_KEY")!, secretKey: Deno.env.get("HTX_SECRET_KEY")! });
 * const { success, failed, unresolved } = await htx.batchCancel({ clientOrderIds: ["grid-1", "grid-2"] });
 * ```
 *
 * Cloudflare Workers (no `nodejs_compat` needed):
 * ```ts
 * import { HtxClient } from "htx-batch-cancel";
 * export default {
 *   async fetch(request: Request, env: { HTX_ACCESS_KEY: string; HTX_SECRET_KEY: string }) {
 *     const htx = new HtxClient({ accessKey: env.HTX_ACCESS_KEY, secretKey: env.HTX_SECRET_KEY });
 *     const { orderIds } = await request.json<{ orderIds: string[] }>();
 *     return Response.json(await htx.batchCancel({ orderIds }));
 *   },
 * };
 * ```
 *
 * @module
 */

export {
  type BatchCancelOptions,
  type BatchCancelResult,
  type FetchLike,
  HtxClient,
  type HtxClientOptions,
  type RetryOptions,
  type UnresolvedCancel,
} from "./src/client.ts";
export { classify, type FailedOutcome, type ResultClasses } from "./src/cancel/outcome.ts";
export {
  HtxAbortError,
  HtxApiError,
  HtxError,
  type HtxErrorOptions,
  HtxHttpError,
  HtxInputError,
  HtxNetworkError,
  HtxResponseError,
  HtxTimeoutError,
  type RedactedRequest,
} from "./src/errors.ts";
export { defaultHmac, type HmacBackend, type KeyedHmac, nativeHmac, nobleHmac, webCryptoHmac } from "./src/hmac.ts";
export { type BatchCancelInput, type Credentials, MAX_IDS_PER_REQUEST } from "./src/input.ts";
export {
  type RateLimiter,
  type ReleaseSlot,
  SlidingWindowLimiter,
  type SlidingWindowOptions,
  type SlotRecord,
} from "./src/limiter.ts";
export { redactUrl } from "./src/redact.ts";
export {
  BATCH_CANCEL_PATH,
  createBatchCancelRequest,
  type CreateRequestOptions,
  DEFAULT_BASE_URL,
} from "./src/request.ts";
export {
  type BatchCancelAnswer,
  type FailedCancel,
  isRateLimitError,
  isStaleTimestampError,
  parseBatchCancelResponse,
} from "./src/response.ts";
export { ORDER_STATES, type OrderStateName } from "./src/schemas.ts";
export { signUrl, type SignUrlOptions } from "./src/sign.ts";
export { VERSION } from "./src/version.ts";
