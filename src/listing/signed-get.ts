/**
 * Signed GETs of HTX's listing endpoints: every query parameter is signed (Signature V2 signs a
 * GET's whole query, https://huobiapi.github.io/docs/spot/v1/en/#authentication), each call with
 * its own values only; each endpoint takes its slots from its own limiter; answers are retried
 * while the error says it may pass (a GET changes nothing, so asking again is always safe).
 */
import {
  HtxAbortError,
  HtxError,
  HtxNetworkError,
  HtxResponseError,
  HtxTimeoutError,
  type RedactedRequest,
} from "../errors.ts";
import type { SigningKey } from "../keys.ts";
import type { RateLimiter, ReleaseSlot } from "../limiter.ts";
import { redactCause, redactUrl } from "../redact.ts";
import { isStaleTimestampError } from "../response.ts";
import { authParams, canonicalQuery, percentEncode, preSignedText } from "../sign.ts";
import { backoffMs, type CancelEngine } from "../cancel/engine.ts";
import { sleep, withTimeout } from "../cancel/timers.ts";
import type { ListingContext } from "./answer.ts";

/** The listing endpoints, each with its own budget. */
export type ListingEndpoint = "openOrders" | "accounts";

/** Everything a listing needs, fixed per client. */
export interface ListingSetup {
  /** HTX's origin, e.g. `https://api.huobi.pro`. */
  origin: string;
  /** The host signed, exactly as requests go to it (port included). */
  host: string;
  /** The API key's AccessKeyId. */
  accessKey: string;
  /** Signs the pre-signed text (HmacSHA256 or Ed25519). */
  key: SigningKey;
  /** The same fetch, clock, timeout and retry policy as the cancels. */
  engine: Pick<CancelEngine, "fetch" | "clock" | "timeoutMs" | "retry" | "syncTime">;
  /** Each endpoint's limiter; absent where limiting is off. */
  limiters: Record<ListingEndpoint, RateLimiter | undefined>;
}

/** One signed GET: the endpoint (for its budget), the path and its business parameters. */
export interface ListingRequest {
  endpoint: ListingEndpoint;
  path: string;
  params: readonly (readonly [string, string])[];
}

/** Reads an answer into data, or throws a typed error. */
export type AnswerReader<T> = (response: Response, ctx: ListingContext) => Promise<T>;

/** The signed URL of one GET at `epochMs`, and its signature (to redact). Per call only. */
async function signGet(setup: ListingSetup, request: ListingRequest, epochMs: number) {
  const query = canonicalQuery([...request.params, ...authParams(setup.accessKey, epochMs, setup.key.method)]);
  let signature: string;
  try {
    signature = await setup.key.sign(preSignedText("GET", setup.host, request.path, query));
  } catch (cause) {
    throw new HtxError("Signing the listing failed; nothing was sent.", false, {
      cause: redactCause(cause, [setup.accessKey, ...setup.key.redactables()]),
    });
  }
  return { url: `${setup.origin}${request.path}?${query}&Signature=${percentEncode(signature)}`, signature };
}

async function acquire(limiter: RateLimiter | undefined, signal: AbortSignal): Promise<ReleaseSlot | undefined> {
  if (!limiter) return undefined;
  try {
    const granted = await limiter.acquire(signal);
    return typeof granted === "function" ? granted : undefined;
  } catch (cause) {
    if (signal.aborted) throw new HtxAbortError("Aborted before the listing was sent.", { cause: signal.reason });
    throw new HtxError("The rate limiter's acquire() failed; the listing was not sent.", false, {
      cause: redactCause(cause, []),
    });
  }
}

function isResponse(value: unknown): value is Response {
  if (typeof value !== "object" || value === null) return false;
  const { status, body } = value as { status?: unknown; body?: { getReader?: unknown } | null };
  return typeof status === "number" && (body === null || typeof body?.getReader === "function");
}

/** One attempt: a slot, a signature, the request within `timeoutMs`, its answer read. */
async function getOnce<T>(setup: ListingSetup, request: ListingRequest, read: AnswerReader<T>, signal: AbortSignal) {
  const { engine } = setup;
  if (signal.aborted) throw new HtxAbortError("Aborted before the listing was sent.", { cause: signal.reason });
  const release = await acquire(setup.limiters[request.endpoint], signal);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const { url, signature } = await signGet(setup, request, engine.clock.server(engine.clock.local()));
    const redacted: RedactedRequest = { method: "GET", url: redactUrl(url) };
    const ctx: ListingContext = { request: redacted, secrets: [setup.accessKey, signature] };
    const timedOut = () =>
      new HtxTimeoutError(`HTX did not answer the listing within ${engine.timeoutMs} ms.`, engine.timeoutMs, {
        request: redacted,
      });
    return await withTimeout(engine.timeoutMs, controller, timedOut, async () => {
      let response: unknown;
      try {
        response = await engine.fetch(url, { method: "GET", redirect: "manual", signal: controller.signal });
      } catch (cause) {
        if (signal.aborted) throw new HtxAbortError("Aborted while listing.", { cause: signal.reason });
        throw new HtxNetworkError("The listing request failed before an answer arrived.", {
          request: redacted,
          cause: redactCause(cause, ctx.secrets),
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
  } finally {
    signal.removeEventListener("abort", onAbort);
    release?.();
  }
}

/**
 * Sends one signed GET, retrying what may pass on a later try (network, timeouts, 5xx, rate
 * limits, HTX's transient errors) and resyncing the clock once on a stale timestamp.
 * @throws {HtxError} the last attempt's error; `HtxAbortError` once `signal` aborts.
 */
export async function signedGet<T>(
  setup: ListingSetup,
  request: ListingRequest,
  read: AnswerReader<T>,
  signal: AbortSignal,
): Promise<T> {
  const { clock, retry, syncTime } = setup.engine;
  let synced = false;
  for (let attempt = 0;; attempt++) {
    const generation = clock.generation;
    try {
      return await getOnce(setup, request, read, signal);
    } catch (thrown) {
      const error = thrown instanceof HtxError ? thrown : new HtxError("The listing failed.", false, {
        cause: redactCause(thrown, [setup.accessKey]),
      });
      if (error instanceof HtxAbortError) throw error;
      if (isStaleTimestampError(error) && syncTime && !synced) {
        synced = true;
        if (!(await clock.sync(generation))) throw error;
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
