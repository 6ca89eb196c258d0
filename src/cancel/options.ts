/**
 * The options of `HtxClient` and of one `batchCancel` call, checked before anything is sent:
 * each mistake is an `HtxInputError` that names the option and what to pass instead.
 */
import { type Credentials, validateCredentials, type ValidCredentials } from "../credentials.ts";
import { HtxInputError } from "../errors.ts";
import type { HmacBackend } from "../hmac.ts";
import { describe as describeValue, isNumberInRange, validateBaseUrl } from "../input.ts";
import { createSigningKey, type SigningKey } from "../keys.ts";
import {
  DEFAULT_INTERVAL_MS,
  DEFAULT_MAX_HOLD_MS,
  type RateLimiter,
  SlidingWindowLimiter,
  type SlidingWindowOptions,
  WINDOW_FIELDS,
} from "../limiter.ts";
import { endpointRateLimit, type LimitedEndpointKey, type RateLimitOption } from "../listing/rate-limits.ts";
import { redactCause } from "../redact.ts";
import { BATCH_CANCEL_PATH, DEFAULT_BASE_URL } from "../request.ts";
import { createEndpointSigner } from "../sign.ts";
import { ServerClock } from "../clock.ts";
import type { FetchLike } from "./attempt.ts";
import type { CancelEngine, RetryPolicy, RunOptions } from "./engine.ts";
import { signingError } from "./signing-error.ts";
import { MAX_TIMER_MS } from "./timers.ts";
import { nearestName } from "../nearest-name.ts";

/** How failed attempts are retried. */
export interface RetryOptions {
  /** Extra attempts per request; default 2; 0 = none; at most 100. */
  limit?: number;
  /** First backoff in ms, doubled per attempt, with full jitter; default 250. */
  baseDelayMs?: number;
  /** Longest backoff in ms; default 4000. */
  maxDelayMs?: number;
}

/**
 * Options of `HtxClient`: the API key, `{ accessKey, secretKey }` (HmacSHA256) or `{ accessKey,
 * privateKey }` (Ed25519: PEM PKCS#8 text, DER bytes or a `CryptoKey`), exactly one of the two
 * secrets, and the settings of {@link HtxClientSettings}. None of them is ever shown in errors,
 * logs or inspection.
 */
export type HtxClientOptions = Credentials & HtxClientSettings;

/** `HtxClient`'s options besides its credentials. */
export interface HtxClientSettings {
  /** Default `"https://api.huobi.pro"`; https only, except loopback hosts (tests, simulator). */
  baseUrl?: string;
  /**
   * Default `globalThis.fetch`. Called as `fetch(url, init)`, like the standard one; a
   * simulator's `fetch` fits as it is.
   */
  fetch?: FetchLike;
  /** Wall clock for request timestamps, epoch ms; default `Date.now`. */
  now?: () => number;
  /** Per request, from send to the end of the answer; default 10_000; 1 to 2^31−1. */
  timeoutMs?: number;
  /** Extra attempts when the outcome is unknown or transient; default 2; 0 = none. */
  retry?: number | RetryOptions;
  /**
   * `{ limit: 50, intervalMs: 2000 }` by default; a shared {@link RateLimiter}; or `false`. Each
   * endpoint has its own budget: one value sets batch cancel's (the listings of `cancelAllOpen`
   * keep HTX's limits, open orders 50 and accounts 100 per 2 s; `false` turns every limiter off),
   * `{ batchCancel?, openOrders?, accounts? }` sets each (docs/kill-switch.md).
   * A slot is held at least as long as its request can be in flight: `maxHoldMs` defaults to
   * `max(30_000, timeoutMs + intervalMs)` and may not be below `timeoutMs`.
   */
  rateLimit?: RateLimitOption;
  /** On a stale-timestamp answer: read `/v1/common/timestamp`, correct, retry once; default true. */
  syncTime?: boolean;
  /** HMAC implementation for a `secretKey`; default `defaultHmac`. Ignored for a `privateKey`. */
  hmac?: HmacBackend;
}

/** A validated client: its origin, for display, and its engine. */
export interface ClientSetup {
  /** HTX's origin, e.g. `https://api.huobi.pro`. */
  origin: string;
  /** What `batchCancel` runs its ids through. */
  engine: CancelEngine;
  /**
   * The client's signing key, imported once and shared by the cancels and the listings. Its
   * `ready()` resolves once the key is usable, and rejects with `HtxInputError` when it never
   * will be (an Ed25519 key on a runtime whose Web Crypto lacks Ed25519).
   */
  key: SigningKey;
}

/** The fields of `HtxClient`'s options, credentials included. */
const CLIENT_FIELDS = [
  "accessKey",
  "secretKey",
  "privateKey",
  "baseUrl",
  "fetch",
  "now",
  "timeoutMs",
  "retry",
  "rateLimit",
  "syncTime",
  "hmac",
];
/** A simulated API key's own fields (`DEMO_ACCOUNT`), which callers spread into the options as it is. */
const SIMULATED_KEY_FIELDS = ["uid", "permissions", "allowedIps"];
const RETRY_FIELDS = ["limit", "baseDelayMs", "maxDelayMs"];
const RUN_FIELDS = ["signal", "onProgress"];
/** Whitespace and control characters: a key read from a file or the environment with its newline. */
const NOT_IN_A_KEY = /[\s\p{Cc}]/u;

/** More extra attempts than this is a retry storm, not a policy. */
export const MAX_RETRIES = 100;

/** What a value is; numbers as they print ("NaN", "-1"), which say what is wrong with them. */
function describe(value: unknown): string {
  return describeValue(value, { printPrimitives: true });
}

/**
 * Refuses a field `value` does not have: a misspelt option is otherwise silently ignored (a
 * `sigal` would leave the call unabortable).
 * @param what How to name the object in the message, e.g. `"batchCancel's options"`.
 * @param options `suggest`: names to look for the nearest one in (default `allowed`); `ignore`:
 *   names accepted without being listed as expected.
 * @throws {HtxInputError} naming the first unknown field and the nearest known one.
 */
export function checkFields(
  what: string,
  value: object,
  allowed: readonly string[],
  { suggest = allowed, ignore = [] }: { suggest?: readonly string[]; ignore?: readonly string[] } = {},
): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key) && !ignore.includes(key));
  if (unknown === undefined) return;
  const near = nearestName(unknown, suggest);
  throw new HtxInputError(
    `${what} has no field ${JSON.stringify(unknown.slice(0, 40))}${near ? ` (did you mean "${near}"?)` : ""}: ` +
      `expected { ${allowed.join("?, ")}? }.`,
  );
}

function integerOption(name: string, value: unknown, min: number, max: number): number {
  if (!isNumberInRange(value, min, max, true)) {
    throw new HtxInputError(`${name} must be an integer from ${min} to ${max}, got ${describe(value)}.`);
  }
  return value;
}

function optionalFunction<T>(name: string, value: unknown): T | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new HtxInputError(`${name} must be a function, got ${describe(value)}.`);
  }
  return value as T | undefined;
}

function retryPolicy(retry: unknown, afterRateLimitMs: number): RetryPolicy {
  if (retry !== undefined && typeof retry !== "number" && (typeof retry !== "object" || retry === null)) {
    throw new HtxInputError(
      `retry must be a number of extra attempts or { limit, baseDelayMs, maxDelayMs }, got ${describe(retry)}.`,
    );
  }
  if (typeof retry === "object") checkFields("retry", retry, RETRY_FIELDS);
  const options = (typeof retry === "object" ? retry : { limit: retry }) as RetryOptions;
  return {
    limit: integerOption("retry", options.limit ?? 2, 0, MAX_RETRIES),
    baseDelayMs: integerOption("retry.baseDelayMs", options.baseDelayMs ?? 250, 0, MAX_TIMER_MS),
    maxDelayMs: integerOption("retry.maxDelayMs", options.maxDelayMs ?? 4000, 0, MAX_TIMER_MS),
    afterRateLimitMs,
  };
}

/**
 * The client's own sliding window, or the caller's limiter. A slot must stay held as long as
 * its request can be in flight, so the hold outlasts the timeout.
 */
export function rateLimiter(
  rateLimitOption: unknown,
  endpoint: LimitedEndpointKey,
  timeoutMs: number,
): { limiter?: RateLimiter; intervalMs: number } {
  const { value: rateLimit, name } = endpointRateLimit(rateLimitOption, endpoint);
  if (rateLimit === false) return { intervalMs: DEFAULT_INTERVAL_MS };
  if (typeof rateLimit !== "object" || rateLimit === null) {
    throw new HtxInputError(
      `${name} must be { limit, intervalMs }, a RateLimiter (an object with acquire()) or false, got ${
        describe(rateLimit)
      }.`,
    );
  }
  if ("acquire" in rateLimit) {
    if (typeof rateLimit.acquire !== "function") throw new HtxInputError(`${name}.acquire must be a function.`);
    return { limiter: rateLimit as RateLimiter, intervalMs: DEFAULT_INTERVAL_MS };
  }
  if (Array.isArray(rateLimit) || Object.keys(rateLimit).length === 0) {
    throw new HtxInputError(
      `${name} must be { limit, intervalMs }, a RateLimiter or false, got ${
        describe(rateLimit)
      }: leave it out for HTX's own limit.`,
    );
  }
  checkFields(name, rateLimit, WINDOW_FIELDS, { suggest: [...WINDOW_FIELDS, "batchCancel", "openOrders", "accounts"] });
  const options = rateLimit as SlidingWindowOptions;
  const intervalMs = Number.isFinite(options.intervalMs) ? options.intervalMs! : DEFAULT_INTERVAL_MS;
  if (options.maxHoldMs !== undefined && !(options.maxHoldMs >= timeoutMs)) {
    throw new HtxInputError(
      `${name}.maxHoldMs (${describe(options.maxHoldMs)}) must be at least timeoutMs (${timeoutMs}): a slot must ` +
        `stay held as long as its request can be in flight.`,
    );
  }
  const maxHoldMs = options.maxHoldMs ?? Math.min(MAX_TIMER_MS, Math.max(DEFAULT_MAX_HOLD_MS, timeoutMs + intervalMs));
  return { limiter: new SlidingWindowLimiter({ ...options, maxHoldMs }), intervalMs };
}

/** The client's signing key, imported once; a failing HMAC backend is reported as such, its text redacted. */
function signingKey(credentials: ValidCredentials, hmac: unknown): SigningKey {
  if (
    hmac !== undefined &&
    (typeof hmac !== "object" || hmac === null || typeof (hmac as HmacBackend).keyed !== "function")
  ) {
    throw new HtxInputError(`hmac must be an HmacBackend (an object with keyed(secret)), got ${describe(hmac)}.`);
  }
  try {
    return createSigningKey(credentials, { hmac: hmac as HmacBackend | undefined });
  } catch (cause) {
    // An Ed25519 key's own refusals (no Web Crypto at all) say what to do and hold no key.
    if (cause instanceof HtxInputError) throw cause;
    const secrets = credentials.method === "HmacSHA256" ? [credentials.accessKey, credentials.secretKey] : [];
    throw new HtxInputError("hmac.keyed(secret) threw: this HMAC backend cannot be used here.", {
      cause: redactCause(cause, secrets),
    });
  }
}

/**
 * The signer of the endpoint. A signature that fails (an HMAC backend that throws, a runtime
 * whose Web Crypto lacks Ed25519) fails the request before it is sent, saying why, redacted.
 */
function endpointSigner(origin: string, accessKey: string, key: SigningKey, secrets: readonly string[]) {
  const sign = createEndpointSigner("POST", `${origin}${BATCH_CANCEL_PATH}`, accessKey, key);
  return async (epochMs: number): Promise<string> => {
    try {
      return await sign(epochMs);
    } catch (cause) {
      throw signingError(cause, key.method, secrets, "the request", "these ids were not sent");
    }
  };
}

/**
 * Checks the client's options and builds its engine; sends nothing.
 * @throws {HtxInputError} for any option that is missing, of the wrong type or out of range.
 */
export function configureClient(options: HtxClientOptions): ClientSetup {
  if (typeof options !== "object" || options === null) {
    throw new HtxInputError("new HtxClient(options) needs { accessKey, secretKey } or { accessKey, privateKey }.");
  }
  checkFields("HtxClient's options", options, CLIENT_FIELDS, { ignore: SIMULATED_KEY_FIELDS });
  const credentials = validateCredentials(options);
  const { accessKey } = credentials;
  if (NOT_IN_A_KEY.test(accessKey)) {
    throw new HtxInputError(
      "accessKey holds whitespace or control characters (e.g. the newline of a file or an environment " +
        "variable it was read from): pass the access key exactly as HTX shows it.",
    );
  }
  const origin = validateBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const ownFetch = optionalFunction<FetchLike>("fetch", options.fetch);
  if (!ownFetch && typeof globalThis.fetch !== "function") {
    throw new HtxInputError(
      "No fetch is available in this runtime: pass options.fetch (Node 18+, Deno, Bun and Workers have one globally).",
    );
  }
  const fetch: FetchLike = ownFetch ?? ((url, init) => globalThis.fetch(url, init));
  const now = optionalFunction<() => number>("now", options.now) ?? Date.now;
  const timeoutMs = integerOption("timeoutMs", options.timeoutMs ?? 10_000, 1, MAX_TIMER_MS);
  if (options.syncTime !== undefined && typeof options.syncTime !== "boolean") {
    throw new HtxInputError(`syncTime must be true or false, got ${describe(options.syncTime)}.`);
  }
  const { limiter, intervalMs } = rateLimiter(options.rateLimit, "batchCancel", timeoutMs);
  const key = signingKey(credentials, options.hmac);
  const secrets = [accessKey, ...key.redactables()];
  const engine: CancelEngine = {
    sign: endpointSigner(origin, accessKey, key, secrets),
    fetch,
    clock: new ServerClock({ now, fetch, origin, timeoutMs }),
    limiter,
    timeoutMs,
    accessKey,
    secrets,
    retry: retryPolicy(options.retry, intervalMs),
    syncTime: options.syncTime ?? true,
  };
  return { origin, engine, key };
}

/** Options of one `batchCancel` call. */
export interface BatchCancelOptions {
  /**
   * Stops sending: requests not yet sent (and retries) are skipped and their ids reported
   * `unresolved` with `HtxAbortError`; requests already sent are awaited (up to `timeoutMs`),
   * so their ids are still accounted for.
   */
  signal?: AbortSignal;
  /**
   * Called after each request settles, with ids settled so far out of all distinct ids. It may
   * be async; a throw or a rejected promise is ignored.
   */
  onProgress?: (progress: { done: number; total: number }) => unknown;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== "object" || value === null) return false;
  const signal = value as Partial<AbortSignal>;
  return typeof signal.aborted === "boolean" && typeof signal.addEventListener === "function" &&
    typeof signal.removeEventListener === "function";
}

/** @throws {HtxInputError} unless `options` is `{ signal?: AbortSignal, onProgress?: function }`. */
export function validateRunOptions(options: unknown, method = "batchCancel"): RunOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    throw new HtxInputError(`${method}'s options must be { signal?, onProgress? }, got ${describe(options)}.`);
  }
  checkFields(`${method}'s options`, options, RUN_FIELDS);
  const { signal, onProgress } = options as BatchCancelOptions;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new HtxInputError(`options.signal must be an AbortSignal, got ${describe(signal)}.`);
  }
  return { signal, onProgress: optionalFunction("options.onProgress", onProgress) };
}
