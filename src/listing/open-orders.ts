/**
 * Every open order of an account: `GET /v1/order/openOrders` (Read permission, 50 per 2 s per
 * UID, its own budget), 500 a page, paged by repeating the query with `from` set to the last id
 * seen and `direct=next` (HTX has no page token; docs/htx-notes.md, "Listing accounts and open orders"). One
 * listing per symbol when symbols are given (the endpoint takes one). What HTX answers is also
 * filtered here: an order of another symbol, side or account is never returned to be cancelled.
 */
import type * as v from "valibot";
import { HtxError } from "../core/errors.ts";
import { HtxApiError } from "../http/request-errors.ts";
import { type OpenOrderEntry, OpenOrdersAnswerSchema } from "../schemas/listing.ts";
import type { SpotAccount } from "./spot-account.ts";
import { type ListingAnswer, readListingAnswer } from "./answer.ts";
import { type ListingSetup, signedGet } from "./signed-get.ts";

/** The path of the open-order listing. */
const OPEN_ORDERS_PATH = "/v1/order/openOrders";
/** HTX's largest page. */
const PAGE_SIZE = 500;
const OPEN_ORDERS_ANSWER: ListingAnswer<v.InferOutput<typeof OpenOrdersAnswerSchema>> = {
  name: "open-order listing",
  schema: OpenOrdersAnswerSchema,
  idFields: new Set(["id", "account-id"]),
};

/** An open order as listed; ids are strings of digits, amounts decimal strings. */
export interface OpenOrder {
  /** HTX's order id. */
  id: string;
  /** e.g. `btcusdt`. */
  symbol: string;
  /** `<side>-<kind>`, e.g. `sell-limit`. */
  type: string;
  /** As listed: `created`, `submitted`, `partial-filled` or `cancelling`. */
  state: string;
  /** The client order id, when the order has one. */
  clientOrderId?: string;
  /** Decimal string. */
  price?: string;
  /** Decimal string. */
  amount?: string;
  /** Decimal string. */
  filledAmount?: string;
  /** Epoch ms. */
  createdAt?: number;
}

/** Which open orders to list. */
export interface OpenOrdersQuery {
  /** The account (the spot account's id). */
  accountId: string;
  /** One listing per symbol; absent: every symbol in one listing. */
  symbols?: readonly string[];
  /** Only this side. */
  side?: "buy" | "sell";
}

/** A listing: the orders it saw, and whether every page of every symbol was read. */
export interface Listing {
  /** Every open order seen, each once. */
  orders: OpenOrder[];
  /** `true` when every page was read; `false` with `error` otherwise. */
  complete: boolean;
  /** What stopped the listing, when it stopped early. */
  error?: HtxError;
}

function toOrder(entry: OpenOrderEntry): OpenOrder {
  const clientOrderId = entry["client-order-id"];
  return {
    id: entry.id,
    symbol: entry.symbol,
    type: entry.type,
    state: entry.state,
    ...(clientOrderId ? { clientOrderId } : {}),
    ...(entry.price === undefined ? {} : { price: entry.price }),
    ...(entry.amount === undefined ? {} : { amount: entry.amount }),
    ...(entry["filled-amount"] === undefined ? {} : { filledAmount: entry["filled-amount"] }),
    ...(entry["created-at"] === undefined ? {} : { createdAt: entry["created-at"] }),
  };
}

/** Whether a listed order is one the query asked for (HTX might ignore a filter). */
function matches(entry: OpenOrderEntry, query: OpenOrdersQuery, symbol: string | undefined): boolean {
  return (symbol === undefined || entry.symbol === symbol) &&
    (query.side === undefined || entry.type.startsWith(`${query.side}-`)) &&
    (entry["account-id"] === undefined || entry["account-id"] === query.accountId);
}

/** The business parameters of one page: all of them are signed. */
function openOrdersParams(query: OpenOrdersQuery, symbol: string | undefined, from: string | undefined) {
  const params: [string, string][] = [["account-id", query.accountId]];
  if (symbol !== undefined) params.push(["symbol", symbol]);
  if (query.side !== undefined) params.push(["side", query.side]);
  params.push(["size", String(PAGE_SIZE)]);
  if (from !== undefined) params.push(["from", from], ["direct", "next"]);
  return params;
}

/**
 * Reads every page of one symbol (or of all), adding new orders the query asks for to `seen`.
 * Paging follows the raw pages, not the filtered ones: when HTX ignores `symbol` or `side`, a
 * full page of other orders is no sign that the matching ones have all been seen.
 * @returns `false` when the paging stopped on a full page of orders already seen (HTX ignored
 *   `from`) after HTX had returned orders outside the filter: the matching orders beyond that
 *   page were never shown, so the listing is not complete.
 */
async function listPages(
  setup: ListingSetup,
  query: OpenOrdersQuery,
  symbol: string | undefined,
  seen: Map<string, OpenOrder>,
  signal: AbortSignal,
): Promise<boolean> {
  const paged = new Set<string>();
  let foreign = false;
  let from: string | undefined;
  for (;;) {
    const page = await signedGet(
      setup,
      { endpoint: "openOrders", path: OPEN_ORDERS_PATH, params: openOrdersParams(query, symbol, from) },
      (response, ctx) => readListingAnswer(response, ctx, OPEN_ORDERS_ANSWER),
      signal,
    );
    let fresh = 0;
    for (const entry of page.data) {
      if (paged.has(entry.id)) continue;
      paged.add(entry.id);
      fresh++;
      if (!matches(entry, query, symbol)) foreign = true;
      else if (!seen.has(entry.id)) seen.set(entry.id, toOrder(entry));
    }
    // A short page is the last; a full page of nothing new would only repeat itself.
    if (page.data.length < PAGE_SIZE) return true;
    if (fresh === 0) return !foreign;
    from = page.data.at(-1)!.id;
  }
}

/** Why a listing whose paging repeated a page of other orders is not complete. */
function unpageableError(): HtxError {
  return new HtxError(
    "HTX ignored the listing's filter (it returned orders of other symbols, sides or accounts) and repeated a " +
      "page instead of paging on: the orders beyond that page could not be listed.",
    false,
  );
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
 * Lists every open order the query asks for, every page of every symbol.
 * @returns the orders seen, even when a page failed (then `complete: false` and `error`).
 */
export async function listOpenOrders(
  setup: ListingSetup,
  query: OpenOrdersQuery,
  signal: AbortSignal,
): Promise<Listing> {
  const seen = new Map<string, OpenOrder>();
  for (const symbol of query.symbols ?? [undefined]) {
    try {
      if (!(await listPages(setup, query, symbol, seen, signal))) {
        return { orders: [...seen.values()], complete: false, error: unpageableError() };
      }
    } catch (error) {
      return { orders: [...seen.values()], complete: false, error: withSymbolHint(error as HtxError, symbol) };
    }
  }
  return { orders: [...seen.values()], complete: true };
}

/**
 * Every open order of the query's account (the spot account when none is given), or the error
 * that stopped the listing.
 * @throws {HtxError} when the account or any page could not be read.
 */
export async function listAllOpenOrders(
  setup: ListingSetup,
  spotAccount: SpotAccount,
  query: Omit<OpenOrdersQuery, "accountId"> & { accountId?: string },
  signal: AbortSignal,
): Promise<{ accountId: string; orders: OpenOrder[] }> {
  const accountId = query.accountId ?? await spotAccount.id(signal);
  const listing = await listOpenOrders(setup, { ...query, accountId }, signal);
  if (listing.error) throw listing.error;
  return { accountId, orders: listing.orders };
}
