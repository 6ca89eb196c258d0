/**
 * What an HTTP answer of HTX says, without reading it: the answer types, which errors are rate
 * limits or stale timestamps, and {@link readBatchCancelAnswer}. The reading itself, with
 * valibot, lives in src/answer-reader.ts and is loaded on the first answer (its import starts
 * when the first request is sent, so it overlaps the round trip): a client that is only
 * imported or built does not load valibot.
 */
import type { HtxError, RedactedRequest } from "./errors.ts";
import { HtxApiError, HtxHttpError } from "./request-errors.ts";
import type { OrderStateName } from "./order-states.ts";
import type { FailedOutcome } from "./cancel/outcome.ts";

/** An id HTX did not cancel, with its reason and, where HTX gave one, the order's state. */
export interface FailedCancel {
  /** The order id, when the request used order ids. */
  orderId?: string;
  /** The client order id, when HTX gave one. */
  clientOrderId?: string;
  /** HTX's `err-code`, e.g. `order-orderstate-error` or `base-not-found`. */
  errCode: string;
  /** HTX's message for `errCode`. */
  errMsg: string;
  /** HTX's numeric `order-state`, e.g. 7. */
  orderState?: number;
  /** The name of `orderState`: tells "already canceled" from "too late, filled". */
  state?: OrderStateName;
  /**
   * What the refusal says about the order: `"already-closed"`, `"closed-possibly-by-this-call"`
   * (an earlier attempt of the same call lost its answer and may have closed it) or
   * `"may-be-open"`. A single answer read by {@link parseBatchCancelResponse} has no earlier
   * attempt, so it is never `"closed-possibly-by-this-call"` there.
   */
  outcome: FailedOutcome;
}

/** One request's outcome: ids whose cancel was submitted, and ids HTX refused. */
export interface BatchCancelAnswer {
  /** Ids whose cancel HTX accepted (submitted). */
  success: string[];
  /** Ids HTX refused, with its reasons. */
  failed: FailedCancel[];
}

/** Where an answer came from, for error messages: the redacted request and what to redact. */
export interface AnswerContext {
  /** The request, redacted; read only when an error is made. */
  readonly request?: RedactedRequest;
  /**
   * Values to redact: the request's AccessKeyId and Signature, and the key's own secrets (HMAC
   * secret, Ed25519 key forms); read only when text is shown.
   */
  readonly secrets?: readonly string[];
  /**
   * Redacts `secrets` and signed parameters from a text, built once per answer (see `redactorFor`
   * in src/redact.ts); read only when text is shown. Without it, one is built from `secrets`.
   */
  readonly redact?: (text: string) => string;
}

const RATE_LIMIT_CODES = new Set(["base-request-exceed-frequency-limit", "api-request-limit"]);

/** True for HTX's rate-limit answers, whose codes vary (docs/htx-notes.md, "Rate limits"). */
export function isRateLimitAnswer(errCode: string, errMsg: string): boolean {
  return RATE_LIMIT_CODES.has(errCode) ||
    (errCode === "invalid-parameter" && /request limit/i.test(errMsg));
}

/** True when `api-signature-not-valid` is about the timestamp; only the message tells. */
export function isStaleTimestampAnswer(errCode: string, errMsg: string): boolean {
  return errCode === "api-signature-not-valid" &&
    /submission time|time format|时间/i.test(errMsg);
}

/** Is this error a rate-limit answer (envelope or HTTP 429)? */
export function isRateLimitError(error: HtxError): boolean {
  if (error instanceof HtxApiError) return isRateLimitAnswer(error.errCode, error.errMsg);
  return error instanceof HtxHttpError && error.status === 429;
}

/** Is this error HTX's stale-timestamp answer? */
export function isStaleTimestampError(error: HtxError): boolean {
  return error instanceof HtxApiError && isStaleTimestampAnswer(error.errCode, error.errMsg);
}

/** A Response, or something close enough to read (a Response from another realm, a stub). */
export function isResponse(value: unknown): value is Response {
  if (typeof value !== "object" || value === null) return false;
  const { status, body } = value as { status?: unknown; body?: { getReader?: unknown } | null };
  return typeof status === "number" && (body === null || typeof body?.getReader === "function");
}

/** The valibot half of answer reading, loaded once, on first use; a failed load is tried again next time. */
let loading: Promise<typeof import("./answer-reader.ts")> | undefined;

/**
 * Starts loading the answer reader, or returns the load under way. The request path calls it
 * before sending, so the load overlaps the round trip.
 */
export function loadAnswerReader(): Promise<typeof import("./answer-reader.ts")> {
  const promise = loading ??= import("./answer-reader.ts");
  // Reported to whoever awaits it; a load that failed is started afresh by the next call.
  promise.catch(() => {
    if (loading === promise) loading = undefined;
  });
  return promise;
}

/**
 * Reads one answer of the batch-cancel endpoint, with context for error messages.
 * @throws {HtxHttpError | HtxApiError | HtxResponseError | HtxNetworkError}
 */
export async function readBatchCancelAnswer(
  response: Response,
  ctx: AnswerContext = {},
): Promise<BatchCancelAnswer> {
  return (await loadAnswerReader()).readBatchCancelAnswer(response, ctx);
}

/**
 * Parses an answer of `POST /v1/order/orders/batchcancel`.
 *
 * @returns the ids HTX submitted for cancel and the ones it refused, with `state` names.
 * @throws {HtxHttpError} for a non-2xx status or a redirect (the start of the body kept, redacted).
 * @throws {HtxApiError} for HTX's error envelope (`status: "error"`).
 * @throws {HtxResponseError} for an empty, non-JSON (HTML), oversized or wrongly shaped body.
 */
export function parseBatchCancelResponse(response: Response): Promise<BatchCancelAnswer> {
  return readBatchCancelAnswer(response);
}
