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
import { answerWithFault } from "../faults.ts";
import type { FullOrder, StoredOrder } from "../store.ts";
import { admitPrivate, businessParams, type Route } from "./route.ts";

const PARAMS = new Set(["account-id", "symbol", "side", "types", "from", "direct", "size"]);

/** A listing's filter and page, read from the query. */
interface Listing {
  accountId?: string;
  symbol?: string;
  side?: "buy" | "sell";
  types?: Set<string>;
  from?: bigint;
  direct?: "prev" | "next";
  size: number;
}

const unsupported = (errMsg: string): Refusal => ({
  reason: "bad-parameter",
  errCode: "base-argument-unsupported",
  errMsg,
});

/** Reads the query as HTX would, or says which parameter is wrong. */
function readListing(ctx: SimulatorContext, uid: number, query: Map<string, string>): Listing | Refusal {
  for (const name of query.keys()) if (!PARAMS.has(name)) return unsupported(`Unsupported parameter: ${name}.`);
  for (const name of ctx.options.openOrdersRequired) {
    if (!query.get(name)) {
      return {
        reason: "missing-parameter",
        errCode: "validation-constraints-required",
        errMsg: `Field is missing: ${name}.`,
      };
    }
  }
  const get = (name: string) => query.get(name) || undefined;
  const [accountId, symbol, side, types, from, direct, size = "100"] = [...PARAMS].map(get);
  if (accountId !== undefined && !ctx.userAccounts.some((a) => a.uid === uid && a.id === accountId)) {
    return {
      reason: "unknown-account",
      errCode: "account-account-id-inexistent",
      errMsg: "The account does not exist.",
    };
  }
  // Recorded: ccxt's htx exception table ({"err-code":"invalid-parameter","err-msg":"invalid symbol"}).
  if (symbol !== undefined && !/^[a-z0-9]{2,32}$/.test(symbol)) {
    return { reason: "bad-parameter", errCode: "invalid-parameter", errMsg: "invalid symbol" };
  }
  if (side !== undefined && side !== "buy" && side !== "sell") return unsupported("side must be buy or sell.");
  const typeList = types?.split(",");
  if (typeList?.some((t) => !/^(buy|sell)-[a-z-]+$/.test(t))) return unsupported("types must be order types.");
  if (!/^[1-9][0-9]{0,2}$/.test(size) || Number(size) > 500) return unsupported("size must be 1 to 500.");
  if (from !== undefined && !/^[1-9][0-9]*$/.test(from)) return unsupported("from must be an order id.");
  if (direct !== undefined && direct !== "prev" && direct !== "next") {
    return unsupported("direct must be prev or next.");
  }
  if (from !== undefined && direct === undefined) {
    return {
      reason: "missing-parameter",
      errCode: "validation-constraints-required",
      errMsg: "Field is missing: direct.",
    };
  }
  return {
    accountId,
    symbol,
    side: side as Listing["side"],
    types: typeList && new Set(typeList),
    from: from === undefined ? undefined : BigInt(from),
    direct: direct as Listing["direct"],
    size: Number(size),
  };
}

/** The page of orders the listing asks for. */
function page(orders: StoredOrder[], listing: Listing) {
  const matching = orders.filter((o) =>
    (listing.accountId === undefined || o.accountId === listing.accountId) &&
    (listing.symbol === undefined || o.symbol === listing.symbol) &&
    (listing.side === undefined || o.type.startsWith(`${listing.side}-`)) &&
    (listing.types === undefined || listing.types.has(o.type))
  );
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
      const data = page(ctx.store.listed(caller.key.uid), listing).map(listed);
      return jsonAnswer({ status: "ok", data }, rate);
    });
  },
};
