/**
 * The kill switch: rounds of listing every scope while cancelling each page's orders as it
 * arrives (and sweeping by criteria beside them), until a round that sent nothing reads every
 * page and finds nothing, or the deadline passes; then one final listing says what is still
 * open. How it works and what its result proves: docs/kill-switch.md.
 *
 * This half sets the deadline and looks the spot accounts up; the rounds (./until-empty.ts, with
 * the listings' reading and valibot) load on the first call while that lookup is in flight.
 */
import { HtxError, HtxInputError } from "../core/errors.ts";
import { HtxAbortError } from "../http/request-errors.ts";
import { sleep, timeLimit, untilAborted } from "../core/timers.ts";
import { isDefinitive } from "../listing/definitive.ts";
import { HtxAccountError } from "../listing/accounts.ts";
import { backoffMs } from "../cancel/engine.ts";
import type { ValidFilter, ValidKillSwitchOptions } from "./options.ts";
import type { CancelAllOpenResult, RoundsSetup } from "./result.ts";

export type { CancelAllOpenResult } from "./result.ts";

/** What the kill switch needs, fixed per client: what its rounds need, and how to load them. */
export interface KillSwitchSetup extends RoundsSetup {
  /** Loads the rounds, the listings and their readers with valibot (./until-empty.ts, one chunk). */
  loadRounds: () => Promise<typeof import("./until-empty.ts")>;
}

type TimeLimit = ReturnType<typeof timeLimit>;

/** The accounts to list: the filter's, or every working spot account (rejecting as the deadline's). */
async function accountsOf(
  setup: KillSwitchSetup,
  filter: ValidFilter,
  stop: TimeLimit,
  deadline: (cause?: unknown) => HtxError,
) {
  if (filter.accountId !== undefined) return [filter.accountId];
  // The last try's error: the deadline's cause says why no account was found (as a listing's does).
  let failed: unknown;
  // Asked again, backing off, until the deadline: like a listing page, unless HTX's no is definitive.
  for (let attempt = 1;; attempt++) {
    try {
      return await setup.spotAccount.ids(stop.signal);
    } catch (error) {
      if (stop.timedOut) throw deadline(failed ?? error);
      if (!(error instanceof HtxError) || error instanceof HtxAccountError || isDefinitive(error)) throw error;
      // The caller's to fix, e.g. the rounds' chunk (which reads this answer) that cannot be loaded.
      if (error instanceof HtxInputError) throw error;
      failed = error;
      const pause = backoffMs(setup.engine.retry, Math.min(attempt, 6), error);
      if (!(await sleep(pause, stop.signal).then(() => true, () => false))) {
        throw stop.timedOut ? deadline(error) : error;
      }
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
    // The account lookup leaves first; the listings, the sweep and their reading load meanwhile.
    const accounts = accountsOf(setup, filter, stop, deadlinePassed);
    const rounds = setup.loadRounds();
    rounds.catch(() => {}); // awaited below, unless the lookup failed first
    const accountIds = await accounts;
    const { cancelUntilEmpty } = await untilAborted(rounds, stop.signal).catch((error: unknown) => {
      if (stop.timedOut) throw deadlinePassed(error);
      if (caller?.aborted) {
        throw new HtxAbortError("Aborted before any open order was listed.", { cause: caller.reason });
      }
      throw error;
    });
    return await cancelUntilEmpty(setup, filter, options, {
      accountIds,
      stop,
      abandon: abandon.signal,
      deadlinePassed,
    });
  } finally {
    stop.dispose();
    abandon.dispose();
  }
}
