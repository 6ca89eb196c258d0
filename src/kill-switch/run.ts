/**
 * The kill switch: list every open order, cancel them by id through the cancel engine, list
 * again, and again, until a listing is empty or the deadline passes; then say what is still
 * open. How it works and what its result proves: docs/kill-switch.md.
 */
import { HtxAbortError, HtxError } from "../errors.ts";
import { type CancelEngine, type ProgressCallback, runCancels } from "../cancel/engine.ts";
import type { BatchCancelResult } from "../cancel/outcome.ts";
import { sleep } from "../cancel/timers.ts";
import type { SpotAccount } from "../listing/accounts.ts";
import { type Listing, listOpenOrders, type OpenOrder, type OpenOrdersQuery } from "../listing/open-orders.ts";
import type { ListingSetup } from "../listing/signed-get.ts";
import { Ledger } from "./ledger.ts";
import type { ValidFilter, ValidKillSwitchOptions } from "./options.ts";

/** What the kill switch needs, fixed per client. */
export interface KillSwitchSetup {
  /** The cancel engine `batchCancel` uses. */
  engine: CancelEngine;
  /** How to list. */
  listing: ListingSetup;
  /** The spot account, looked up once per client. */
  spotAccount: SpotAccount;
}

/** What `cancelAllOpen` found and did: every order seen, in the three lists of `batchCancel`. */
export interface CancelAllOpenResult extends BatchCancelResult {
  /** Every order any listing showed, as first listed (id, symbol, type, …), in first-seen order. */
  orders: OpenOrder[];
  /**
   * What the final listing showed (open or `cancelling`); empty when `confirmedEmpty`. When no
   * final listing could be made (an abort, a listing that failed), the orders last listed
   * whose cancel was neither accepted nor found closed.
   */
  stillOpen: OpenOrder[];
  /** `true` only when a listing made after the last cancel read every page and found nothing. */
  confirmedEmpty: boolean;
  /** The account whose orders were listed. */
  accountId: string;
  /** Listings made (each: every page of every symbol). */
  listings: number;
  /** Why listings stopped early, oldest first (each was retried first, as cancels are). */
  listingErrors: HtxError[];
  /** Whether the deadline passed before the book was confirmed empty. */
  deadlineReached: boolean;
}

/** Pauses between listings while orders are still `cancelling`: 100 ms, doubling, at most 1 s. */
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 1000;

/** A signal that aborts with the caller's, or when the deadline passes. */
function deadlineSignal(deadlineMs: number, caller: AbortSignal | undefined) {
  const stop = new AbortController();
  const timer = setTimeout(() => {
    stop.abort(new HtxError(`cancelAllOpen's deadline (deadlineMs ${deadlineMs}) passed.`, false));
  }, deadlineMs);
  const onAbort = () => stop.abort(caller!.reason);
  if (caller?.aborted) onAbort();
  caller?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: stop.signal,
    dispose() {
      clearTimeout(timer);
      caller?.removeEventListener("abort", onAbort);
    },
  };
}

/** Cancels `ids`, reporting progress over every order seen so far. */
async function cancelPass(
  setup: KillSwitchSetup,
  ledger: Ledger,
  ids: string[],
  signal: AbortSignal,
  onProgress: ProgressCallback | undefined,
): Promise<void> {
  const settledBefore = ledger.settled(new Set(ids));
  const total = ledger.seen;
  const progress: ProgressCallback = ({ done }) => onProgress?.({ done: settledBefore + done, total });
  ledger.record(await runCancels(setup.engine, { kind: "order", ids }, { signal, onProgress: progress }));
}

/**
 * Runs the kill switch. Rejects only when nothing was cancelled: the spot account could not be
 * found, or the first listing failed before showing any order (the error says why).
 */
export async function runKillSwitch(
  setup: KillSwitchSetup,
  filter: ValidFilter,
  { signal: caller, onProgress, deadlineMs }: ValidKillSwitchOptions,
): Promise<CancelAllOpenResult> {
  const listingSignal = caller ?? new AbortController().signal;
  const stop = deadlineSignal(deadlineMs, caller);
  try {
    const accountId = filter.accountId ?? await setup.spotAccount.id(listingSignal);
    const query: OpenOrdersQuery = { accountId, symbols: filter.symbols, side: filter.side };
    const ledger = new Ledger();
    const listingErrors: HtxError[] = [];
    let listing = await listOpenOrders(setup.listing, query, listingSignal);
    if (listing.error && listing.orders.length === 0) throw listing.error;
    let listings = 1;
    let pauseMs = FIRST_PAUSE_MS;
    for (;;) {
      if (listing.error) listingErrors.push(listing.error);
      const ids = ledger.toCancel(listing.orders);
      if (ids.length === 0 && listing.complete && listing.orders.length === 0) {
        const done = { accountId, listings, listingErrors, stillOpen: [], confirmedEmpty: true };
        return finish(ledger, { ...done, deadlineReached: false });
      }
      if (ids.length > 0) await cancelPass(setup, ledger, ids, stop.signal, onProgress);
      const fatal = listing.error !== undefined && !listing.error.retryable;
      if (stop.signal.aborted || fatal) break;
      try {
        await sleep(pauseMs, stop.signal);
      } catch {
        break;
      }
      pauseMs = ids.length > 0 ? FIRST_PAUSE_MS : Math.min(MAX_PAUSE_MS, pauseMs * 2);
      listing = await listOpenOrders(setup.listing, query, listingSignal);
      listings++;
    }
    const deadlineReached = stop.signal.aborted && !caller?.aborted;
    const state = { accountId, listings, listingErrors, deadlineReached };
    return await finalListing(setup, ledger, query, listingSignal, { ...state, listing });
  } finally {
    stop.dispose();
  }
}

/** The result's fields besides the orders and their outcomes. */
type Summary = Omit<CancelAllOpenResult, keyof BatchCancelResult | "orders">;

/**
 * After the deadline (or a listing that cannot succeed): one more listing, unless the caller
 * aborted, names what is still open; orders it shows for the first time get no cancel.
 */
async function finalListing(
  setup: KillSwitchSetup,
  ledger: Ledger,
  query: OpenOrdersQuery,
  signal: AbortSignal,
  state: Omit<Summary, "stillOpen" | "confirmedEmpty"> & { listing: Listing },
): Promise<CancelAllOpenResult> {
  const { listing, ...summary } = state;
  const canList = !signal.aborted && (listing.error === undefined || listing.error.retryable);
  if (!canList) {
    const stillOpen = listing.orders.filter((order) => !ledger.isClosedOrAccepted(order.id));
    return finish(ledger, { ...summary, stillOpen, confirmedEmpty: false });
  }
  const final = await listOpenOrders(setup.listing, query, signal);
  if (final.error) summary.listingErrors.push(final.error);
  ledger.notSent(
    final.orders,
    new HtxAbortError("First listed after cancelAllOpen's deadline had passed: no cancel was sent for it."),
  );
  const confirmedEmpty = final.complete && final.orders.length === 0;
  return finish(ledger, { ...summary, listings: summary.listings + 1, stillOpen: final.orders, confirmedEmpty });
}

function finish(ledger: Ledger, summary: Summary): CancelAllOpenResult {
  return { ...ledger.result(), orders: ledger.orders, ...summary };
}
