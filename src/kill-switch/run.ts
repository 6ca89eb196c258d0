/**
 * The kill switch: rounds of listing every scope while cancelling each page's orders as it
 * arrives (and sweeping by criteria beside them), until a round that sent nothing reads every
 * page and finds nothing, or the deadline passes; then one final listing says what is still
 * open. How it works and what its result proves: docs/kill-switch.md.
 */
import { HtxError } from "../core/errors.ts";
import { HtxAbortError } from "../http/request-errors.ts";
import type { CancelEngine } from "../cancel/engine.ts";
import type { BatchCancelResult } from "../cancel/outcome.ts";
import { sleep, timeLimit } from "../core/timers.ts";
import type { SpotAccount } from "../listing/spot-account.ts";
import { isDefinitive, type OpenOrder, type OpenOrdersQuery, scopesOf } from "../listing/open-orders.ts";
import { HtxAccountError } from "../listing/accounts.ts";
import { backoffMs } from "../cancel/engine.ts";
import type { ListingSetup } from "../listing/signed-get.ts";
import { Ledger } from "./ledger.ts";
import { CancelQueue } from "./cancel-queue.ts";
import { keyRefusal, type RoundContext, type RoundResult, runRound } from "./round.ts";
import { sweepGroups } from "./sweep.ts";
import type { KillSwitchProgress, ValidFilter, ValidKillSwitchOptions } from "./options.ts";

/** What the kill switch needs, fixed per client. */
export interface KillSwitchSetup {
  /** The cancel engine `batchCancel` uses. */
  engine: CancelEngine;
  /** How to list (and sweep). */
  listing: ListingSetup;
  /** The spot accounts, looked up once per client. */
  spotAccount: SpotAccount;
}

/** What `cancelAllOpen` found and did: every order seen, in the three lists of `batchCancel`. */
export interface CancelAllOpenResult extends BatchCancelResult {
  /** Every order any listing showed (cut-short listings too), as first listed, in first-seen order. */
  orders: OpenOrder[];
  /**
   * What the final listing showed (open or `cancelling`); empty when `confirmedEmpty`. Without a
   * complete final listing, also every order seen whose cancel was neither accepted nor found closed.
   */
  stillOpen: OpenOrder[];
  /** `true` only when a round that sent nothing read every page of every scope and found nothing. */
  confirmedEmpty: boolean;
  /** The (first) account whose orders were listed. */
  accountId: string;
  /** Every account listed: each working spot account, or `filter.accountId`. */
  accountIds: string[];
  /** Listings made (each: every page of every scope). */
  listings: number;
  /** Why listings or sweeps fell short, oldest first (each retried first). */
  listingErrors: HtxError[];
  /** Orders the sweep (`batchCancelOpenOrders`) said it cancelled; 0 with `sweep: false`. */
  swept: number;
  /** Whether the deadline passed before the book was confirmed empty. */
  deadlineReached: boolean;
  /** Set when HTX refused a request for the key (authentication or permission): the kill switch stopped there. */
  refusedForKey?: HtxError;
}

/** Pauses between rounds that sent nothing (orders still `cancelling`): 100 ms, doubling, at most 1 s. */
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 1000;

type TimeLimit = ReturnType<typeof timeLimit>;

/** The call's moving parts. */
interface Run {
  ctx: RoundContext & { queue: CancelQueue };
  stop: TimeLimit;
  /** Aborts at the deadline, the caller's abort, or a refused key. */
  halt: AbortController;
  /** When cancels still out are given up on: `timeoutMs` after the deadline or the caller's abort. */
  abandon: AbortSignal;
  listingErrors: HtxError[];
  listings: number;
  /** Orders the sweep said it cancelled, over every round. */
  swept: number;
  onSwept?: (count: number) => void;
}

/** The accounts to list: the filter's, or every working spot account (rejecting as the deadline's). */
async function accountsOf(setup: KillSwitchSetup, filter: ValidFilter, stop: TimeLimit, deadline: () => HtxError) {
  if (filter.accountId !== undefined) return [filter.accountId];
  // Asked again, backing off, until the deadline: like a listing page, unless HTX's no is definitive.
  for (let attempt = 1;; attempt++) {
    try {
      return await setup.spotAccount.ids(stop.signal);
    } catch (error) {
      if (stop.timedOut) throw deadline();
      if (!(error instanceof HtxError) || error instanceof HtxAccountError || isDefinitive(error)) throw error;
      const pause = backoffMs(setup.engine.retry, Math.min(attempt, 6), error);
      if (!(await sleep(pause, stop.signal).then(() => true, () => false))) throw stop.timedOut ? deadline() : error;
    }
  }
}

/**
 * A signal that aborts `timeoutMs` after the deadline, or `timeoutMs` after the caller's abort:
 * cancels in flight get that long to settle before they are abandoned (reported unresolved).
 */
function abandonAfter(deadlineMs: number, timeoutMs: number, caller: AbortSignal | undefined) {
  const limit = timeLimit(deadlineMs + timeoutMs, undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => (timer = setTimeout(() => limit.dispose() ?? controller.abort(), timeoutMs));
  const controller = new AbortController();
  limit.signal.addEventListener("abort", () => controller.abort(), { once: true });
  if (caller?.aborted) onAbort();
  else caller?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      limit.dispose();
      clearTimeout(timer);
      caller?.removeEventListener("abort", onAbort);
    },
  };
}

/**
 * Runs the kill switch. Every wait races the deadline and the caller's signal; cancels in flight
 * at the deadline get `timeoutMs` more, the final listing `timeoutMs`: it returns within
 * `deadlineMs + 2 × timeoutMs`. Rejects only when nothing could be listed before the deadline
 * and no sweep cancelled anything, HTX refused the key before any order was seen, or no spot
 * account works.
 */
export async function runKillSwitch(
  setup: KillSwitchSetup,
  filter: ValidFilter,
  options: ValidKillSwitchOptions,
): Promise<CancelAllOpenResult> {
  const { signal: caller, deadlineMs } = options;
  const deadlinePassed = (cause?: unknown) =>
    new HtxError(
      `cancelAllOpen's deadline (deadlineMs ${deadlineMs}) passed before any open order was listed; nothing was ` +
        "cancelled.",
      false,
      { cause },
    );
  const stop = timeLimit(deadlineMs, caller, () => new HtxError(`cancelAllOpen's deadline passed.`, false));
  const abandon = abandonAfter(deadlineMs, setup.engine.timeoutMs, caller);
  try {
    const accountIds = await accountsOf(setup, filter, stop, deadlinePassed);
    const run = startRun(setup, filter, options, accountIds, stop);
    run.abandon = abandon.signal;
    const confirmed = await rounds(run, run.halt.signal);
    if (confirmed) return finish(run, accountIds, { stillOpen: [], confirmedEmpty: true, deadlineReached: false });
    await run.ctx.queue.settled(abandon.signal);
    // Nothing listed: a rejection says nothing was cancelled, unless a sweep may have cancelled orders.
    if (run.ctx.ledger.seen === 0 && run.listings > 0 && !run.ctx.ledger.mayHaveSwept) {
      if (caller?.aborted) {
        throw new HtxAbortError("Aborted before any open order was listed.", { cause: caller.reason });
      }
      const refused = run.listingErrors.find((e) => e instanceof HtxError && !e.retryable);
      if (stop.timedOut || !refused) throw deadlinePassed(run.listingErrors.at(-1));
      throw refused;
    }
    const deadlineReached = stop.timedOut;
    return await finalListing(run, setup, caller, accountIds, deadlineReached);
  } finally {
    stop.dispose();
    abandon.dispose();
  }
}

function startRun(
  setup: KillSwitchSetup,
  filter: ValidFilter,
  { onProgress, sweep }: ValidKillSwitchOptions,
  accountIds: string[],
  stop: ReturnType<typeof timeLimit>,
): Run {
  const ledger = new Ledger();
  const query: OpenOrdersQuery = filter;
  let pages = 0, swept = 0;
  const progress = () => report(onProgress, { done: ledger.settled(), total: ledger.seen, pages, swept });
  // Stops sending and listing at the deadline, the caller's abort, or HTX refusing the key.
  const halt = new AbortController();
  stop.signal.addEventListener("abort", () => halt.abort(stop.signal.reason), { once: true });
  if (stop.signal.aborted) halt.abort(stop.signal.reason);
  const onKeyRefused = (error: HtxError) => {
    queue.refusedForKey ??= error;
    halt.abort(error);
  };
  const queue = new CancelQueue(setup.engine, ledger, halt.signal, progress, onKeyRefused);
  const ctx = {
    listing: setup.listing,
    query,
    scopes: scopesOf(accountIds, query),
    groups: sweep ? sweepGroups(accountIds, query) : [],
    ledger,
    queue,
    onKeyRefused,
    onPage: () => {
      pages++;
      progress();
    },
  };
  const run: Run = { ctx, stop, halt, abandon: stop.signal, listingErrors: [], listings: 0, swept: 0 };
  run.onSwept = (n) => {
    run.swept += n;
    swept = run.swept;
  };
  return run;
}

/** Calls the progress callback; neither its throw nor its rejected promise may cost the call. */
function report(onProgress: ValidKillSwitchOptions["onProgress"], progress: KillSwitchProgress): void {
  try {
    const returned = onProgress?.(progress);
    if (typeof (returned as PromiseLike<unknown> | undefined)?.then === "function") {
      (returned as PromiseLike<unknown>).then(undefined, () => {});
    }
  } catch {
    // A failing progress callback must not cost the caller the accounting of their orders.
  }
}

/**
 * Rounds until one confirms the book empty (→ `true`), the deadline or an abort, a refused key,
 * or a round that can make no progress (every failure definitive, nothing sent).
 */
async function rounds(run: Run, signal: AbortSignal): Promise<boolean> {
  let pauseMs = FIRST_PAUSE_MS;
  for (;;) {
    const round = await runRound(run.ctx, signal);
    run.listings++;
    run.listingErrors.push(...round.errors);
    run.onSwept?.(round.swept);
    run.ctx.queue.send(run.ctx.ledger.unresolvedIds(round.completed));
    await run.ctx.queue.settled(run.abandon);
    const sent = run.ctx.queue.takeSent();
    const refused = run.ctx.queue.refusedForKey ?? keyRefusal(round);
    if (refused) {
      run.ctx.queue.refusedForKey ??= refused;
      return false;
    }
    if (round.complete && round.listed.length === 0 && sent === 0 && round.swept === 0) return true;
    if (signal.aborted) return false;
    if (!round.complete && round.definitive && sent === 0 && round.swept === 0) return false;
    pauseMs = sent > 0 || round.swept > 0 ? FIRST_PAUSE_MS : Math.min(MAX_PAUSE_MS, pauseMs * 2);
    if (sent === 0 && !(await sleep(pauseMs, signal).then(() => true, () => false))) return false;
  }
}

/**
 * After the deadline (or a listing that cannot succeed, or a refused key): one more listing,
 * unless the caller aborted or HTX refused the key, names what is still open, within the
 * client's `timeoutMs`; orders it shows for the first time get no cancel.
 */
async function finalListing(
  run: Run,
  setup: KillSwitchSetup,
  caller: AbortSignal | undefined,
  accountIds: string[],
  deadlineReached: boolean,
): Promise<CancelAllOpenResult> {
  const { ledger, queue } = run.ctx;
  if (queue.refusedForKey || caller?.aborted) {
    return finish(run, accountIds, { stillOpen: ledger.mayBeOpen(), confirmedEmpty: false, deadlineReached });
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
  let final: RoundResult;
  try {
    final = await runRound({ ...run.ctx, queue: undefined }, limit.signal);
  } finally {
    limit.dispose();
  }
  run.listings++;
  run.listingErrors.push(...final.errors);
  const stillOpen = final.complete
    ? final.listed
    : [...new Map([...final.listed, ...ledger.mayBeOpen()].map((o) => [o.id, o])).values()];
  return finish(run, accountIds, {
    stillOpen,
    confirmedEmpty: final.complete && final.listed.length === 0,
    deadlineReached,
  });
}

function finish(
  run: Run,
  accountIds: string[],
  summary: Pick<CancelAllOpenResult, "stillOpen" | "confirmedEmpty" | "deadlineReached">,
): CancelAllOpenResult {
  const { ledger, queue } = run.ctx;
  const notSent = new HtxAbortError(
    "No cancel was sent for it: first listed after cancelAllOpen's deadline or abort, or only ever listed cancelling.",
  );
  return {
    ...ledger.result(notSent),
    orders: ledger.orders,
    ...summary,
    accountId: accountIds[0]!,
    accountIds,
    listings: run.listings,
    listingErrors: run.listingErrors,
    swept: run.swept,
    ...(queue.refusedForKey ? { refusedForKey: queue.refusedForKey } : {}),
  };
}
