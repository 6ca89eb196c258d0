/**
 * `HtxClient.batchCancel`: any number of ids, split into requests of at most 50, sent as fast
 * as the rate limit allows, retried where the outcome is unknown or transient, and every id
 * accounted for in exactly one of `success`, `failed` or `unresolved`.
 */
import {
  HtxAbortError,
  type HtxError,
  HtxInputError,
  HtxNetworkError,
  HtxResponseError,
  HtxTimeoutError,
  type RedactedRequest,
} from "./errors.ts";
import type { HmacBackend } from "./hmac.ts";
import {
  type BatchCancelInput,
  MAX_IDS_PER_REQUEST,
  type NormalizedIds,
  normalizeIds,
  validateBaseUrl,
  validateCredentials,
} from "./input.ts";
import { type RateLimiter, type ReleaseSlot, SlidingWindowLimiter, type SlidingWindowOptions } from "./limiter.ts";
import { redactCause, redactUrl } from "./redact.ts";
import { BATCH_CANCEL_PATH, batchCancelInit, DEFAULT_BASE_URL } from "./request.ts";
import {
  type BatchCancelAnswer,
  type FailedCancel,
  isRateLimitError,
  isStaleTimestampError,
  readBatchCancelAnswer,
} from "./response.ts";
import { TimestampAnswerSchema } from "./schemas.ts";
import { createEndpointSigner, type EndpointSigner } from "./sign.ts";
import * as v from "valibot";

/** The standard fetch signature, as far as this client uses it. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** How failed attempts are retried. */
export interface RetryOptions {
  /** Extra attempts per request; default 2; 0 = none. */
  limit?: number;
  /** First backoff in ms, doubled per attempt, with full jitter; default 250. */
  baseDelayMs?: number;
  /** Longest backoff in ms; default 4000. */
  maxDelayMs?: number;
}

/** Options of {@link HtxClient}. */
export interface HtxClientOptions {
  /** The API key's AccessKeyId. Required. Never shown in errors, logs or inspection. */
  accessKey: string;
  /** The API key's secret. Required. Kept only inside the HMAC key. */
  secretKey: string;
  /** Default `"https://api.huobi.pro"`; https only, except loopback hosts (tests, simulator). */
  baseUrl?: string;
  /**
   * Default `globalThis.fetch`. Called as `fetch(url, init)`, like the standard one; a
   * simulator's `fetch` fits as it is.
   */
  fetch?: FetchLike;
  /** Wall clock for request timestamps, epoch ms; default `Date.now`. */
  now?: () => number;
  /** Per request, from send to the end of the answer; default 10_000. */
  timeoutMs?: number;
  /** Extra attempts when the outcome is unknown or transient; default 2; 0 = none. */
  retry?: number | RetryOptions;
  /** `{ limit: 50, intervalMs: 2000 }` by default; a shared {@link RateLimiter}; or `false`. */
  rateLimit?: SlidingWindowOptions | RateLimiter | false;
  /** On a stale-timestamp answer: read `/v1/common/timestamp`, correct, retry once; default true. */
  syncTime?: boolean;
  /** HMAC implementation; default `defaultHmac`. */
  hmac?: HmacBackend;
}

/** Options of one {@link HtxClient.batchCancel} call. */
export interface BatchCancelOptions {
  /**
   * Stops sending: requests not yet sent (and retries) are skipped and their ids reported
   * `unresolved` with `HtxAbortError`; requests already sent are awaited (up to `timeoutMs`),
   * so their ids are still accounted for.
   */
  signal?: AbortSignal;
  /** Called after each request settles, with ids settled so far out of all distinct ids. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

/** An id whose request got no usable answer, with the last error. */
export interface UnresolvedCancel {
  /** The order id or client order id. */
  id: string;
  /** Why the request got no usable answer (the last attempt's error). */
  error: HtxError;
}

/** Every distinct id of the input, in exactly one list. */
export interface BatchCancelResult {
  /** Ids whose cancel HTX accepted (submitted, not yet necessarily canceled). */
  success: string[];
  /** Ids HTX refused, with its reason and the order's state where given. */
  failed: FailedCancel[];
  /** Ids whose request got no usable answer after all retries. */
  unresolved: UnresolvedCancel[];
}

const TIMESTAMP_PATH = "/v1/common/timestamp";
/** A request that waited longer than this for its slot is signed again, with a fresh timestamp. */
const RESIGN_AFTER_MS = 5_000;
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

type Outcome =
  | { kind: "success" }
  | { kind: "failed"; failed: FailedCancel }
  | { kind: "unresolved"; error: HtxError };

/** A `{ method, url }` whose redacted URL is computed on first read. */
function lazyRedacted(method: string, url: string): RedactedRequest {
  let redacted: string | undefined;
  return {
    method,
    get url() {
      return (redacted ??= redactUrl(url));
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new HtxInputError(`${name} must be an integer ≥ ${min}, got ${String(value)}.`);
  }
  return value;
}

/**
 * A client for HTX's batch-cancel endpoint.
 *
 * @example
 * ```ts
 * const htx = new HtxClient({ accessKey, secretKey });
 * const { success, failed, unresolved } = await htx.batchCancel({ orderIds: ids });
 * ```
 */
export class HtxClient {
  readonly #origin: string;
  readonly #redactable: readonly string[];
  readonly #signUrl: EndpointSigner;
  readonly #fetch: FetchLike;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #retry: Required<RetryOptions>;
  readonly #limiter: RateLimiter | undefined;
  readonly #retryAfterRateLimitMs: number;
  readonly #syncTime: boolean;
  /** Added to `now()` for timestamps, learned from `/v1/common/timestamp`. */
  #clockOffsetMs = 0;
  /** Bumped by every successful clock sync, so requests signed before it just retry. */
  #clockGeneration = 0;
  #syncing: Promise<void> | undefined;

  /**
   * Checks the options and prepares the signing key once; sends nothing.
   * @throws {HtxInputError} for missing credentials, a bad `baseUrl`, or no `fetch` at all.
   */
  constructor(options: HtxClientOptions) {
    if (typeof options !== "object" || options === null) {
      throw new HtxInputError("new HtxClient(options) needs { accessKey, secretKey }.");
    }
    const { accessKey, secretKey } = validateCredentials(options);
    this.#origin = validateBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== "function") {
      throw new HtxInputError(
        "No fetch is available in this runtime: pass options.fetch (Node 18+, Deno, Bun and " +
          "Workers have one globally).",
      );
    }
    this.#fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    // What a foreign error may echo: the AccessKeyId, which every signed URL carries. The
    // secret is never sent, so it is kept only inside the HMAC key.
    this.#redactable = [accessKey];
    this.#signUrl = createEndpointSigner(
      "POST",
      `${this.#origin}${BATCH_CANCEL_PATH}`,
      accessKey,
      secretKey,
      options.hmac,
    );
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = positiveInteger("timeoutMs", options.timeoutMs ?? 10_000, 1);
    const retry = typeof options.retry === "object" ? options.retry : { limit: options.retry };
    this.#retry = {
      limit: positiveInteger("retry", retry.limit ?? 2, 0),
      baseDelayMs: positiveInteger("retry.baseDelayMs", retry.baseDelayMs ?? 250, 0),
      maxDelayMs: positiveInteger("retry.maxDelayMs", retry.maxDelayMs ?? 4000, 0),
    };
    const rateLimit = options.rateLimit ?? {};
    this.#limiter = rateLimit === false
      ? undefined
      : "acquire" in rateLimit
      ? rateLimit
      : new SlidingWindowLimiter(rateLimit);
    this.#retryAfterRateLimitMs = rateLimit !== false && !("acquire" in rateLimit)
      ? rateLimit.intervalMs ?? 2000
      : 2000;
    this.#syncTime = options.syncTime ?? true;
  }

  /**
   * Cancels any number of orders. Ids are validated first; then requests of at most 50 ids go
   * out concurrently, as fast as the rate limiter allows.
   *
   * @returns every distinct id in exactly one of `success`, `failed`, `unresolved`.
   * @throws {HtxInputError} only, and only before anything is sent.
   */
  async batchCancel(input: BatchCancelInput, options: BatchCancelOptions = {}): Promise<BatchCancelResult> {
    const { kind, ids } = normalizeIds(input);
    const { signal, onProgress } = options;
    const outcomes = new Map<string, Outcome>();
    let done = 0;
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_REQUEST) {
      chunks.push(ids.slice(i, i + MAX_IDS_PER_REQUEST));
    }
    await Promise.all(chunks.map(async (chunk) => {
      const settled = await this.#cancelChunk({ kind, ids: chunk }, signal);
      for (const [id, outcome] of settled) outcomes.set(id, outcome);
      done += chunk.length;
      try {
        onProgress?.({ done, total: ids.length });
      } catch {
        // A failing progress callback must not cost the caller the accounting of their ids.
      }
    }));
    const result: BatchCancelResult = { success: [], failed: [], unresolved: [] };
    for (const id of ids) {
      const outcome = outcomes.get(id)!;
      if (outcome.kind === "success") result.success.push(id);
      else if (outcome.kind === "failed") result.failed.push(outcome.failed);
      else result.unresolved.push({ id, error: outcome.error });
    }
    return result;
  }

  /** Sends one chunk, retrying as allowed; never throws. */
  async #cancelChunk(chunk: NormalizedIds, signal?: AbortSignal): Promise<Map<string, Outcome>> {
    let lastError: HtxError | undefined;
    let synced = false;
    for (let attempt = 0; attempt <= this.#retry.limit; attempt++) {
      let url: string;
      let signedAt: number;
      const generation = this.#clockGeneration;
      let release: ReleaseSlot | undefined;
      try {
        if (attempt > 0) await sleep(this.#backoffMs(attempt, lastError!), signal);
        // Sign before taking a slot: a slot counts from its grant, so work done after the
        // grant only holds it longer.
        signedAt = this.#now();
        url = await this.#signUrl(signedAt + this.#clockOffsetMs);
        release = (await this.#limiter?.acquire(signal)) ?? undefined;
        if (signal?.aborted) throw signal.reason;
      } catch (reason) {
        release?.();
        // Not sent this time. If an earlier attempt was sent, its error says more than "aborted".
        const error = lastError ??
          new HtxAbortError("Aborted before this request was sent; these ids were not sent.", {
            cause: reason instanceof HtxAbortError ? reason.cause : reason,
          });
        return this.#all(chunk, { kind: "unresolved", error });
      }
      if (this.#now() - signedAt > RESIGN_AFTER_MS || generation !== this.#clockGeneration) {
        url = await this.#signUrl(this.#now() + this.#clockOffsetMs);
      }
      try {
        return this.#account(chunk, await this.#send(url, chunk));
      } catch (error) {
        lastError = error as HtxError;
      } finally {
        // The request reached HTX, if at all, before its answer came back: count from now.
        release?.();
      }
      if (isStaleTimestampError(lastError) && this.#syncTime && !synced) {
        synced = true;
        if (await this.#syncClock(generation)) attempt--; // the resync's retry is not a "retry"
        else break;
        continue;
      }
      if (!lastError.retryable) break;
    }
    return this.#all(chunk, { kind: "unresolved", error: lastError! });
  }

  /** Sends one signed request and reads its answer, all within `timeoutMs`. */
  #send(url: string, chunk: NormalizedIds): Promise<BatchCancelAnswer> {
    const controller = new AbortController();
    const init = batchCancelInit(chunk, controller.signal);
    // Redacted only when an error needs it: most requests never show their URL.
    const shown = lazyRedacted("POST", url);
    return this.#withTimeout(controller, shown, async () => {
      let response: Response;
      try {
        response = await this.#fetch(url, init);
      } catch (cause) {
        throw new HtxNetworkError("The request to HTX failed before an answer arrived.", {
          request: shown,
          cause: redactCause(cause, this.#redactable),
        });
      }
      return readBatchCancelAnswer(response, { request: shown, secrets: this.#redactable });
    });
  }

  /** Runs `work`, failing it with `HtxTimeoutError` after `timeoutMs` even if fetch ignores the signal. */
  async #withTimeout<T>(
    controller: AbortController,
    request: RedactedRequest,
    work: () => Promise<T>,
  ): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new HtxTimeoutError(
          `HTX did not answer within ${this.#timeoutMs} ms; the cancel may or may not have been applied.`,
          this.#timeoutMs,
          { request },
        );
        controller.abort(error);
        reject(error);
      }, this.#timeoutMs);
    });
    try {
      return await Promise.race([work(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Exponential backoff with full jitter; a rate-limit answer waits for the next window. */
  #backoffMs(attempt: number, error: HtxError): number {
    if (isRateLimitError(error)) return this.#retryAfterRateLimitMs * (0.5 + Math.random() / 2);
    const cap = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    return cap / 2 + (Math.random() * cap) / 2;
  }

  /**
   * Reads HTX's clock once for all chunks that hit a stale timestamp at the same time.
   * @returns whether the clock is now synced (by this call or by another since `generation`).
   */
  async #syncClock(generation: number): Promise<boolean> {
    if (this.#clockGeneration !== generation) return true;
    this.#syncing ??= this.#readServerClock().finally(() => {
      this.#syncing = undefined;
    });
    try {
      await this.#syncing;
      return true;
    } catch {
      return false;
    }
  }

  async #readServerClock(): Promise<void> {
    const url = `${this.#origin}${TIMESTAMP_PATH}`;
    const controller = new AbortController();
    await this.#withTimeout(controller, { method: "GET", url }, async () => {
      const sentAt = this.#now();
      const response = await this.#fetch(url, { method: "GET", redirect: "manual", signal: controller.signal });
      const parsed = v.safeParse(TimestampAnswerSchema, await response.json());
      if (!response.ok || !parsed.success) {
        throw new HtxResponseError("HTX's timestamp answer is not usable.", {
          status: response.status,
          bodySnippet: "",
          retryable: false,
        });
      }
      // The server read its clock about half way through the round trip.
      const midpoint = (sentAt + this.#now()) / 2;
      this.#clockOffsetMs = parsed.output.data - midpoint;
      this.#clockGeneration++;
    });
  }

  /** Maps one answer onto the chunk's ids; ids the answer does not mention stay unresolved. */
  #account(chunk: NormalizedIds, answer: BatchCancelAnswer): Map<string, Outcome> {
    const sent = new Set(chunk.ids);
    const outcomes = new Map<string, Outcome>();
    for (const id of answer.success) {
      if (sent.has(id)) outcomes.set(id, { kind: "success" });
    }
    for (const failed of answer.failed) {
      const id = chunk.kind === "order" ? failed.orderId : failed.clientOrderId;
      if (id !== undefined && sent.has(id) && !outcomes.has(id)) {
        outcomes.set(id, { kind: "failed", failed });
      }
    }
    for (const id of chunk.ids) {
      if (!outcomes.has(id)) {
        outcomes.set(id, {
          kind: "unresolved",
          error: new HtxResponseError(`HTX's answer does not mention id ${id}.`, {
            status: 200,
            bodySnippet: "",
            retryable: false,
          }),
        });
      }
    }
    return outcomes;
  }

  #all(chunk: NormalizedIds, outcome: Outcome): Map<string, Outcome> {
    return new Map(chunk.ids.map((id) => [id, outcome]));
  }

  /** What `JSON.stringify` shows: the host only. */
  toJSON(): { baseUrl: string } {
    return { baseUrl: this.#origin };
  }

  /** What Node's `util.inspect` and `console.log` show: the host only. */
  [INSPECT](): string {
    return `HtxClient { baseUrl: '${this.#origin}' }`;
  }
}
