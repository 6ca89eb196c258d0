/**
 * `POST /v1/order/orders/batchCancelOpenOrders` (Trade permission, its own 50 per 2 s per UID):
 * cancels up to `size` open orders that match the body's criteria and answers counts only,
 * `{ "success-count", "failed-count", "next-id" }` (docs/htx-notes.md, "Cancelling by
 * criteria", which says which refusals are recorded and which chosen). Like batchcancel it
 * only submits the cancels: orders go to `cancelling`, then settle.
 */
import { jsonAnswer, JsonDigits, MSG } from "../answers.ts";
import type { Refusal } from "../auth.ts";
import { refuse, type SimulatorContext } from "../context.ts";
import { answerWithFault } from "../faults.ts";
import {
  isRefused,
  matches,
  type OrderCriteria,
  readSide,
  readSymbols,
  readTypes,
  unknownAccount,
  unsupported,
} from "./criteria.ts";
import { admitPrivate, notJson, type Route } from "./route.ts";

const FIELDS = new Set(["account-id", "symbol", "types", "side", "size"]);
const MAX_SYMBOLS = 10;
const MAX_SIZE = 100;
/** Only what can be cancelled: a `cancelling` order is not cancelled twice. */
const CANCELLABLE = new Set(["created", "submitted", "partial-filled"]);

/** What to cancel: the criteria and how many at most. */
interface Sweep {
  criteria: OrderCriteria;
  size: number;
}

const badFormat = (name: string, what: string): Refusal => ({
  reason: "bad-body",
  errCode: "validation-format-error",
  errMsg: `Field ${name} must be ${what}.`,
});

/** The body as a JSON object, or HTX's answer to one that is not. */
function readObject(text: string): Record<string, unknown> | Refusal {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { reason: "malformed-json", errCode: "gateway-internal-error", errMsg: MSG.gateway };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { reason: "bad-body", errCode: "bad-request", errMsg: "The body must be a JSON object." };
  }
  return body as Record<string, unknown>;
}

/** `size`: a JSON integer from 1 to 100 (HTX's docs: int), default 100. */
function readSize(size: unknown): number | Refusal {
  if (size === undefined) return MAX_SIZE;
  if (typeof size !== "number") return badFormat("size", "a number");
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) return unsupported(`size must be 1 to ${MAX_SIZE}.`);
  return size;
}

/** The account: one of the caller's (any type), or without `account-id` the first spot account listed. */
function readAccount(ctx: SimulatorContext, uid: number, accountId: unknown): string | Refusal {
  if (accountId === undefined) {
    const spot = ctx.userAccounts.find((account) => account.uid === uid && account.type === "spot");
    return spot?.id ?? {
      reason: "unknown-account",
      errCode: "account-get-accounts-inexistent-error",
      errMsg: "The user has no spot account.",
    };
  }
  if (typeof accountId !== "string" || !/^[1-9][0-9]*$/.test(accountId)) {
    return badFormat("account-id", "a string of digits");
  }
  return unknownAccount(ctx, uid, accountId) ?? accountId;
}

/** Reads the body's criteria as HTX would, or says which field is wrong. */
function readSweep(ctx: SimulatorContext, uid: number, text: string): Sweep | Refusal {
  const body = readObject(text);
  if (isRefused(body)) return body;
  const unknown = Object.keys(body).find((name) => !FIELDS.has(name));
  if (unknown !== undefined) return unsupported(`Unsupported parameter: ${unknown}.`);
  for (const name of ["symbol", "types", "side"]) {
    if (body[name] !== undefined && typeof body[name] !== "string") return badFormat(name, "a string");
  }
  const { symbol, types, side } = body as Record<string, string | undefined>;
  const read = [
    readAccount(ctx, uid, body["account-id"]),
    symbol === undefined ? undefined : readSymbols(symbol, MAX_SYMBOLS),
    readSide(side),
    readTypes(types),
    readSize(body.size),
  ] as const;
  const refused = read.find(isRefused);
  if (refused) return refused;
  const [accountId, symbols, sideRead, typeSet, size] = read as unknown as [
    string,
    Set<string> | undefined,
    OrderCriteria["side"],
    Set<string> | undefined,
    number,
  ];
  return { criteria: { accountId, symbols, side: sideRead, types: typeSet }, size };
}

/**
 * Cancels the newest `size` matching open orders (HTX's order is undocumented; listings come
 * newest first). `next-id` is the next matching open order after them, -1 when none remains.
 */
function sweep(ctx: SimulatorContext, uid: number, { criteria, size }: Sweep) {
  const open = ctx.store.listed(uid).filter((o) => CANCELLABLE.has(o.state) && matches(o, criteria)).reverse();
  let success = 0;
  let failed = 0;
  for (const order of open.slice(0, size)) {
    if (ctx.store.cancel(order).kind === "accepted") success++;
    else failed++;
  }
  ctx.stats.ordersCanceled += success;
  ctx.stats.ordersCanceledByCriteria += success;
  const next = open[size];
  return {
    "success-count": success,
    "failed-count": failed,
    "next-id": next === undefined ? -1 : new JsonDigits(next.orderId),
  };
}

/** The cancel-by-criteria route. */
export const batchCancelOpenOrdersRoute: Route = {
  method: "POST",
  path: "/v1/order/orders/batchCancelOpenOrders",
  endpoint: "batch-cancel-open-orders",
  async handle(ctx, req) {
    const gate = await admitPrivate(ctx, req, "batch-cancel-open-orders", "trade");
    if (gate instanceof Response) return gate;
    const { caller, rate } = gate;
    const wrongType = notJson(ctx, req, rate);
    if (wrongType) return wrongType;
    const uid = caller.key.uid;
    const read = readSweep(ctx, uid, await req.request.text());
    if (isRefused(read)) return refuse(ctx, read, rate);
    return answerWithFault(ctx, req.fault, rate, () => jsonAnswer({ status: "ok", data: sweep(ctx, uid, read) }, rate));
  },
};
