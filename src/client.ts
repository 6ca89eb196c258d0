/**
 * `HtxClient`: options, checked once; `batchCancel`, which validates the ids and hands them to
 * the cancel engine (src/cancel/): any number of ids, split into requests of at most 50, sent as
 * fast as the rate limit allows, retried where the outcome is unknown or transient, every id
 * accounted for in exactly one of `success`, `failed` or `unresolved`; and `cancelAllOpen`, the
 * kill switch (src/kill-switch/), which lists the open orders (src/listing/) and cancels them
 * through the same engine until none is left.
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
import { HtxError } from "./errors.ts";
import type { CancelAllOpenFilter, CancelAllOpenOptions } from "./kill-switch/options.ts";
import type { CancelAllOpenResult, KillSwitchSetup } from "./kill-switch/run.ts";
import { createListingSetup } from "./kill-switch/setup.ts";
import type { SigningKey } from "./keys.ts";
import type { OpenOrder } from "./listing/open-orders.ts";
import type { ListingSetup } from "./listing/signed-get.ts";
import { redactCause } from "./redact.ts";

export type { FetchLike } from "./cancel/attempt.ts";
export type { BatchCancelOptions, HtxClientOptions, RetryOptions } from "./cancel/options.ts";
export type { BatchCancelResult, UnresolvedCancel } from "./cancel/outcome.ts";
export type { CancelAllOpenFilter, CancelAllOpenOptions } from "./kill-switch/options.ts";
export type { CancelAllOpenResult } from "./kill-switch/run.ts";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** The kill switch's module, loaded on the first `cancelAllOpen` or `listOpenOrders`, and this client's setup of it. */
type KillSwitch = typeof import("./kill-switch/on-demand.ts") & { setup: KillSwitchSetup };

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
  readonly #key: SigningKey;
  readonly #listing: ListingSetup;
  /** Loaded once per client, so that its spot account is looked up once. */
  #killSwitch: Promise<KillSwitch> | undefined;

  /**
   * Checks the options and prepares the signing key once; sends nothing.
   * @throws {HtxInputError} for missing credentials, a bad `baseUrl`, no `fetch` at all, or any
   *   option of the wrong type or out of range.
   */
  constructor(options: HtxClientOptions) {
    const setup = configureClient(options);
    this.#origin = setup.origin;
    this.#engine = setup.engine;
    this.#key = setup.key;
    this.#listing = createListingSetup(options.rateLimit, setup);
  }

  /**
   * The kill switch, loaded on first use; a load that failed is tried again by the next call.
   * @throws {HtxError} when its module cannot be loaded (a broken install or bundle); nothing was sent.
   */
  async #loadKillSwitch(): Promise<KillSwitch> {
    const loading = this.#killSwitch ??= import("./kill-switch/on-demand.ts").then((module) => ({
      ...module,
      setup: module.createKillSwitch(this.#engine, this.#listing),
    }));
    try {
      return await loading;
    } catch (cause) {
      if (this.#killSwitch === loading) this.#killSwitch = undefined;
      throw new HtxError("The kill switch's module could not be loaded; nothing was sent.", false, {
        cause: redactCause(cause, this.#engine.secrets),
      });
    }
  }

  /**
   * Resolves once the signing key is usable. An HmacSHA256 secret always is; an Ed25519 key is
   * imported into Web Crypto when the client is built, and this rejects with the
   * `HtxInputError` of that import (e.g. a runtime whose Web Crypto lacks Ed25519), so a caller
   * can fail at start-up rather than at the first cancel. Optional: without it, each request
   * that cannot be signed is reported unresolved (not applied), saying why. Sends nothing.
   *
   * @example
   * ```ts
   * const htx = new HtxClient({ accessKey, privateKey });
   * await htx.ready(); // throws HtxInputError here if this runtime cannot sign with Ed25519
   * ```
   * @throws {HtxInputError} when the key can never sign on this runtime.
   */
  ready(): Promise<void> {
    return this.#key.ready();
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

  /**
   * The kill switch: lists every open order (of the spot account, or `filter.accountId`,
   * narrowed by `filter.symbols` and `filter.side`), cancels them through the same engine as
   * `batchCancel`, and lists again until a listing finds nothing or `options.deadlineMs`
   * (default 30 s) passes. Orders still `cancelling` are waited for; orders placed meanwhile
   * are cancelled too. See docs/kill-switch.md.
   *
   * @example
   * ```ts
   * const result = await htx.cancelAllOpen({ symbols: ["btcusdt"] });
   * if (!result.confirmedEmpty) alert(`${result.stillOpen.length} orders still open`);
   * ```
   * @returns every order seen, in `success` / `failed` / `unresolved` as for `batchCancel`,
   *   with `orders` (their symbols), `stillOpen` and `confirmedEmpty`.
   * @throws {HtxInputError} for a bad filter or option, before anything is sent.
   * @throws {HtxError} only when nothing was cancelled: no usable spot account
   *   (`HtxAccountError`), or the first listing failed (the error says why, e.g. that HTX wants
   *   `symbols`).
   */
  async cancelAllOpen(filter?: CancelAllOpenFilter, options?: CancelAllOpenOptions): Promise<CancelAllOpenResult> {
    const killSwitch = await this.#loadKillSwitch();
    const valid = killSwitch.validateFilter(filter);
    return await killSwitch.runKillSwitch(killSwitch.setup, valid, killSwitch.validateKillSwitchOptions(options));
  }

  /**
   * Lists every open order `cancelAllOpen` would cancel (same filter), cancelling nothing: the
   * kill switch's dry run.
   * @throws {HtxInputError} for a bad filter, before anything is sent.
   * @throws {HtxError} when the account or a page of the listing could not be read.
   */
  async listOpenOrders(
    filter?: CancelAllOpenFilter,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ accountId: string; orders: OpenOrder[] }> {
    const killSwitch = await this.#loadKillSwitch();
    const valid = killSwitch.validateFilter(filter);
    const { signal = new AbortController().signal } = validateRunOptions(options, "listOpenOrders");
    const { listing, spotAccount } = killSwitch.setup;
    return await killSwitch.listAllOpenOrders(listing, spotAccount, valid, signal);
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
