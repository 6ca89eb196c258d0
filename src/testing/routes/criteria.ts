/**
 * The order criteria both open-order routes take (`GET /v1/order/openOrders`,
 * `POST /v1/order/orders/batchCancelOpenOrders`): account, symbols, side, types; how each is
 * refused, and which orders match. The codes follow docs/htx-notes.md ("Listing accounts and
 * open orders", "Cancelling by criteria"), which says which are recorded and which chosen.
 */
import type { Refusal } from "../auth.ts";
import type { SimulatorContext } from "../context.ts";
import type { FullOrder } from "../store.ts";

/** What an order must be to match; an absent field matches every order. */
export interface OrderCriteria {
  accountId?: string;
  symbols?: ReadonlySet<string>;
  side?: "buy" | "sell";
  types?: ReadonlySet<string>;
}

const SYMBOL = /^[a-z0-9]{2,32}$/;
const ORDER_TYPE = /^(buy|sell)-[a-z-]+$/;

/** HTX's answer to a parameter it does not take, or a value out of its range. */
export const unsupported = (errMsg: string): Refusal => ({
  reason: "bad-parameter",
  errCode: "base-argument-unsupported",
  errMsg,
});

/** A required parameter missing. */
export const missing = (name: string): Refusal => ({
  reason: "missing-parameter",
  errCode: "validation-constraints-required",
  errMsg: `Field is missing: ${name}.`,
});

/** Recorded: ccxt's htx exception table ({"err-code":"invalid-parameter","err-msg":"invalid symbol"}). */
const INVALID_SYMBOL: Refusal = { reason: "bad-parameter", errCode: "invalid-parameter", errMsg: "invalid symbol" };

/** A comma-separated symbol list of at most `max` symbols, or why it is refused. */
export function readSymbols(text: string, max: number): Set<string> | Refusal {
  const symbols = text.split(",");
  if (!symbols.every((symbol) => SYMBOL.test(symbol))) return INVALID_SYMBOL;
  if (symbols.length > max) {
    return {
      ...INVALID_SYMBOL,
      errMsg: `invalid symbol: at most ${max} symbol${max === 1 ? "" : "s"}, got ${symbols.length}`,
    };
  }
  return new Set(symbols);
}

/** `buy` or `sell`. */
export function readSide(side: string | undefined): OrderCriteria["side"] | Refusal {
  if (side === undefined || side === "buy" || side === "sell") return side;
  return unsupported("side must be buy or sell.");
}

/** A comma-separated list of order types (`buy-limit,sell-limit`). */
export function readTypes(types: string | undefined): Set<string> | undefined | Refusal {
  if (types === undefined) return undefined;
  const list = types.split(",");
  return list.every((type) => ORDER_TYPE.test(type)) ? new Set(list) : unsupported("types must be order types.");
}

/** An account id that is not one of the caller's UID's accounts. */
export function unknownAccount(ctx: SimulatorContext, uid: number, accountId: string): Refusal | undefined {
  if (ctx.userAccounts.some((account) => account.uid === uid && account.id === accountId)) return undefined;
  return { reason: "unknown-account", errCode: "account-account-id-inexistent", errMsg: "The account does not exist." };
}

/** Whether an order matches the criteria. */
export function matches(order: FullOrder, criteria: OrderCriteria): boolean {
  return (criteria.accountId === undefined || order.accountId === criteria.accountId) &&
    (criteria.symbols === undefined || criteria.symbols.has(order.symbol)) &&
    (criteria.side === undefined || order.type.startsWith(`${criteria.side}-`)) &&
    (criteria.types === undefined || criteria.types.has(order.type));
}

/** Whether a value is a refusal rather than what was read. */
export function isRefused(value: unknown): value is Refusal {
  return typeof value === "object" && value !== null && "reason" in value && "errCode" in value;
}
