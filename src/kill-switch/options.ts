/**
 * What `cancelAllOpen` takes: a filter (symbols, side, account) and the call's options. Checked
 * by src/kill-switch/validate.ts, which is loaded with the kill switch on first use.
 */
import type { BatchCancelOptions } from "../cancel/run-options.ts";
import type { RunOptions } from "../cancel/engine.ts";

/** Which open orders to cancel; every field narrows, none means every open spot order. */
export interface CancelAllOpenFilter {
  /** Only these symbols, e.g. `["btcusdt", "ethusdt"]` (lower case, as HTX names them); at least one. */
  symbols?: readonly string[];
  /** Only buy or only sell orders. */
  side?: "buy" | "sell";
  /** The account whose orders to cancel (digits, or a bigint); default the spot account, looked up once per client. */
  accountId?: string | bigint;
  /**
   * Only orders whose client order id starts with this (1–64 of `[A-Za-z0-9_-]`): one bot's
   * orders among several on one account. The sweep is off then (HTX's criteria cannot say it).
   */
  clientOrderIdPrefix?: string;
}

/** Progress of `cancelAllOpen`: ids settled out of orders seen, with the listing's pages and the sweep's count. */
export interface KillSwitchProgress {
  /** Orders whose cancel has an outcome. */
  done: number;
  /** Orders seen so far (grows as pages arrive). */
  total: number;
  /** Listing pages read so far. */
  pages: number;
  /** Orders the sweep said it cancelled so far. */
  swept: number;
}

/** Options of one `cancelAllOpen` call: those of `batchCancel`, a deadline, and the sweep. */
export interface CancelAllOpenOptions extends Omit<BatchCancelOptions, "onProgress"> {
  /** Called as pages arrive and cancels settle; a throw or a rejected promise is ignored. */
  onProgress?: (progress: KillSwitchProgress) => unknown;
  /**
   * Sweep with `POST /v1/order/orders/batchCancelOpenOrders` beside the cancels by id, on its
   * own budget (about three times the throughput). Default `true`; off by itself for a
   * `clientOrderIdPrefix`. Turn it off when HTX must only ever be asked to cancel orders the
   * listings named (the sweep cancels by criteria, so also orders placed after the last listing),
   * or when the key's UID shares that endpoint's budget with another process.
   */
  sweep?: boolean;
  /**
   * After this many ms no new cancel is sent; one last listing then says what is still open.
   * Default {@link DEFAULT_DEADLINE_MS}; 1 to 2^31−1.
   */
  deadlineMs?: number;
}

/** The default deadline: 30 s, ample for tens of thousands of orders at HTX's rate limits. */
export const DEFAULT_DEADLINE_MS = 30_000;

/** A checked filter. */
export interface ValidFilter {
  symbols?: string[];
  side?: "buy" | "sell";
  accountId?: string;
  clientOrderIdPrefix?: string;
}

/** Checked options. */
export interface ValidKillSwitchOptions extends Omit<RunOptions, "onProgress"> {
  onProgress?: (progress: KillSwitchProgress) => unknown;
  deadlineMs: number;
  /** Whether to sweep: the option, and a filter the sweep can say. */
  sweep: boolean;
}
