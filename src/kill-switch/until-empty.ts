/**
 * The kill switch's rounds (loaded by ./run.ts on the first call): list every scope while
 * cancelling each page's orders as it arrives, and sweep by criteria beside them, until a round
 * that sent nothing reads every page and finds nothing, or the deadline passes; then one final
 * listing says what is still open. With them, in the same chunk, what else the first call reads
 * with valibot: the account lookup's answer, and `listOpenOrders`.
 */
import { HtxError } from "../core/errors.ts";
import { HtxAbortError } from "../http/request-errors.ts";
import { sleep, timeLimit } from "../core/timers.ts";
import { listAllOpenOrders, type OpenOrder, type OpenOrdersQuery, scopesOf } from "../listing/open-orders.ts";
import { validateRunOptions } from "../cancel/run-options.ts";
import { validateFilter } from "./validate.ts";
import { Ledger } from "./ledger.ts";
import { CancelQueue } from "./cancel-queue.ts";
import { keyRefusal, type RoundContext, type RoundResult, runRound } from "./round.ts";
import { sweepGroups } from "./sweep.ts";
import type { KillSwitchProgress, ValidFilter, ValidKillSwitchOptions } from "./options.ts";
import type { CancelAllOpenResult, RoundsSetup } from "./result.ts";

export { readAccountsAnswer } from "../listing/accounts-answer.ts";

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

/** What ./run.ts hands on: the accounts found, the deadline, and when cancels in flight are given up on. */
export interface RunStart {
  accountIds: string[];
  stop: TimeLimit;
  abandon: AbortSignal;
  deadlinePassed: (cause?: unknown) => HtxError;
}

/**
 * The rounds, then the final listing; see ./run.ts for the bound. Rejects only when nothing could
 * be listed before the deadline and no sweep cancelled anything, or HTX refused the key before any
 * order was seen.
 */
export async function cancelUntilEmpty(
  setup: RoundsSetup,
  filter: ValidFilter,
  options: ValidKillSwitchOptions,
  { accountIds, stop, abandon, deadlinePassed }: RunStart,
): Promise<CancelAllOpenResult> {
  const caller = options.signal;
  const run = startRun(setup, filter, options, accountIds, stop);
  run.abandon = abandon;
  const confirmed = await rounds(run, run.halt.signal);
  if (confirmed) return finish(run, accountIds, { stillOpen: [], confirmedEmpty: true, deadlineReached: false });
  await run.ctx.queue.settled(abandon);
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
}

function startRun(
  setup: RoundsSetup,
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
  setup: RoundsSetup,
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

/**
 * `HtxClient.listOpenOrders` of a client's kill switch: every open order the filter selects,
 * listed the kill switch's way, cancelling nothing.
 */
export async function listOpenOrders(
  killSwitch: RoundsSetup,
  filter: unknown,
  options: unknown,
): Promise<{ accountId: string; orders: OpenOrder[] }> {
  const valid = validateFilter(filter);
  const { signal = new AbortController().signal } = validateRunOptions(options, "listOpenOrders");
  const accountIds = valid.accountId === undefined ? await killSwitch.spotAccount.ids(signal) : [valid.accountId];
  const orders = await listAllOpenOrders(killSwitch.listing, accountIds, valid, signal);
  return { accountId: accountIds[0]!, orders };
}
