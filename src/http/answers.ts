/**
 * What an HTTP answer of HTX says, without reading it: the answer types, and which errors are
 * rate limits or stale timestamps. Below both the lazy loader (./response.ts) and the valibot
 * reader (./answer-reader.ts), so neither imports the other's module for these.
 */
import type { HtxError, RedactedRequest } from "../core/errors.ts";
import { HtxApiError, HtxHttpError } from "./request-errors.ts";
import type { OrderStateName } from "../core/order-states.ts";
import type { FailedOutcome } from "../core/failed-outcome.ts";

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
   * in src/core/redact.ts); read only when text is shown. Without it, one is built from `secrets`.
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

/** Envelopes that refuse the key itself: wrong key, no permission, IP not allowed, expired. */
const REFUSED_FOR_THE_KEY = new Set(["api-signature-not-valid", "api-signature-check-failed", "login-required"]);

/**
 * Whether `error` refuses the request for its key (authentication or permission, e.g. a key
 * without Trade permission), which no retry changes. A stale timestamp, which HTX reports with
 * the same code, is not: a clock resync fixes it.
 */
export function isKeyRefusal(error: HtxError): boolean {
  return error instanceof HtxApiError && REFUSED_FOR_THE_KEY.has(error.errCode) && !isStaleTimestampError(error);
}

/** A Response, or something close enough to read (a Response from another realm, a stub). */
export function isResponse(value: unknown): value is Response {
  // The runtime's own Response, the common case, without reading its getters.
  if (typeof Response === "function" && value instanceof Response) return true;
  if (typeof value !== "object" || value === null) return false;
  const { status, body } = value as { status?: unknown; body?: { getReader?: unknown } | null };
  return typeof status === "number" && (body === null || typeof body?.getReader === "function");
}
