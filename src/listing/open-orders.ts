/**
 * Open orders of an account: `GET /v1/order/openOrders` (Read permission, 50 per 2 s per UID,
 * its own budget), paged by repeating the query with `from` set to the last id seen and
 * `direct=next` (HTX has no page token; docs/htx-notes.md, "Listing accounts and open orders").
 * One paging per account and symbol (the endpoint takes one symbol), each page handed on as it
 * arrives. What HTX answers is filtered here too: an order of another symbol, side, account or
 * client-order-id prefix is never handed on to be cancelled.
 */
import * as v from "valibot";
import { HtxError } from "../core/errors.ts";
import { HtxApiError } from "../http/request-errors.ts";
import { isDefinitive, markDefinitive } from "./definitive.ts";
import { backoffMs } from "../cancel/engine.ts";
import { sleep } from "../core/timers.ts";
import { childSignal } from "../core/child-signal.ts";
import { type ListingAnswer, readListingAnswer } from "./answer.ts";
import { type OpenOrder, type ReadOrder, readOrderEntry, type UnreadableEntry } from "./order-entry.ts";
import { type ListingSetup, signedGet } from "./signed-get.ts";

export type { OpenOrder, UnreadableEntry } from "./order-entry.ts";
export { isDefinitive } from "./definitive.ts";

/** The path of the open-order listing. */
const OPEN_ORDERS_PATH = "/v1/order/openOrders";
/** The page size asked for: HTX's largest. HTX may honour less; paging never assumes it did. */
const PAGE_SIZE = 500;
/** A page: `data` an array; each entry is read on its own (src/listing/order-entry.ts). */
const PageSchema = v.looseObject({ status: v.literal("ok"), data: v.array(v.unknown()) });
const OPEN_ORDERS_ANSWER: ListingAnswer<v.InferOutput<typeof PageSchema>> = {
  name: "open-order listing",
  schema: PageSchema,
  idFields: new Set(["id", "account-id"]),
};

/** Which open orders to list. */
export interface OpenOrdersQuery {
  /** Only these symbols, one paging each; absent: every symbol in one paging. */
  symbols?: readonly string[];
  /** Only this side. */
  side?: "buy" | "sell";
  /** Only orders whose client order id starts with this. */
  clientOrderIdPrefix?: string;
}

/** One paging: an account, and a symbol or every symbol. */
export interface ListingScope {
  accountId: string;
  symbol?: string;
}

/** The scopes of a query over some accounts: every account, each symbol (or all). */
export function scopesOf(accountIds: readonly string[], query: OpenOrdersQuery): ListingScope[] {
  return accountIds.flatMap((accountId) =>
    (query.symbols ?? [undefined]).map((symbol) => (symbol === undefined ? { accountId } : { accountId, symbol }))
  );
}

/** One page as read: the orders the query asks for, and entries that could not be read. */
export interface Page {
  orders: OpenOrder[];
  unreadable: UnreadableEntry[];
}

/** What one paging came to: whether every page was read, and what stopped it otherwise. */
export interface ScopeListing {
  complete: boolean;
  error?: HtxError;
  /** How many pages were read. */
  pages: number;
}

/** How a paging treats a failed page after `signedGet`'s own retries. */
export interface PagingOptions {
  /** Ask again (backing off) until `signal` aborts, for any error but a refused key or a definitive refusal. */
  persist: boolean;
}

/** Whether a listed order is one the query asked for (HTX might ignore a filter). */
function matches({ order, accountId }: ReadOrder, query: OpenOrdersQuery, scope: ListingScope): boolean {
  return (scope.symbol === undefined || order.symbol === scope.symbol) &&
    (query.side === undefined || order.type.startsWith(`${query.side}-`)) &&
    (accountId === undefined || accountId === scope.accountId) &&
    (query.clientOrderIdPrefix === undefined || (order.clientOrderId ?? "").startsWith(query.clientOrderIdPrefix));
}

/** The business parameters of one page: all of them are signed. */
function pageParams(query: OpenOrdersQuery, scope: ListingScope, from: string | undefined) {
  const params: [string, string][] = [["account-id", scope.accountId]];
  if (scope.symbol !== undefined) params.push(["symbol", scope.symbol]);
  if (query.side !== undefined) params.push(["side", query.side]);
  params.push(["size", String(PAGE_SIZE)]);
  if (from !== undefined) params.push(["from", from], ["direct", "next"]);
  return params;
}

/** One page's raw entries, asked again with backoff (when persisting) until the signal aborts. */
async function fetchPage(
  setup: ListingSetup,
  params: [string, string][],
  signal: AbortSignal,
  { persist }: PagingOptions,
): Promise<unknown[]> {
  for (let attempt = 1;; attempt++) {
    try {
      const request = { endpoint: "openOrders" as const, path: OPEN_ORDERS_PATH, params };
      const page = await signedGet(setup, request, (r, ctx) => readListingAnswer(r, ctx, OPEN_ORDERS_ANSWER), signal);
      return page.data;
    } catch (error) {
      if (!persist || isDefinitive(error as HtxError)) throw error;
      await sleep(backoffMs(setup.engine.retry, Math.min(attempt, 6), error as HtxError), signal).catch(() => {
        throw error;
      });
    }
  }
}

/** Why a paging HTX would not move on is not complete: `why` it could not. */
function unpageableError(why: string): HtxError {
  return markDefinitive(new HtxError(`${why}: the orders beyond that page could not be listed.`, false));
}

/**
 * Reads every page of one scope, handing each page's orders on at once. Paging follows HTX's
 * raw pages, not the filtered ones, and stops only at an empty page, or at a page shorter than
 * one HTX already answered in this paging (HTX honoured at least that size: docs/htx-notes.md),
 * or when a page brings nothing new. A page shorter than the size asked proves nothing by itself:
 * HTX may cap pages below it.
 */
async function pageScope(
  setup: ListingSetup,
  query: OpenOrdersQuery,
  scope: ListingScope,
  onPage: (page: Page) => void,
  signal: AbortSignal,
  options: PagingOptions,
): Promise<ScopeListing> {
  const paged = new Set<string>();
  let honoured = 0, pages = 0, foreign = false;
  let from: string | undefined;
  for (;;) {
    const entries = await fetchPage(setup, pageParams(query, scope, from), signal, options);
    pages++;
    const page: Page = { orders: [], unreadable: [] };
    let fresh = 0, lastId: string | undefined;
    for (const entry of entries) {
      const read = readOrderEntry(entry);
      const id = "order" in read ? read.order.id : read.id;
      if (id !== undefined) lastId = id;
      if (id !== undefined && paged.has(id)) continue;
      if (id !== undefined) paged.add(id);
      fresh++;
      if (!("order" in read)) page.unreadable.push(read);
      else if (matches(read, query, scope)) page.orders.push(read.order);
      else foreign = true;
    }
    onPage(page);
    if (entries.length === 0 || entries.length < honoured) return { complete: true, pages };
    // A page of nothing new: HTX ignored `from`. Complete, unless a page as full as HTX makes
    // them (it may cap pages below the size asked) hid matching orders behind orders outside the filter.
    if (fresh === 0 || lastId === undefined) {
      const hidden = foreign && entries.length >= Math.min(PAGE_SIZE, honoured || PAGE_SIZE);
      if (!hidden) return { complete: true, pages };
      const why = "HTX ignored the listing's filter (it returned orders of other symbols, sides or accounts) and " +
        "repeated a page instead of paging on";
      return { complete: false, error: unpageableError(why), pages };
    }
    // New entries yet the same last id (entries without a readable id): asking again from the
    // same id would bring the same page until the deadline, holding up every other scope's next round.
    if (lastId === from) {
      const why = "HTX answered the same page again (from the same last order id, with entries that could not be read)";
      return { complete: false, error: unpageableError(why), pages };
    }
    honoured = Math.max(honoured, entries.length);
    from = lastId;
  }
}

/** HTX's refusal of a listing without `symbol` (older API versions require it), saying what to pass. */
function withSymbolHint(error: HtxError, symbol: string | undefined): HtxError {
  if (!(error instanceof HtxApiError) || error.errCode !== "validation-constraints-required") return error;
  if (symbol !== undefined || !/symbol/i.test(error.errMsg)) return error;
  return new HtxApiError(
    `HTX requires a symbol to list open orders (${error.errCode}: ${error.errMsg}): pass the symbols to ` +
      `cancel, e.g. cancelAllOpen({ symbols: ["btcusdt", "ethusdt"] }) (command line: --symbols btcusdt,ethusdt).`,
    { errCode: error.errCode, errMsg: error.errMsg, httpStatus: error.httpStatus, retryable: false },
    { request: error.request, cause: error },
  );
}

/**
 * Lists one scope, every page, handing pages on as they arrive; never throws.
 * @returns whether every page was read, and otherwise why not.
 */
export async function listScope(
  setup: ListingSetup,
  query: OpenOrdersQuery,
  scope: ListingScope,
  onPage: (page: Page) => void,
  signal: AbortSignal,
  options: PagingOptions,
): Promise<ScopeListing> {
  let pages = 0;
  const counted = (page: Page) => {
    pages++;
    onPage(page);
  };
  // Its own signal: scopes listed at once must not each add listeners to the shared one.
  const own = childSignal(signal);
  try {
    return await pageScope(setup, query, scope, counted, own.signal, options);
  } catch (thrown) {
    const error = thrown instanceof HtxError ? thrown : new HtxError("The listing failed.", false, { cause: thrown });
    return { complete: false, error: withSymbolHint(error, scope.symbol), pages };
  } finally {
    own.dispose();
  }
}

/**
 * Every open order the query asks for in the given accounts (all scopes at once).
 * @throws {HtxError} when any page could not be read.
 */
export async function listAllOpenOrders(
  setup: ListingSetup,
  accountIds: readonly string[],
  query: OpenOrdersQuery,
  signal: AbortSignal,
): Promise<OpenOrder[]> {
  const seen = new Map<string, OpenOrder>();
  const onPage = (page: Page) => page.orders.forEach((order) => seen.has(order.id) || seen.set(order.id, order));
  const listings = await Promise.all(
    scopesOf(accountIds, query).map((scope) => listScope(setup, query, scope, onPage, signal, { persist: false })),
  );
  const failed = listings.find((listing) => listing.error);
  if (failed) throw failed.error;
  return [...seen.values()];
}
