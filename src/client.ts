/**
 * `HtxClient`: options, checked once, and `batchCancel`, which validates the ids and hands them
 * to the cancel engine (src/cancel/). Any number of ids, split into requests of at most 50,
 * sent as fast as the rate limit allows, retried where the outcome is unknown or transient, and
 * every id accounted for in exactly one of `success`, `failed` or `unresolved`.
 */
import type { BatchCancelInput } from "./input.ts";
import { normalizeIds } from "./input.ts";
import { type CancelEngine, runCancels } from "./cancel/engine.ts";
import {
  type BatchCancelOptions,
  configureClient,
  type HtxClientOptions,
  validateRunOptions,
} from "./cancel/options.ts";
import { type BatchCancelResult, buildResult } from "./cancel/outcome.ts";

export type { FetchLike } from "./cancel/attempt.ts";
export type { BatchCancelOptions, HtxClientOptions, RetryOptions } from "./cancel/options.ts";
export type { BatchCancelResult, UnresolvedCancel } from "./cancel/outcome.ts";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A client for HTX's batch-cancel endpoint.
 *
 * @example
 * ```ts
 * const htx = new HtxClient({ accessKey, secretKey });
 * const result = await htx.batchCancel({ orderIds: ids });
 * const { accepted, closed, mayBeOpen } = classify(result);
 * ```
 */
export class HtxClient {
  readonly #origin: string;
  readonly #engine: CancelEngine;

  /**
   * Checks the options and prepares the signing key once; sends nothing.
   * @throws {HtxInputError} for missing credentials, a bad `baseUrl`, no `fetch` at all, or any
   *   option of the wrong type or out of range.
   */
  constructor(options: HtxClientOptions) {
    const { origin, engine } = configureClient(options);
    this.#origin = origin;
    this.#engine = engine;
  }

  /**
   * Cancels any number of orders. Ids and options are validated first; then requests of at
   * most 50 ids go out concurrently, as fast as the rate limiter allows.
   *
   * @returns every distinct id in exactly one of `success`, `failed`, `unresolved`; see
   *   `classify` for what each means.
   * @throws {HtxInputError} only, and only before anything is sent.
   */
  async batchCancel(input: BatchCancelInput, options?: BatchCancelOptions): Promise<BatchCancelResult> {
    const run = validateRunOptions(options);
    const ids = normalizeIds(input);
    return buildResult(ids.ids, await runCancels(this.#engine, ids, run));
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
