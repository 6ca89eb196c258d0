/**
 * One attempt at one request of at most 50 ids: read the clock, sign, take a rate-limit slot,
 * send within `timeoutMs`, read the answer. And what a failed attempt says about the cancel:
 * {@link mayHaveBeenApplied}.
 */
import { HtxError, type RedactedRequest } from "../core/errors.ts";
import {
  HtxAbortError,
  HtxApiError,
  HtxHttpError,
  HtxNetworkError,
  HtxResponseError,
  HtxTimeoutError,
} from "../http/request-errors.ts";
import type { NormalizedIds } from "../core/input.ts";
import type { RateLimiter, ReleaseSlot } from "../limits/limiter.ts";
import type { ServerClock } from "../http/clock.ts";
import { redactCause, redactorFor, redactUrl } from "../core/redact.ts";
import { batchCancelInit } from "../http/request.ts";
import {
  type AnswerContext,
  type BatchCancelAnswer,
  isRateLimitAnswer,
  isRateLimitError,
  isResponse,
} from "../http/answers.ts";
import { readBatchCancelResponse } from "../http/batch-cancel-answer.ts";
import { reportRateLimited, takeSlot } from "../limits/slot.ts";
import { untilAborted, withTimeout } from "../core/timers.ts";

/** The standard fetch signature, as far as this client uses it. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Everything one attempt needs, fixed per client. */
export interface AttemptSetup {
  /** Signs the endpoint's URL for a time; throws `HtxError` when the HMAC backend fails. */
  sign: (epochMs: number) => Promise<string>;
  /** The caller's fetch, or the global one. */
  fetch: FetchLike;
  /** HTX's clock as this client knows it. */
  clock: ServerClock;
  /** Grants each request its slot; absent with `rateLimit: false`. */
  limiter: RateLimiter | undefined;
  /** Per request, from send to the end of the answer. */
  timeoutMs: number;
  /** The AccessKeyId, signed into each request. */
  accessKey: string;
  /**
   * What every error of this client redacts: the AccessKeyId and the key's own secrets in every
   * form (HMAC secret, Ed25519 key); built once per client.
   */
  secrets: readonly string[];
}

/** How an attempt failed: its error, and whether the request was sent (handed to fetch) first. */
export interface AttemptFailure {
  /** Why the attempt failed. */
  error: HtxError;
  /** `false` when the attempt stopped before sending: an abort, or a limiter, HMAC or clock failure. */
  sent: boolean;
}

/** What one attempt came to: HTX's answer, or how it failed, and the clock it was signed by. */
export type AttemptResult =
  & { generation: number }
  & ({ answer: BatchCancelAnswer; error?: undefined; sent: true } | ({ answer?: undefined } & AttemptFailure));

/** A request that waited longer than this for its slot is signed again, with a fresh timestamp. */
const RESIGN_AFTER_MS = 5_000;
const SIGNATURE_PARAM = "&Signature=";

/**
 * Makes one attempt; never throws. `signal` (if any) stops it only before sending: once sent,
 * the request runs to its answer or its timeout.
 */
export async function attemptOnce(
  setup: AttemptSetup,
  ids: NormalizedIds,
  signal: AbortSignal | undefined,
): Promise<AttemptResult> {
  const { clock } = setup;
  const { secrets } = setup;
  const generation = clock.generation;
  let url: string;
  let release: ReleaseSlot | undefined;
  try {
    // Sign before taking a slot: a slot counts from its grant, so work done after the grant
    // only holds it longer.
    const signedAt = clock.local();
    url = await signUnlessAborted(setup, clock.server(signedAt), signal);
    release = await takeSlot(setup.limiter, signal, secrets, "these ids were not sent");
    const now = clock.local();
    if (now - signedAt > RESIGN_AFTER_MS || generation !== clock.generation) {
      url = await signUnlessAborted(setup, clock.server(now), signal);
    }
  } catch (reason) {
    release?.();
    return { generation, error: notSentError(reason, signal, secrets), sent: false };
  }
  try {
    return { generation, answer: await send(setup, url, ids, secrets), sent: true };
  } catch (error) {
    if (isRateLimitError(error as HtxError)) reportRateLimited(setup.limiter);
    return { generation, error: error as HtxError, sent: true };
  } finally {
    // The request reached HTX, if at all, before its answer came back: count from now.
    release?.();
  }
}

/**
 * Signs for `epochMs`, or throws `signal`'s reason as soon as it aborts (as {@link takeSlot}
 * does): an HMAC backend that never settles must not hold ids that were never sent past the
 * caller's abort or the kill switch's deadline.
 */
function signUnlessAborted(setup: AttemptSetup, epochMs: number, signal: AbortSignal | undefined): Promise<string> {
  if (!signal) return setup.sign(epochMs);
  if (signal.aborted) return Promise.reject(signal.reason);
  return untilAborted(setup.sign(epochMs), signal);
}

/** The error of an attempt stopped before sending: ours as they are, an abort as an abort. */
function notSentError(reason: unknown, signal: AbortSignal | undefined, secrets: readonly string[]): HtxError {
  if (reason instanceof HtxError && !(reason instanceof HtxAbortError)) return reason;
  if (!signal?.aborted) {
    return new HtxError("The request could not be prepared; these ids were not sent.", false, {
      cause: redactCause(reason, secrets),
    });
  }
  const cause = reason instanceof HtxAbortError ? reason.cause : reason;
  return new HtxAbortError("Aborted before this request was sent; these ids were not sent.", {
    cause: redactCause(cause, secrets),
  });
}

/**
 * The request, the values to redact from its errors and their redactor, each computed only if
 * an error needs it. A class, not an object of getters: one is made per request, and a class's
 * instances are cheaper to make (the per-call bench, docs/performance.md).
 */
class LazyAnswerContext implements AnswerContext {
  #request: RedactedRequest | undefined;
  #secrets: readonly string[] | undefined;
  #redact: ((text: string) => string) | undefined;

  constructor(private readonly url: string, private readonly keySecrets: readonly string[]) {}

  get request(): RedactedRequest {
    return (this.#request ??= { method: "POST", url: redactUrl(this.url) });
  }

  /** The key's secrets and the request's signature. */
  get secrets(): readonly string[] {
    if (this.#secrets) return this.#secrets;
    const at = this.url.lastIndexOf(SIGNATURE_PARAM);
    return (this.#secrets = at < 0
      ? this.keySecrets
      : [...this.keySecrets, decodeURIComponent(this.url.slice(at + SIGNATURE_PARAM.length))]);
  }

  get redact(): (text: string) => string {
    return (this.#redact ??= redactorFor(this.secrets));
  }
}

/** Sends one signed request and reads its answer, all within `timeoutMs`. */
function send(
  setup: AttemptSetup,
  url: string,
  ids: NormalizedIds,
  secrets: readonly string[],
): Promise<BatchCancelAnswer> {
  const controller = new AbortController();
  const init = batchCancelInit(ids, controller.signal);
  const context = new LazyAnswerContext(url, secrets);
  const timedOut = () =>
    new HtxTimeoutError(
      `HTX did not answer within ${setup.timeoutMs} ms; the cancel may or may not have been applied.`,
      setup.timeoutMs,
      { request: context.request },
    );
  return withTimeout(setup.timeoutMs, controller, timedOut, async () => {
    let response: unknown;
    try {
      response = await setup.fetch(url, init);
    } catch (cause) {
      throw new HtxNetworkError("The request to HTX failed before an answer arrived.", {
        request: context.request,
        cause: redactCause(cause, context.secrets ?? []),
      });
    }
    if (!isResponse(response)) {
      const got = response === null ? "null" : typeof response;
      throw new HtxResponseError(
        `options.fetch resolved to ${got} instead of a Response: whether the request reached HTX is unknown.`,
        { status: 0, bodySnippet: "", retryable: false },
        { request: context.request },
      );
    }
    return await readBatchCancelResponse(response, context);
  });
}

/**
 * Error codes of a connection that never opened: DNS, refused, unreachable, connect timeout,
 * and certificate failures (the TLS handshake comes before the request is written).
 */
const NEVER_CONNECTED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
/**
 * Undici refuses a URL on a port the Fetch standard blocks (e.g. 9) before connecting, with a
 * cause `Error("bad port")` and no code: https://fetch.spec.whatwg.org/#port-blocking
 */
const BLOCKED_PORT = "bad port";
/** Node's certificate codes: CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, SELF_SIGNED_CERT_IN_CHAIN, … */
const CERTIFICATE_CODE = /(^|_)CERT(_|$)/;

/**
 * HTX's envelopes that refuse the request as a whole, before any cancel: authentication,
 * permission (also reported as `api-signature-not-valid`), parameters, rate limits.
 * Others (`base-system-error`, `timeout`, `gateway-internal-error`, unknown codes) may come
 * after the cancels were applied. https://huobiapi.github.io/docs/spot/v1/en/#error-code
 */
const REFUSED_AS_A_WHOLE = new Set([
  "api-signature-not-valid",
  "api-signature-check-failed",
  "login-required",
  "invalid-parameter",
  "bad-request",
  "validation-format-error",
  "validation-constraints-required",
  "batchcancel-order-id-list-empty",
  "base-argument-unsupported",
]);

/**
 * Whether a failed attempt may have reached HTX and had its cancels applied. `false` only when
 * it certainly changed nothing: not sent (abort, a limiter, HMAC or clock failure), a
 * connection that never opened, an HTTP 3xx/4xx, or an envelope refusing the whole request.
 * When unsure, `true`.
 */
export function mayHaveBeenApplied({ error, sent }: AttemptFailure): boolean {
  if (!sent) return false;
  if (error instanceof HtxApiError) {
    return !(REFUSED_AS_A_WHOLE.has(error.errCode) || isRateLimitAnswer(error.errCode, error.errMsg));
  }
  if (error instanceof HtxHttpError) return error.status >= 500;
  if (error instanceof HtxNetworkError) {
    const { code } = error;
    if (code === undefined) return (error.cause as { cause?: { message?: unknown } })?.cause?.message !== BLOCKED_PORT;
    return !(NEVER_CONNECTED.has(code) || CERTIFICATE_CODE.test(code));
  }
  return true; // timeouts, unreadable answers, anything unknown
}
