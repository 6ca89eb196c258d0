/**
 * The lower level, for callers who want one request and exceptions: `signUrl` and
 * `createBatchCancelRequest`. Both are asynchronous anyway, so the signer, the key reader and
 * the id checks behind them load on first use, not with `import { HtxClient }`.
 */
import type { Credentials } from "../signing/credentials.ts";
import type { BatchCancelInput } from "../core/input.ts";
import { loadOnDemand } from "../core/load-on-demand.ts";
import type { CreateRequestOptions } from "./request.ts";
import type { SignUrlOptions } from "../signing/sign.ts";

const loadSigner = /* @__PURE__ */ loadOnDemand(() => import("../signing/sign.ts"), "The signer's module");
const loadRequest = /* @__PURE__ */ loadOnDemand(() => import("./request.ts"), "The request builder's module");

/**
 * Returns the full signed URL for one request (HTX Signature V2). Pure apart from the signing:
 * the timestamp is given, and both HMAC and Ed25519 are deterministic, so is the result. An
 * Ed25519 `privateKey` is imported for this one call: to sign many, pass a `CryptoKey`.
 *
 * @example
 * ```ts
 * const url = await signUrl({
 *   method: "POST",
 *   url: "https://api.huobi.pro/v1/order/orders/batchcancel",
 *   accessKey, secretKey, timestamp: Date.now(),
 * });
 * // or with an Ed25519 key: { ..., accessKey, privateKey: pemText, timestamp }
 * ```
 */
export async function signUrl(options: SignUrlOptions): Promise<string> {
  return await (await loadSigner()).signUrl(options);
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
  options?: CreateRequestOptions,
): Promise<Request> {
  return await (await loadRequest()).createBatchCancelRequest(input, credentials, options);
}
