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
}

/** Options of one `cancelAllOpen` call: those of `batchCancel`, and a deadline. */
export interface CancelAllOpenOptions extends BatchCancelOptions {
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
}

/** Checked options. */
export interface ValidKillSwitchOptions extends RunOptions {
  deadlineMs: number;
}
