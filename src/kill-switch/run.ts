/**
 * The kill switch: list every open order, cancel them by id through the cancel engine, list
 * again, and again, until a listing is empty or the deadline passes; then say what is still
 * open. How it works and what its result proves: docs/kill-switch.md.
 */
import { HtxError } from "../core/errors.ts";
import { HtxAbortError } from "../http/request-errors.ts";
import { isKeyRefusal } from "../cancel/attempt.ts";
import { type CancelEngine, type ProgressCallback, runCancels } from "../cancel/engine.ts";
import type { BatchCancelResult } from "../cancel/outcome.ts";
import { sleep, timeLimit } from "../core/timers.ts";
import type { SpotAccount } from "../listing/spot-account.ts";
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
  /**
   * Set when HTX refused a cancel request as a whole for the key (authentication or
   * permission, e.g. a key with Read but not Trade permission): no retry changes that, so the
   * kill switch stopped at the first such refusal, cancelling nothing more.
   */
  refusedForKey?: HtxError;
}

/** Pauses between listings while orders are still `cancelling`: 100 ms, doubling, at most 1 s. */
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 1000;

/**
 * Cancels `ids`, reporting progress over every order seen so far.
 * @returns HTX's refusal of the key, if a request of this pass got one.
 */
async function cancelPass(
  setup: KillSwitchSetup,
  ledger: Ledger,
  ids: string[],
  signal: AbortSignal,
  onProgress: ProgressCallback | undefined,
): Promise<HtxError | undefined> {
  const settledBefore = ledger.settled(new Set(ids));
  const total = ledger.seen;
  const progress: ProgressCallback = ({ done }) => onProgress?.({ done: settledBefore + done, total });
  const outcomes = await runCancels(setup.engine, { kind: "order", ids }, { signal, onProgress: progress });
  ledger.record(outcomes);
  for (const outcome of outcomes.values()) {
    if (outcome.kind === "unresolved" && isKeyRefusal(outcome.errors.at(-1)!)) return outcome.errors.at(-1);
  }
  return undefined;
}

/**
 * Runs the kill switch. Every listing and every slot it waits for stops at the deadline (or
 * the caller's abort); the final listing then has its own time, the client's `timeoutMs`.
 * Rejects only when nothing was cancelled: the spot account could not be found, or the first
 * listing failed before showing any order (the error says why).
 */
export async function runKillSwitch(
  setup: KillSwitchSetup,
  filter: ValidFilter,
  { signal: caller, onProgress, deadlineMs }: ValidKillSwitchOptions,
): Promise<CancelAllOpenResult> {
  const deadlinePassed = () => new HtxError(`cancelAllOpen's deadline (deadlineMs ${deadlineMs}) passed.`, false);
  const stop = timeLimit(deadlineMs, caller, deadlinePassed);
  // Before anything is cancelled, the deadline's abort is reported as the deadline passing.
  const beforeAnything = (error: unknown) =>
    stop.signal.aborted && !caller?.aborted
      ? new HtxError(
        `cancelAllOpen's deadline (deadlineMs ${deadlineMs}) passed before any open order was listed; nothing was ` +
          "cancelled.",
        false,
        { cause: error },
      )
      : error;
  try {
    const accountId = filter.accountId ?? await setup.spotAccount.id(stop.signal).catch((error: unknown) => {
      throw beforeAnything(error);
    });
    const query: OpenOrdersQuery = { accountId, symbols: filter.symbols, side: filter.side };
    const ledger = new Ledger();
    const listingErrors: HtxError[] = [];
    let listing = await listOpenOrders(setup.listing, query, stop.signal);
    if (listing.error && listing.orders.length === 0) throw beforeAnything(listing.error);
    let listings = 1;
    let pauseMs = FIRST_PAUSE_MS;
    let refusedForKey: HtxError | undefined;
    for (;;) {
      if (listing.error) listingErrors.push(listing.error);
      const ids = ledger.toCancel(listing);
      if (ids.length === 0 && listing.complete && listing.orders.length === 0) {
        const done = { accountId, listings, listingErrors, stillOpen: [], confirmedEmpty: true };
        return finish(ledger, { ...done, deadlineReached: false });
      }
      if (ids.length > 0) refusedForKey = await cancelPass(setup, ledger, ids, stop.signal, onProgress);
      const fatal = listing.error !== undefined && !listing.error.retryable;
      if (stop.signal.aborted || fatal || refusedForKey) break;
      try {
        await sleep(pauseMs, stop.signal);
      } catch {
        break;
      }
      // Orders only asked again after an accepted cancel do not hurry the next listing.
      const fresh = ids.some((id) => !ledger.isAcceptedYetOpen(id));
      pauseMs = fresh ? FIRST_PAUSE_MS : Math.min(MAX_PAUSE_MS, pauseMs * 2);
      listing = await listOpenOrders(setup.listing, query, stop.signal);
      listings++;
      if (stop.signal.aborted) break; // a listing cut short by the deadline: the final one says what is open
    }
    const deadlineReached = stop.signal.aborted && !caller?.aborted;
    const state = { accountId, listings, listingErrors, deadlineReached, ...(refusedForKey ? { refusedForKey } : {}) };
    const canList = !refusedForKey && (listing.error === undefined || listing.error.retryable || stop.signal.aborted);
    return await finalListing(setup, ledger, query, caller, canList, state);
  } finally {
    stop.dispose();
  }
}

/** The result's fields besides the orders and their outcomes. */
type Summary = Omit<CancelAllOpenResult, keyof BatchCancelResult | "orders">;

/**
 * After the deadline (or a listing that cannot succeed, or HTX refusing the key): one more
 * listing, unless the caller aborted or listing cannot succeed, names what is still open; it
 * has the client's `timeoutMs` in all, and orders it shows for the first time get no cancel.
 * Without a complete final listing, what may still be open is every order seen that was neither
 * accepted nor found closed, with those the final listing showed.
 */
async function finalListing(
  setup: KillSwitchSetup,
  ledger: Ledger,
  query: OpenOrdersQuery,
  caller: AbortSignal | undefined,
  canList: boolean,
  summary: Omit<Summary, "stillOpen" | "confirmedEmpty">,
): Promise<CancelAllOpenResult> {
  if (!canList || caller?.aborted) {
    return finish(ledger, { ...summary, stillOpen: ledger.mayBeOpen(), confirmedEmpty: false });
  }
  const { timeoutMs } = setup.engine;
  const limit = timeLimit(
    timeoutMs,
    caller,
    () =>
      new HtxError(
        `The final listing did not finish within its time (the client's timeoutMs, ${timeoutMs} ms).`,
        false,
      ),
  );
  let final: Listing;
  try {
    final = await listOpenOrders(setup.listing, query, limit.signal);
  } finally {
    limit.dispose();
  }
  if (final.error) summary.listingErrors.push(final.error);
  ledger.notSent(
    final.orders,
    new HtxAbortError("First listed after cancelAllOpen's deadline had passed: no cancel was sent for it."),
  );
  const listings = summary.listings + 1;
  if (!final.complete) {
    const stillOpen = [...new Map([...final.orders, ...ledger.mayBeOpen()].map((o) => [o.id, o])).values()];
    return finish(ledger, { ...summary, listings, stillOpen, confirmedEmpty: false });
  }
  return finish(ledger, { ...summary, listings, stillOpen: final.orders, confirmedEmpty: final.orders.length === 0 });
}

function finish(ledger: Ledger, summary: Summary): CancelAllOpenResult {
  return { ...ledger.result(), orders: ledger.orders, ...summary };
}
