/**
 * Cancel HTX (formerly Huobi) spot orders in bulk through `POST /v1/order/orders/batchcancel`,
 * signed with HTX Signature V2, using only `fetch` and Web Crypto or @noble/hashes. Any number
 * of ids is split into requests of at most 50, sent as fast as HTX's 50-per-2-s limit allows,
 * retried where that is safe, and every id comes back in exactly one of `success`, `failed`
 * (with HTX's reason, the order's state and an `outcome`) or `unresolved` (with every attempt's
 * error and whether the cancel may have been applied). `classify(result)` groups the ids into
 * cancel accepted / closed / may still be open (docs/results.md).
 *
 * The same module is `@htx-tools/batch-cancel` on JSR and `htx-batch-cancel` on npm; the
 * examples use the JSR name. Node (20.19+), Bun and Deno:
 * ```ts
 * import { HtxClient } from "@htx-tools/batch-cancel";
 *
 * const htx = new HtxClient({ accessKey: process.env.HTX_ACCESS_KEY!, secretKey: process.env.HTX_SECRET_KEY! });
 * const { success, failed, unresolved } = await htx.batchCancel({ orderIds: ["357631450723117"] });
 * ```
 *
 * Offline, against the simulator of `@htx-tools/batch-cancel/testing` (no keys, no network):
 * ```ts
 * import { HtxClient } from "@htx-tools/batch-cancel";
 * import { createHtxSimulator, DEMO_ACCOUNT } from "@htx-tools/batch-cancel/testing";
 *
 * const sim = createHtxSimulator({ orders: [{ uid: 1, orderId: "1001", state: "submitted" }] });
 * const htx = new HtxClient({ accessKey: DEMO_ACCOUNT.accessKey, secretKey: DEMO_ACCOUNT.secretKey, fetch: sim.fetch });
 * const result = await htx.batchCancel({ orderIds: ["1001"] }); // result.success: ["1001"]
 * ```
 *
 * Cloudflare Workers (no `nodejs_compat` needed): the repository's `examples/cloudflare-worker`
 * is a complete kill switch (a bearer token that must be set, a 400 for a body that is not
 * JSON, a rate-limit budget shared by every Worker of the account); its tests run it in workerd.
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
export { classify, type ResultClasses } from "./src/cancel/outcome.ts";
export type { FailedOutcome } from "./src/core/failed-outcome.ts";
export {
  type CancelAllOpenFilter,
  type CancelAllOpenOptions,
  DEFAULT_DEADLINE_MS,
  type KillSwitchProgress,
} from "./src/kill-switch/options.ts";
export type { CancelAllOpenResult } from "./src/kill-switch/run.ts";
export type { CancelAllAfterResult } from "./src/dead-mans-switch/cancel-all-after.ts";
export type { DeadMansSwitch, DeadMansSwitchErrorInfo } from "./src/dead-mans-switch/keep-alive.ts";
export type { DeadMansSwitchOptions } from "./src/dead-mans-switch/options.ts";
export { HtxAccountError } from "./src/listing/accounts.ts";
export type { OpenOrder } from "./src/listing/open-orders.ts";
export {
  DEFAULT_ENDPOINT_LIMITS,
  type EndpointRateLimit,
  type EndpointRateLimits,
  type LimitedEndpointKey,
  type RateLimitOption,
} from "./src/limits/endpoint-budgets.ts";
export { HtxError, type HtxErrorOptions, HtxInputError, type RedactedRequest } from "./src/core/errors.ts";
export {
  HtxAbortError,
  HtxApiError,
  HtxHttpError,
  HtxNetworkError,
  HtxResponseError,
  HtxTimeoutError,
} from "./src/http/request-errors.ts";
export {
  defaultHmac,
  type HmacBackend,
  type KeyedHmac,
  nativeHmac,
  nobleHmac,
  webCryptoHmac,
} from "./src/signing/hmac.ts";
export type { BatchCancelInput } from "./src/core/input.ts";
export {
  type RateLimiter,
  type ReleaseSlot,
  SlidingWindowLimiter,
  type SlidingWindowOptions,
  type SlotRecord,
} from "./src/limits/limiter.ts";
export type { WindowOptions } from "./src/limits/options.ts";
export { redactUrl } from "./src/core/redact-url.ts";
export type { CreateRequestOptions } from "./src/http/request.ts";
export { BATCH_CANCEL_PATH, DEFAULT_BASE_URL, MAX_IDS_PER_REQUEST } from "./src/core/endpoints.ts";
export { createBatchCancelRequest, signUrl } from "./src/http/single-request.ts";
export {
  type BatchCancelAnswer,
  type FailedCancel,
  isRateLimitError,
  isStaleTimestampError,
} from "./src/http/answers.ts";
export { parseBatchCancelResponse } from "./src/http/response.ts";
export { ORDER_STATES, type OrderStateName } from "./src/core/order-states.ts";
export type { SignUrlOptions, SignUrlRequest } from "./src/signing/sign.ts";
export { VERSION } from "./src/core/version.ts";
export type { Credentials, Ed25519Credentials, HmacCredentials } from "./src/signing/credentials.ts";
export type { HtxClientSettings } from "./src/cancel/options.ts";
export type { PrivateKeyInput } from "./src/signing/keys/private-key.ts";
