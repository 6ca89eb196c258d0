/**
 * `GET /v1/order/openOrders`: the caller's open orders, filtered and paged (Read permission,
 * 50 per 2 s per UID, its own budget; docs/htx-notes.md, "Listing accounts and open orders"). Ids are JSON
 * numbers written from their digits. Choices where HTX is undocumented: without `from` the
 * newest come first; `from` needs `direct` (`prev`: ids above `from`, ascending; `next`: ids
 * below it, descending), `from` itself excluded; `cancelling` orders are listed (older docs).
 */
import { jsonAnswer, JsonDigits } from "../answers.ts";
import type { Refusal } from "../auth.ts";
import { refuse, type SimulatorContext } from "../context.ts";
import { answerWithFault, withOrderField } from "../faults.ts";
import type { FullOrder, StoredOrder } from "../store.ts";
import {
  isRefused,
  matches,
  missing,
  type OrderCriteria,
  readSide,
  readSymbols,
  readTypes,
  unknownAccount,
  unsupported,
} from "./criteria.ts";
import { admitPrivate, businessParams, type Route } from "./route.ts";

const PARAMS = new Set(["account-id", "symbol", "side", "types", "from", "direct", "size"]);

/** A listing's filter and page, read from the query. */
interface Listing {
  criteria: OrderCriteria;
  from?: bigint;
  direct?: "prev" | "next";
  size: number;
}

/** The filter of a listing; `symbol` names one symbol here (a list is `invalid symbol`). */
function readCriteria(ctx: SimulatorContext, uid: number, get: (name: string) => string | undefined) {
  const accountId = get("account-id");
  const symbol = get("symbol");
  const refused = accountId === undefined ? undefined : unknownAccount(ctx, uid, accountId);
  if (refused) return refused;
  const symbols = symbol === undefined ? undefined : readSymbols(symbol, 1);
  const side = readSide(get("side"));
  const types = readTypes(get("types"));
  for (const value of [symbols, side, types]) if (isRefused(value)) return value;
  // openOrdersIgnoresSymbol: an HTX that lists every symbol whatever `symbol` says.
  const bySymbol = ctx.options.openOrdersIgnoresSymbol ? undefined : symbols as Set<string> | undefined;
  return { accountId, symbols: bySymbol, side: side as OrderCriteria["side"], types: types as Set<string> | undefined };
}

/** Reads the query as HTX would, or says which parameter is wrong. */
function readListing(ctx: SimulatorContext, uid: number, query: Map<string, string>): Listing | Refusal {
  for (const name of query.keys()) if (!PARAMS.has(name)) return unsupported(`Unsupported parameter: ${name}.`);
  for (const name of ctx.options.openOrdersRequired) if (!query.get(name)) return missing(name);
  const get = (name: string) => query.get(name) || undefined;
  const criteria = readCriteria(ctx, uid, get);
  if (isRefused(criteria)) return criteria;
  const [from, direct, size = "100"] = [get("from"), get("direct"), get("size")];
  if (!/^[1-9][0-9]{0,2}$/.test(size) || Number(size) > 500) return unsupported("size must be 1 to 500.");
  if (from !== undefined && !/^[1-9][0-9]*$/.test(from)) return unsupported("from must be an order id.");
  if (direct !== undefined && direct !== "prev" && direct !== "next") {
    return unsupported("direct must be prev or next.");
  }
  if (from !== undefined && direct === undefined) return missing("direct");
  return {
    criteria,
    from: from === undefined ? undefined : BigInt(from),
    direct: direct as Listing["direct"],
    // openOrdersPageCap: an HTX that answers fewer than the `size` asked for.
    size: Math.min(Number(size), ctx.options.openOrdersPageCap),
  };
}

/** The page of orders the listing asks for. */
function page(orders: StoredOrder[], listing: Listing) {
  const matching = orders.filter((o) => matches(o, listing.criteria));
  const { from, direct } = listing;
  if (direct === "prev") return matching.filter((o) => from === undefined || o.rank > from).slice(0, listing.size);
  return matching.filter((o) => from === undefined || o.rank < from).reverse().slice(0, listing.size);
}

/** An order as HTX lists it. */
function listed(order: FullOrder) {
  return {
    id: new JsonDigits(order.orderId),
    "client-order-id": order.clientOrderId ?? "",
    symbol: order.symbol,
    "account-id": new JsonDigits(order.accountId),
    amount: order.amount,
    price: order.price,
    "created-at": order.createdAt,
    type: order.type,
    "filled-amount": order.filledAmount,
    "filled-cash-amount": "0",
    "filled-fees": "0",
    source: "spot-api",
    state: order.state,
  };
}

/** The open-orders route. */
export const openOrdersRoute: Route = {
  method: "GET",
  path: "/v1/order/openOrders",
  endpoint: "open-orders",
  async handle(ctx, req) {
    const gate = await admitPrivate(ctx, req, "open-orders", "read");
    if (gate instanceof Response) return gate;
    const { caller, rate } = gate;
    const listing = readListing(ctx, caller.key.uid, businessParams(caller.params));
    if ("reason" in listing) return refuse(ctx, listing, rate);
    return answerWithFault(ctx, req.fault, rate, () => {
      const orders = page(ctx.store.listed(caller.key.uid), listing);
      ctx.pages.served(caller.key.uid, req.url.searchParams, req.target.page, orders.at(-1)?.orderId);
      return jsonAnswer({ status: "ok", data: withOrderField(orders.map(listed), req.fault) }, rate);
    });
  },
};
