/**
 * HTX's clock as the client sees it: the caller's wall clock plus an offset learned from
 * `GET /v1/common/timestamp` when HTX refuses a timestamp as stale (docs/htx-notes.md,
 * "Clock"). Many requests hitting the stale answer at once share
 * one read of HTX's clock.
 */
import { HtxError } from "../core/errors.ts";
import { redactCause } from "../core/redact.ts";
import { loadAnswerReader } from "./response.ts";
import { withTimeout } from "../core/timers.ts";

/** The public, unsigned endpoint that answers HTX's epoch ms. */
const TIMESTAMP_PATH = "/v1/common/timestamp";
/** The largest epoch ms a `Date` holds. */
const MAX_EPOCH_MS = 8.64e15;

/** What a {@link ServerClock} reads: the caller's clock, and HTX through a fetch. */
export interface ClockSource {
  /** The caller's wall clock, epoch ms (the client's `now` option). */
  now: () => number;
  /** The standard fetch signature. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** HTX's origin, e.g. `https://api.huobi.pro`. */
  origin: string;
  /** How long the timestamp request may take. */
  timeoutMs: number;
}

/** The caller's clock corrected by HTX's, shared by every request of one client. */
export class ServerClock {
  readonly #source: ClockSource;
  /** Added to the caller's clock, learned from HTX. */
  #offsetMs = 0;
  /** Bumped by every successful sync, so requests signed before it just retry. */
  #generation = 0;
  #syncing: Promise<void> | undefined;

  /** @param source The caller's clock and the way to HTX's. */
  constructor(source: ClockSource) {
    this.#source = source;
  }

  /** Counts successful syncs; compare a value read before signing with one read after. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * The caller's clock, checked: a `now` that throws or returns no usable epoch ms is reported
   * as what it is, not as a failed request.
   * @throws {HtxError} naming `options.now`.
   */
  local(): number {
    let ms: unknown;
    try {
      ms = this.#source.now();
    } catch (cause) {
      throw new HtxError("options.now threw; these ids were not sent.", false, { cause: redactCause(cause, []) });
    }
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > MAX_EPOCH_MS) {
      const shown = typeof ms === "number" ? String(ms) : `a ${typeof ms}`;
      throw new HtxError(`options.now returned ${shown}, not epoch milliseconds; these ids were not sent.`, false);
    }
    return ms;
  }

  /** HTX's time for a reading of the caller's clock. @throws {HtxError} if the sum is no date. */
  server(localMs: number): number {
    const ms = localMs + this.#offsetMs;
    if (!(ms >= 0 && ms <= MAX_EPOCH_MS)) {
      throw new HtxError("HTX's clock offset gives no valid date; these ids were not sent.", false);
    }
    return ms;
  }

  /**
   * Reads HTX's clock once for all requests that hit a stale timestamp at the same time.
   * @param generation {@link generation} as read before the stale request was signed.
   * @returns whether the clock is now synced (by this call or by another since `generation`).
   */
  async sync(generation: number): Promise<boolean> {
    if (this.#generation !== generation) return true;
    this.#syncing ??= this.#read().finally(() => {
      this.#syncing = undefined;
    });
    try {
      await this.#syncing;
      return true;
    } catch {
      return false;
    }
  }

  async #read(): Promise<void> {
    const { fetch, origin, timeoutMs } = this.#source;
    const url = `${origin}${TIMESTAMP_PATH}`;
    const controller = new AbortController();
    const timedOut = () => new HtxError(`HTX's clock did not answer within ${timeoutMs} ms.`, true);
    await withTimeout(timeoutMs, controller, timedOut, async () => {
      const reader = loadAnswerReader(); // valibot, loaded while the request is in flight
      const sentAt = this.local();
      const response = await fetch(url, { method: "GET", redirect: "manual", signal: controller.signal });
      const { readTimestamp } = await reader;
      const serverMs = readTimestamp(await response.json());
      if (!response.ok || serverMs === undefined) throw new HtxError("HTX's timestamp answer is not usable.", true);
      // The server read its clock about half way through the round trip.
      const midpoint = (sentAt + this.local()) / 2;
      this.#offsetMs = serverMs - midpoint;
      this.#generation++;
    });
  }
}
