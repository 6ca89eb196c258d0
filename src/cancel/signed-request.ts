/**
 * One signed request to an HTX endpoint other than batch cancel, on its own budget: the
 * listings' GETs (src/listing/) and the dead man's switch's POST (src/dead-mans-switch/). Every
 * query parameter is signed (Signature V2 signs the whole query,
 * https://huobiapi.github.io/docs/spot/v1/en/#authentication), each call with its own values
 * only; a POST's JSON body is not signed. Answers are retried while the error says it may pass:
 * only for requests that are safe to repeat (a GET changes nothing; arming the dead man's switch
 * again only moves its trigger).
 */
import { HtxError, type RedactedRequest } from "../core/errors.ts";
import { HtxAbortError, HtxNetworkError, HtxResponseError, HtxTimeoutError } from "../http/request-errors.ts";
import type { SigningKey } from "../signing/keys.ts";
import type { RateLimiter } from "../limits/limiter.ts";
import { redactCause, redactorFor, redactUrl } from "../core/redact.ts";
import { type AnswerContext, isRateLimitError, isResponse, isStaleTimestampError } from "../http/answers.ts";
import { signQuery } from "../signing/sign.ts";
import { backoffMs, type CancelEngine } from "./engine.ts";
import { signingError } from "../signing/signing-error.ts";
import { reportRateLimited, takeSlot } from "../limits/slot.ts";
import { sleep, withTimeout } from "../core/timers.ts";

/** Errors of requests that never left: no slot, or no signature. Nothing reached HTX. */
const NOT_SENT = new WeakSet<object>();

/** Whether `error` ended a signed request none of whose attempts was sent (so nothing was applied). */
export function neverSent(error: unknown): boolean {
  return typeof error === "object" && error !== null && NOT_SENT.has(error);
}

/** `error`, marked as of a request that was not sent; returned for `throw`. */
function notSentMark<T>(error: T): T {
  if (typeof error === "object" && error !== null) NOT_SENT.add(error);
  return error;
}

/** Everything a signed request needs, fixed per client; `E` names the endpoints, each with its own budget. */
export interface SignedRequestSetup<E extends string> {
  /** HTX's origin, e.g. `https://api.huobi.pro`. */
  origin: string;
  /** The host signed, exactly as requests go to it (port included). */
  host: string;
  /** Signs the pre-signed text (HmacSHA256 or Ed25519): the client's key, imported once. */
  key: SigningKey;
  /**
   * The same fetch, clock, timeout and retry policy as the cancels, and the same AccessKeyId and
   * key secrets to redact.
   */
  engine: Pick<CancelEngine, "fetch" | "clock" | "timeoutMs" | "retry" | "syncTime" | "accessKey" | "secrets">;
  /** Each endpoint's limiter; absent where limiting is off. */
  limiters: Record<E, RateLimiter | undefined>;
}

/** One signed request: the endpoint (for its budget), the path, its query parameters, a POST's body. */
export interface SignedRequest<E extends string> {
  endpoint: E;
  path: string;
  params: readonly (readonly [string, string])[];
  /** A POST's JSON text; a request without one is a GET. */
  body?: string;
  /** The request in messages, e.g. `"listing"`: "Aborted before the listing was sent." */
  noun: string;
}

/** Reads an answer into data, or throws a typed error. */
export type AnswerReader<T> = (response: Response, ctx: AnswerContext) => Promise<T>;

const methodOf = (request: SignedRequest<string>) => request.body === undefined ? "GET" : "POST";

/** A promise that rejects with `HtxAbortError` when `signal` aborts, and a function to stop listening. */
function abortRace(signal: AbortSignal, message: string): { promise: Promise<never>; stop: () => void } {
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(new HtxAbortError(message, { cause: signal.reason }));
  });
  promise.catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) onAbort();
  return { promise, stop: () => signal.removeEventListener("abort", onAbort) };
}

/** The signed URL of one request at `epochMs`, and its signature (to redact). Per call only. */
async function signRequest<E extends string>(setup: SignedRequestSetup<E>, request: SignedRequest<E>, epochMs: number) {
  const { key, origin, host } = setup;
  const target = { method: methodOf(request), origin, host, path: request.path, params: request.params };
  try {
    return await signQuery(key, target, setup.engine.accessKey, epochMs);
  } catch (cause) {
    throw signingError(cause, key.method, setup.engine.secrets, `the ${request.noun}`, "nothing was sent");
  }
}

/** The fetch options of one request: never a followed redirect (a signed URL is a credential). */
function requestInit(request: SignedRequest<string>, signal: AbortSignal): RequestInit {
  if (request.body === undefined) return { method: "GET", redirect: "manual", signal };
  const headers = { "Content-Type": "application/json" };
  return { method: "POST", headers, body: request.body, redirect: "manual", signal };
}

/** One attempt: a slot, a signature, the request within `timeoutMs`, its answer read. */
async function sendOnce<T, E extends string>(
  setup: SignedRequestSetup<E>,
  request: SignedRequest<E>,
  read: AnswerReader<T>,
  signal: AbortSignal,
) {
  const { engine } = setup;
  const { noun } = request;
  const notSent = () => new HtxAbortError(`Aborted before the ${noun} was sent.`, { cause: signal.reason });
  if (signal.aborted) throw notSentMark(notSent());
  const release = await takeSlot(
    setup.limiters[request.endpoint],
    signal,
    setup.engine.secrets,
    `the ${noun} was not sent`,
  )
    .catch((reason: unknown) => {
      throw notSentMark(signal.aborted ? notSent() : reason);
    });
  const controller = new AbortController();
  // A fetch that ignores its signal is not waited for: an abort (the caller's, or the kill
  // switch's deadline) ends the request now.
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      controller.abort(signal.reason);
      reject(new HtxAbortError(`Aborted while waiting for the ${noun}.`, { cause: signal.reason }));
    };
  });
  aborted.catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) onAbort();
  // The slot is held until the request is answered or timed out, even when an abort ends the wait.
  let inFlight: Promise<unknown> | undefined;
  let sending = false;
  try {
    // Signing races the abort too: an HMAC backend that never settles cannot hold the call.
    const signed = signRequest(setup, request, engine.clock.server(engine.clock.local()));
    signed.catch(() => {});
    const { url, signature } = await Promise.race([signed, aborted]);
    const redacted: RedactedRequest = { method: methodOf(request), url: redactUrl(url) };
    const secrets = [...engine.secrets, signature];
    let redact: ((text: string) => string) | undefined;
    const ctx: AnswerContext = {
      request: redacted,
      secrets,
      get redact() {
        return (redact ??= redactorFor(secrets));
      },
    };
    const timedOut = () =>
      new HtxTimeoutError(`HTX did not answer the ${noun} within ${engine.timeoutMs} ms.`, engine.timeoutMs, {
        request: redacted,
      });
    sending = true;
    const answered = withTimeout(engine.timeoutMs, controller, timedOut, async () => {
      let response: unknown;
      try {
        response = await engine.fetch(url, requestInit(request, controller.signal));
      } catch (cause) {
        if (signal.aborted) throw new HtxAbortError(`Aborted while waiting for the ${noun}.`, { cause: signal.reason });
        throw new HtxNetworkError(`The ${noun} request failed before an answer arrived.`, {
          request: redacted,
          cause: redactCause(cause, secrets),
        });
      }
      if (!isResponse(response)) {
        throw new HtxResponseError("options.fetch resolved to something other than a Response.", {
          status: 0,
          bodySnippet: "",
          retryable: false,
        }, { request: redacted });
      }
      return await read(response, ctx);
    });
    inFlight = answered;
    return await Promise.race([answered, aborted]);
  } catch (error) {
    if (!sending) throw notSentMark(error);
    if (error instanceof HtxError && isRateLimitError(error)) reportRateLimited(setup.limiters[request.endpoint]);
    throw error;
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (release && inFlight) inFlight.then(release, release);
    else release?.();
  }
}

/**
 * Sends one signed request that is safe to repeat, retrying what may pass on a later try
 * (network, timeouts, 5xx, rate limits, HTX's transient errors) and resyncing the clock once on
 * a stale timestamp.
 * @throws {HtxError} the last attempt's error; `HtxAbortError` once `signal` aborts.
 */
export async function sendSigned<T, E extends string>(
  setup: SignedRequestSetup<E>,
  request: SignedRequest<E>,
  read: AnswerReader<T>,
  signal: AbortSignal,
): Promise<T> {
  const sent = { any: false };
  try {
    return await attempts(setup, request, read, signal, sent);
  } catch (error) {
    // Not sent only if no attempt was: an earlier one may have reached HTX.
    if (sent.any) NOT_SENT.delete(error as object);
    else notSentMark(error);
    throw error;
  }
}

/** The attempts of {@link sendSigned}; `sent.any` becomes true once one may have left. */
async function attempts<T, E extends string>(
  setup: SignedRequestSetup<E>,
  request: SignedRequest<E>,
  read: AnswerReader<T>,
  signal: AbortSignal,
  sent: { any: boolean },
): Promise<T> {
  const { clock, retry, syncTime } = setup.engine;
  let synced = false;
  for (let attempt = 0;; attempt++) {
    const generation = clock.generation;
    try {
      return await sendOnce(setup, request, read, signal);
    } catch (thrown) {
      sent.any ||= !neverSent(thrown);
      const error = thrown instanceof HtxError ? thrown : new HtxError(`The ${request.noun} failed.`, false, {
        cause: redactCause(thrown, setup.engine.secrets),
      });
      if (error instanceof HtxAbortError) throw error;
      if (isStaleTimestampError(error) && syncTime && !synced) {
        synced = true;
        // The resync races the abort: a timestamp endpoint that hangs cannot hold the call.
        const race = abortRace(signal, "Aborted while reading HTX's clock.");
        try {
          if (!(await Promise.race([clock.sync(generation), race.promise]))) throw error;
        } finally {
          race.stop();
        }
        attempt--; // the resync's retry is not a "retry"
        continue;
      }
      if (!error.retryable || attempt >= retry.limit) throw error;
      try {
        await sleep(backoffMs(retry, attempt + 1, error), signal);
      } catch {
        throw new HtxAbortError("Aborted while waiting to ask HTX again.", { cause: signal.reason });
      }
    }
  }
}
