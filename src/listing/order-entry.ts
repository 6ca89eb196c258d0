/**
 * One entry of an open-order page, read leniently: only what the kill switch decides on is
 * required (`id`, `symbol`, `state`; `account-id` and `client-order-id` where the filter uses
 * them). Every other field is kept as HTX sent it, as text, and never blocks a cancel: a `price`
 * of `null` or an `amount` sent as a number is no reason to leave an order open.
 */
import { JsonIdSchema } from "../schemas/listing.ts";
import * as v from "valibot";

/** An open order as listed; ids are strings of digits, other fields as HTX sent them. */
export interface OpenOrder {
  /** HTX's order id. */
  id: string;
  /** e.g. `btcusdt`. */
  symbol: string;
  /** `<side>-<kind>`, e.g. `sell-limit`, as sent (`""` when HTX sent none). */
  type: string;
  /** As listed: `created`, `submitted`, `partial-filled` or `cancelling`. */
  state: string;
  /** The client order id, when the order has one. */
  clientOrderId?: string;
  /** As sent (a decimal string), when sent as text or a number. */
  price?: string;
  /** As sent, when sent as text or a number. */
  amount?: string;
  /** As sent, when sent as text or a number. */
  filledAmount?: string;
  /** Epoch ms, when HTX sent a number (or digits). */
  createdAt?: number;
}

/** An entry whose own id or state could not be read: reported, never cancelled blindly. */
export interface UnreadableEntry {
  /** What the entry lacks, e.g. `"no readable id"`. */
  reason: string;
  /** The id, when it alone could be read. */
  id?: string;
}

const isId = v.is.bind(undefined, JsonIdSchema);

/** A field kept as text: strings as sent, numbers and booleans written out, anything else left out. */
function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function epochMs(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d{1,16}$/.test(value)) return Number(value);
  return undefined;
}

/** The id as digits: a string of digits, or a safe integer. */
function idOf(value: unknown): string | undefined {
  if (!isId(value)) return undefined;
  return v.parse(JsonIdSchema, value);
}

/** A readable entry: the order, and its account as digits when HTX named it (for the filter only). */
export interface ReadOrder {
  order: OpenOrder;
  accountId?: string;
}

/** Reads one entry: the order, or why it cannot be acted on. */
export function readOrderEntry(entry: unknown): ReadOrder | UnreadableEntry {
  if (typeof entry !== "object" || entry === null) return { reason: "not an object" };
  const e = entry as Record<string, unknown>;
  const id = idOf(e.id);
  if (id === undefined) return { reason: "no readable id" };
  if (typeof e.state !== "string" || e.state === "") return { id, reason: "no readable state" };
  if (typeof e.symbol !== "string" || e.symbol === "") return { id, reason: "no readable symbol" };
  const order: OpenOrder = { id, symbol: e.symbol, type: text(e.type) ?? "", state: e.state };
  const clientOrderId = text(e["client-order-id"]);
  if (clientOrderId) order.clientOrderId = clientOrderId;
  const price = text(e.price), amount = text(e.amount), filled = text(e["filled-amount"]);
  if (price !== undefined) order.price = price;
  if (amount !== undefined) order.amount = amount;
  if (filled !== undefined) order.filledAmount = filled;
  const createdAt = epochMs(e["created-at"]);
  if (createdAt !== undefined) order.createdAt = createdAt;
  const accountId = idOf(e["account-id"]);
  return accountId === undefined ? { order } : { order, accountId };
}
