/**
 * `HtxClient`: options, checked once; `batchCancel`, which validates the ids and hands them to
 * the cancel engine (src/cancel/): any number of ids, split into requests of at most 50, sent as
 * fast as the rate limit allows, retried where the outcome is unknown or transient, every id
 * accounted for in exactly one of `success`, `failed` or `unresolved`; and `cancelAllOpen`, the
 * kill switch (src/kill-switch/), which lists the open orders (src/listing/) and cancels them
 * through the same engine until none is left; and HTX's dead man's switch (src/dead-mans-switch/):
 * `cancelAllAfter` and the keep-alive `deadMansSwitch`.
 */
import type { BatchCancelInput } from "./core/input.ts";
import type { ClientSetup } from "./cancel/build.ts";
import { type ClientConfig, configureClient, type HtxClientOptions } from "./cancel/options.ts";
import type { BatchCancelOptions } from "./cancel/run-options.ts";
import type { BatchCancelResult } from "./cancel/outcome.ts";
import type { CancelAllOpenFilter, CancelAllOpenOptions } from "./kill-switch/options.ts";
import type { CancelAllOpenResult, KillSwitchSetup } from "./kill-switch/run.ts";
import type { OpenOrder } from "./listing/open-orders.ts";
import type { CancelAllAfterResult } from "./dead-mans-switch/cancel-all-after.ts";
import type { DeadMansSwitch } from "./dead-mans-switch/keep-alive.ts";
import type { DeadMansSwitchOptions } from "./dead-mans-switch/options.ts";
import { loadOnDemand } from "./core/load-on-demand.ts";

export type { FetchLike } from "./cancel/attempt.ts";
export type { HtxClientOptions, RetryOptions } from "./cancel/options.ts";
export type { BatchCancelOptions } from "./cancel/run-options.ts";
export type { BatchCancelResult, UnresolvedCancel } from "./cancel/outcome.ts";
export type { CancelAllOpenFilter, CancelAllOpenOptions } from "./kill-switch/options.ts";
export type { CancelAllOpenResult } from "./kill-switch/run.ts";
export type { CancelAllAfterResult } from "./dead-mans-switch/cancel-all-after.ts";
export type { DeadMansSwitch, DeadMansSwitchErrorInfo } from "./dead-mans-switch/keep-alive.ts";
export type { DeadMansSwitchOptions } from "./dead-mans-switch/options.ts";

/** The engine's module, loaded when a client is built, and this client built with it. */
type Engine = typeof import("./cancel/on-demand.ts") & { setup: ClientSetup };
/** The kill switch's module and this client's setup of it. */
type KillSwitch = typeof import("./kill-switch/on-demand.ts") & { setup: KillSwitchSetup };

const loadEngine = /* @__PURE__ */ loadOnDemand(() => import("./cancel/on-demand.ts"), "The cancel engine's module");
const loadKillSwitch = /* @__PURE__ */ loadOnDemand(
  () => import("./kill-switch/on-demand.ts"),
  "The kill switch's module",
);
const loadSwitch = /* @__PURE__ */ loadOnDemand(
  () => import("./dead-mans-switch/on-demand.ts"),
  "The dead man's switch's module",
);

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
  readonly #config: ClientConfig;
  /** Built once, when the client is built; a key the full reader refuses stays refused. */
  #setup: Promise<ClientSetup> | undefined;
  /** The engine, once built: later calls go straight to it (a call costs tens of µs). */
  #built: Engine | undefined;
  /** Set up once per client, so that its spot account is looked up once. */
  #killSwitch: KillSwitch | undefined;

  /**
   * Checks the options and the kind of key at once, and returns; then, without blocking, loads
   * the engine and prepares the key, so that the first call finds them ready (a failure is
   * reported by the first call or {@link HtxClient.ready}, never as an unhandled rejection).
   * Sends nothing.
   * @throws {HtxInputError} for missing credentials, a key of the wrong kind, a bad `baseUrl`,
   *   no `fetch` at all, or any option of the wrong type or out of range.
   */
  constructor(options: HtxClientOptions) {
    this.#config = configureClient(options);
    // What Node's `util.inspect` and `console.log` show: its JSON, the host only. Put on the
    // prototype on first use, not written as a `[Symbol.for(…)]()` method: a bundler cannot drop a
    // class with a computed member, and that one class kept all of dist/mod.js in a bundle of an
    // error class alone. A subclass's own method still wins.
    try {
      (HtxClient.prototype as unknown as Record<symbol, unknown>)[Symbol.for("nodejs.util.inspect.custom")] ??=
        function (this: HtxClient) {
          return `HtxClient ${JSON.stringify(this)}`;
        };
    } catch {
      // A frozen prototype (SES, hardening) keeps Node's own inspection, which shows no private field.
    }
    // Nothing here holds the process open: module loads and a key import only (docs/performance.md).
    this.#engine().then((engine) => engine.setup.key.ready()).catch(() => {});
  }

  /** The engine's module and this client, built with it. */
  async #engine(): Promise<Engine> {
    const module = await loadEngine();
    const config = this.#config;
    this.#setup ??= Promise.resolve().then(() => module.buildClient(config));
    return this.#built ??= { ...module, setup: await this.#setup };
  }

  /** The kill switch's module and this client's setup of it. */
  async #loadKillSwitch(): Promise<KillSwitch> {
    const [module, { setup }] = await Promise.all([loadKillSwitch(), this.#engine()]);
    return this.#killSwitch ??= { ...module, setup: module.createKillSwitch(setup, loadOnDemand) };
  }

  /**
   * Waits for the engine and the signing key the client began preparing when it was built, and
   * resolves once the key is usable. It rejects with the key's `HtxInputError` when it never will
   * be: an Ed25519 key of the right kind whose structure the full reader refuses, a runtime whose
   * Web Crypto lacks Ed25519, an HMAC backend whose `keyed()` throws. Call it at start-up to fail
   * there rather than at the first cancel. Without it, nothing is sent either way: the first
   * cancel rejects with the reader's or the backend's error, or reports every id unresolved (not
   * applied) when Web Crypto lacks Ed25519. Sends nothing.
   *
   * @example
   * ```ts
   * const htx = new HtxClient({ accessKey, privateKey });
   * await htx.ready(); // throws HtxInputError here if this key cannot sign on this runtime
   * ```
   * @throws {HtxInputError} when the key can never sign on this runtime.
   */
  async ready(): Promise<void> {
    const { setup } = await this.#engine();
    await setup.key.ready();
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
    const engine = this.#built ?? await this.#engine();
    return await engine.batchCancel(engine.setup, input, options);
  }

  /**
   * The kill switch: lists every open order (of every working spot account, or
   * `filter.accountId`, narrowed by `filter.symbols`, `filter.side`, `filter.clientOrderIdPrefix`),
   * cancels each page's orders as it arrives through the same engine as `batchCancel` while
   * sweeping by criteria (`batchCancelOpenOrders`; `options.sweep: false` turns it off), and lists
   * again until a complete listing finds nothing or `options.deadlineMs` (default 30 s) passes;
   * it returns within `deadlineMs + 2 × timeoutMs`. Orders still `cancelling` are waited for;
   * orders placed meanwhile are cancelled too. See docs/kill-switch.md.
   *
   * @example
   * ```ts
   * const result = await htx.cancelAllOpen({ symbols: ["btcusdt"] });
   * if (!result.confirmedEmpty) alert(`${result.stillOpen.length} orders still open`);
   * ```
   * @returns every order seen, in `success` / `failed` / `unresolved` as for `batchCancel`,
   *   with `orders` (their symbols), `stillOpen` and `confirmedEmpty`.
   * @throws {HtxInputError} for a bad filter or option, before anything is sent.
   * @throws {HtxError} only when nothing could be cancelled: no working spot account
   *   (`HtxAccountError`), HTX refusing every listing for good before any order was seen (the
   *   error says why, e.g. that HTX wants `symbols`), or the deadline passing with nothing listed.
   */
  async cancelAllOpen(filter?: CancelAllOpenFilter, options?: CancelAllOpenOptions): Promise<CancelAllOpenResult> {
    const killSwitch = await this.#loadKillSwitch();
    return await killSwitch.cancelAllOpen(killSwitch.setup, filter, options);
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
    return await killSwitch.listOpenOrders(killSwitch.setup, filter, options);
  }

  /**
   * HTX's dead man's switch, once: arms it for `timeoutSeconds` (HTX cancels the spot orders,
   * 500 at most, unless called again before the trigger time) or disarms it with `0`. A lost
   * answer is sent again (arming twice only moves the trigger). See docs/dead-mans-switch.md.
   *
   * @example
   * ```ts
   * const { triggerTime } = await htx.cancelAllAfter(60);
   * console.log(`HTX cancels at ${new Date(triggerTime).toISOString()} unless called again`);
   * await htx.cancelAllAfter(0); // disarm: triggerTime 0
   * ```
   * @returns HTX's clock and the trigger time, epoch ms (`triggerTime` 0 when disarmed).
   * @throws {HtxInputError} for a timeout that is not 0 or a whole number from 5 to 2 147 483,
   *   before anything is sent.
   * @throws {HtxApiError} when HTX refused (its v2 `code` as `errCode`, its `message` as `errMsg`).
   */
  async cancelAllAfter(timeoutSeconds: number, options?: { signal?: AbortSignal }): Promise<CancelAllAfterResult> {
    // The module awaits the engine: no Promise.all here, so that `import { HtxClient }` stays small.
    return await (await loadSwitch()).cancelAllAfter(this.#engine(), timeoutSeconds, options);
  }

  /**
   * Keeps HTX's dead man's switch armed: arms it (`timeoutSeconds`, default 60), refreshes it
   * every `refreshMs` (default 15 000), reports a failed refresh or a lapse through `onError`
   * and keeps trying; `stop()` (or `await using`) disarms. The refresh timer never keeps a
   * process alive: when the bot exits, the refreshes stop and HTX cancels. See
   * docs/dead-mans-switch.md.
   *
   * @example
   * ```ts
   * const deadMan = await htx.deadMansSwitch({ onError: (error) => console.error(error.message) });
   * // … trade; if this process dies, HTX cancels the open orders within 60 s …
   * await deadMan.stop(); // disarmed
   * ```
   * @throws {HtxInputError} for a bad option, before anything is sent.
   * @throws {HtxError} when the first arming failed (nothing is left running).
   */
  async deadMansSwitch(options?: DeadMansSwitchOptions): Promise<DeadMansSwitch> {
    return await (await loadSwitch()).deadMansSwitch(this.#engine(), options);
  }

  /** What `JSON.stringify` shows: the host only. */
  toJSON(): { baseUrl: string } {
    return { baseUrl: this.#config.origin };
  }
}
