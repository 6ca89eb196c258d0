/**
 * One round of the kill switch: every scope (account × symbol) listed at once, each page's
 * orders sent to the cancel engine as the page arrives, the sweep beside them; then what the
 * complete listings prove is written to the ledger (orders no longer listed are closed).
 */
import type { HtxError } from "../core/errors.ts";
import { HtxAbortError, HtxResponseError } from "../http/request-errors.ts";
import { isKeyRefusal } from "../http/answers.ts";
import {
  isDefinitive,
  type ListingScope,
  listScope,
  type OpenOrder,
  type OpenOrdersQuery,
  type Page,
} from "../listing/open-orders.ts";
import type { ListingSetup } from "../listing/signed-get.ts";
import type { CancelQueue } from "./cancel-queue.ts";
import { type Ledger, scopeKey } from "./ledger.ts";
import { groupScopes, type SweepGroup, sweepGroup } from "./sweep.ts";

/** What a round works with, fixed per call. */
export interface RoundContext {
  listing: ListingSetup;
  query: OpenOrdersQuery;
  scopes: ListingScope[];
  /** The sweep's groups; empty when the sweep is off. */
  groups: SweepGroup[];
  ledger: Ledger;
  /** Absent for the final listing: orders it shows first get no cancel. */
  queue?: CancelQueue;
  /** Called after each page (progress). */
  onPage: () => void;
  /** Called when HTX refuses a sweep for the key: the kill switch stops. */
  onKeyRefused: (error: HtxError) => void;
}

/** What a round found and did. */
export interface RoundResult {
  /** Every scope read in full, and no entry unreadable. */
  complete: boolean;
  /** Orders listed (open or `cancelling`), in listing order. */
  listed: OpenOrder[];
  /** Listing and sweep errors, and unreadable entries, in the order met. */
  errors: HtxError[];
  /** Every scope that failed, failed with HTX's definitive no (no retry would help). */
  definitive: boolean;
  /** The keys of the scopes listed in full. */
  completed: Set<string>;
  /** Orders the sweep said it cancelled, and its requests. */
  swept: number;
  sweepRequests: number;
}

function unreadableError(page: Page): HtxError[] {
  return page.unreadable.map((entry) =>
    new HtxResponseError(`A listed order could not be read (${entry.reason}${entry.id ? `, id ${entry.id}` : ""}).`, {
      status: 200,
      bodySnippet: "",
      retryable: true,
    })
  );
}

/** Lists one scope, feeding the queue page by page; completes the scope in the ledger when whole. */
async function roundScope(ctx: RoundContext, scope: ListingScope, signal: AbortSignal, result: RoundResult) {
  const listed = new Set<string>();
  let unreadable = 0;
  const onPage = (page: Page) => {
    for (const order of page.orders) {
      if (listed.has(order.id)) continue;
      listed.add(order.id);
      result.listed.push(order);
    }
    unreadable += page.unreadable.length;
    result.errors.push(...unreadableError(page));
    if (ctx.queue) ctx.queue.send(ctx.ledger.see(scope, page.orders));
    else ctx.ledger.see(scope, page.orders);
    ctx.onPage();
  };
  const listing = await listScope(ctx.listing, ctx.query, scope, onPage, signal, { persist: ctx.queue !== undefined });
  // A listing cut short by the deadline or an abort is no error of HTX's (the orders it showed
  // are kept); the final listing running out of its own time is reported.
  const cutShort = ctx.queue !== undefined && listing.error instanceof HtxAbortError && signal.aborted;
  if (listing.error && !cutShort) {
    result.errors.push(listing.error);
    if (!isDefinitive(listing.error)) result.definitive = false;
  }
  if (listing.complete && unreadable === 0) {
    ctx.ledger.completed(scope, listed);
    result.completed.add(scopeKey(scope));
  } else result.complete = false;
}

/** Runs one round; never throws. */
export async function runRound(ctx: RoundContext, signal: AbortSignal): Promise<RoundResult> {
  const result: RoundResult = {
    complete: true,
    listed: [],
    errors: [],
    definitive: true,
    completed: new Set(),
    swept: 0,
    sweepRequests: 0,
  };
  const sweeps = ctx.queue ? [...ctx.groups] : [];
  await Promise.all([
    ...ctx.scopes.map((scope) => roundScope(ctx, scope, signal, result)),
    ...sweeps.map(async (group) => {
      const onApplied = (cancelled: number) => ctx.ledger.swept(groupScopes(group), cancelled);
      const tally = await sweepGroup(ctx.listing, group, ctx.query.side, signal, onApplied, ctx.onKeyRefused);
      result.swept += tally.cancelled;
      result.sweepRequests += tally.requests;
      result.errors.push(...tally.errors);
      // HTX's definitive no to a group's criteria (e.g. a symbol it does not know) will not
      // change: that group is not swept again; its orders are still cancelled by id.
      if (tally.errors.some(isDefinitive)) ctx.groups.splice(ctx.groups.indexOf(group), 1);
    }),
  ]);
  return result;
}

/** The first error of a round that refuses the key, if any. */
export function keyRefusal(result: RoundResult): HtxError | undefined {
  return result.errors.find(isKeyRefusal);
}
