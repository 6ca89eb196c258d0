/**
 * The options of `HtxClient` and of one `batchCancel` call, checked before anything is sent:
 * each mistake is an `HtxInputError` that names the option and what to pass instead.
 */
import { type Credentials, screenCredentials, type ScreenedCredentials } from "../signing/credentials.ts";
import { HtxInputError } from "../core/errors.ts";
import type { HmacBackend } from "../signing/hmac.ts";
import { describe as describeValue, isNumberInRange, MAX_TIMER_MS, validateBaseUrl } from "../core/checks.ts";
import type { RateLimiter } from "../limits/limiter.ts";
import {
  type CheckedWindowOptions,
  checkWindowOptions,
  DEFAULT_INTERVAL_MS,
  DEFAULT_MAX_HOLD_MS,
  type SlidingWindowOptions,
  WINDOW_FIELDS,
} from "../limits/options.ts";
import {
  ENDPOINT_KEYS,
  endpointRateLimit,
  type LimitedEndpointKey,
  type RateLimitOption,
} from "../limits/endpoint-budgets.ts";
import { DEFAULT_BASE_URL } from "../core/endpoints.ts";
import type { FetchLike } from "./attempt.ts";
import type { RetryPolicy } from "./engine.ts";
import { nearestName } from "../core/nearest-name.ts";

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
   * `{ batchCancel?, openOrders?, accounts?, cancelAllAfter? }` sets each (docs/kill-switch.md;
   * `cancelAllAfter`, 20 per 2 s by default, is ours: docs/dead-mans-switch.md).
   * A slot is held at least as long as its request can be in flight: `maxHoldMs` defaults to
   * `max(30_000, timeoutMs + intervalMs)` and may not be below `timeoutMs`.
   */
  rateLimit?: RateLimitOption;
  /** On a stale-timestamp answer: read `/v1/common/timestamp`, correct, retry once; default true. */
  syncTime?: boolean;
  /** HMAC implementation for a `secretKey`; default `defaultHmac`. Ignored for a `privateKey`. */
  hmac?: HmacBackend;
}

/**
 * A client's options, checked: what the cancel engine and the listings are built from on first
 * use (src/cancel/build.ts). Building them is deferred so that `import { HtxClient }` loads
 * only this much; nothing here can fail later except the key (see {@link ScreenedCredentials}).
 */
export interface ClientConfig {
  /** HTX's origin, e.g. `https://api.huobi.pro`. */
  origin: string;
  credentials: ScreenedCredentials;
  /** The caller's HMAC backend, checked to have `keyed`; undefined for the runtime's default. */
  hmac: HmacBackend | undefined;
  fetch: FetchLike;
  now: () => number;
  timeoutMs: number;
  retry: RetryPolicy;
  syncTime: boolean;
  /** Each endpoint's limiter: the caller's, a sliding window's checked options, or none. */
  limits: Record<LimitedEndpointKey, LimiterChoice>;
}

/** What an endpoint is limited by: the caller's limiter, our sliding window, or nothing (`false`). */
export type LimiterChoice = { limiter: RateLimiter } | { window: CheckedWindowOptions } | undefined;

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
/**
 * Whitespace and control characters (\p{Cc}: U+0000–U+001F, U+007F–U+009F): a key read from a
 * file or the environment with its newline. Spelled out, not `/[\s\p{Cc}]/u`: the Unicode
 * tables of /u cost a fresh process's constructor about 0.1 ms to build.
 */
// deno-lint-ignore no-control-regex
const NOT_IN_A_KEY = /[\s\x00-\x1f\x7f-\x9f]/;

/** More extra attempts than this is a retry storm, not a policy. */
export const MAX_RETRIES = 100;

/** What a value is; numbers as they print ("NaN", "-1"), which say what is wrong with them. */
export function describeOption(value: unknown): string {
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
    throw new HtxInputError(`${name} must be an integer from ${min} to ${max}, got ${describeOption(value)}.`);
  }
  return value;
}

export function optionalFunction<T>(name: string, value: unknown): T | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new HtxInputError(`${name} must be a function, got ${describeOption(value)}.`);
  }
  return value as T | undefined;
}

function retryPolicy(retry: unknown, afterRateLimitMs: number): RetryPolicy {
  if (retry !== undefined && typeof retry !== "number" && (typeof retry !== "object" || retry === null)) {
    throw new HtxInputError(
      `retry must be a number of extra attempts or { limit, baseDelayMs, maxDelayMs }, got ${describeOption(retry)}.`,
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
function limiterChoice(
  rateLimitOption: unknown,
  endpoint: LimitedEndpointKey,
  timeoutMs: number,
): { choice: LimiterChoice; intervalMs: number } {
  const { value: rateLimit, name } = endpointRateLimit(rateLimitOption, endpoint);
  if (rateLimit === false) return { choice: undefined, intervalMs: DEFAULT_INTERVAL_MS };
  if (typeof rateLimit !== "object" || rateLimit === null) {
    throw new HtxInputError(
      `${name} must be { limit, intervalMs }, a RateLimiter (an object with acquire()) or false, got ${
        describeOption(rateLimit)
      }.`,
    );
  }
  if ("acquire" in rateLimit) {
    if (typeof rateLimit.acquire !== "function") throw new HtxInputError(`${name}.acquire must be a function.`);
    return { choice: { limiter: rateLimit as RateLimiter }, intervalMs: DEFAULT_INTERVAL_MS };
  }
  if (Array.isArray(rateLimit) || Object.keys(rateLimit).length === 0) {
    throw new HtxInputError(
      `${name} must be { limit, intervalMs }, a RateLimiter or false, got ${
        describeOption(rateLimit)
      }: leave it out for HTX's own limit.`,
    );
  }
  if ("restore" in rateLimit) {
    throw new HtxInputError(
      `${name}.restore: a client's own window starts empty; pass new SlidingWindowLimiter({ restore, ... }) as ${name}.`,
    );
  }
  checkFields(name, rateLimit, WINDOW_FIELDS, {
    suggest: [...WINDOW_FIELDS, ...ENDPOINT_KEYS],
  });
  const options = rateLimit as SlidingWindowOptions;
  const intervalMs = Number.isFinite(options.intervalMs) ? options.intervalMs! : DEFAULT_INTERVAL_MS;
  if (options.maxHoldMs !== undefined && !(options.maxHoldMs >= timeoutMs)) {
    throw new HtxInputError(
      `${name}.maxHoldMs (${
        describeOption(options.maxHoldMs)
      }) must be at least timeoutMs (${timeoutMs}): a slot must ` +
        `stay held as long as its request can be in flight.`,
    );
  }
  const maxHoldMs = options.maxHoldMs ?? Math.min(MAX_TIMER_MS, Math.max(DEFAULT_MAX_HOLD_MS, timeoutMs + intervalMs));
  return { choice: { window: checkWindowOptions("SlidingWindowLimiter", { ...options, maxHoldMs }) }, intervalMs };
}

/** The caller's HMAC backend, if it is one. */
function hmacOption(hmac: unknown): HmacBackend | undefined {
  if (
    hmac !== undefined &&
    (typeof hmac !== "object" || hmac === null || typeof (hmac as HmacBackend).keyed !== "function")
  ) {
    throw new HtxInputError(`hmac must be an HmacBackend (an object with keyed(secret)), got ${describeOption(hmac)}.`);
  }
  return hmac as HmacBackend | undefined;
}

/**
 * Checks the client's options; sends nothing, builds nothing.
 * @throws {HtxInputError} for any option that is missing, of the wrong type or out of range.
 */
export function configureClient(options: HtxClientOptions): ClientConfig {
  if (typeof options !== "object" || options === null) {
    throw new HtxInputError("new HtxClient(options) needs { accessKey, secretKey } or { accessKey, privateKey }.");
  }
  checkFields("HtxClient's options", options, CLIENT_FIELDS, { ignore: SIMULATED_KEY_FIELDS });
  const credentials = screenCredentials(options);
  if (NOT_IN_A_KEY.test(credentials.accessKey)) {
    throw new HtxInputError(
      "accessKey holds whitespace or control characters (e.g. the newline of a file or an environment " +
        "variable it was read from): pass the access key exactly as HTX shows it.",
    );
  }
  const origin = validateBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const ownFetch = optionalFunction<FetchLike>("fetch", options.fetch);
  if (!ownFetch && typeof globalThis.fetch !== "function") {
    throw new HtxInputError(
      "No fetch is available in this runtime: pass options.fetch.",
    );
  }
  const fetch: FetchLike = ownFetch ?? ((url, init) => globalThis.fetch(url, init));
  const now = optionalFunction<() => number>("now", options.now) ?? Date.now;
  const timeoutMs = integerOption("timeoutMs", options.timeoutMs ?? 10_000, 1, MAX_TIMER_MS);
  if (options.syncTime !== undefined && typeof options.syncTime !== "boolean") {
    throw new HtxInputError(`syncTime must be true or false, got ${describeOption(options.syncTime)}.`);
  }
  const batchCancel = limiterChoice(options.rateLimit, "batchCancel", timeoutMs);
  // Every endpoint's budget, checked now (batch cancel's twice: its window sets the retry's pause).
  const limits = Object.fromEntries(
    ENDPOINT_KEYS.map((key) => [key, limiterChoice(options.rateLimit, key, timeoutMs).choice]),
  ) as ClientConfig["limits"];
  const hmac = hmacOption(options.hmac);
  const retry = retryPolicy(options.retry, batchCancel.intervalMs);
  return { origin, credentials, hmac, fetch, now, timeoutMs, retry, syncTime: options.syncTime ?? true, limits };
}
