/**
 * Validation of everything a caller passes in, before anything is signed or sent. Each failure
 * is an `HtxInputError` whose message names the field, the offending value's position and what
 * to send instead. Values are described, never echoed, where they may be credentials.
 */
import { HtxInputError } from "./errors.ts";
import { describe, objectKind, show } from "./checks.ts";

/** What to cancel: exactly one kind of id. Order ids are strings of digits (or bigints). */
export type BatchCancelInput =
  | { orderIds: readonly (string | bigint)[]; clientOrderIds?: undefined }
  | { clientOrderIds: readonly string[]; orderIds?: undefined };

/** Input after validation: one kind, ids as strings, duplicates removed, first-seen order kept. */
export interface NormalizedIds {
  kind: "order" | "client";
  ids: string[];
}

const ORDER_ID = /^[1-9][0-9]{0,31}$/;
const CLIENT_ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What was passed instead of an array of ids: "a Set", "a Map", "an object" (an array-like). */
function describeList(value: unknown): string {
  if (typeof value !== "object" || value === null) return describe(value);
  return `${objectKind(value)} (pass a real array: Array.from(yourIds))`;
}

/**
 * The digits of an HTX id (an order id, an account id): a string of 1 to 32 digits with no
 * leading zero, or a positive bigint; `undefined` for anything else.
 */
export function idDigits(value: unknown): string | undefined {
  if (typeof value === "bigint") return value > 0n ? value.toString() : undefined;
  return typeof value === "string" && ORDER_ID.test(value) ? value : undefined;
}

function orderId(value: unknown, index: number): string {
  const digits = idDigits(value);
  if (digits !== undefined) return digits;
  if (typeof value === "bigint") {
    throw new HtxInputError(`orderIds[${index}] is ${value}n: order ids are positive integers.`);
  }
  if (typeof value === "number") {
    throw new HtxInputError(
      `orderIds[${index}] is the number ${value}: pass order ids as strings (or bigints). ` +
        `HTX order ids can exceed 2^53, where a JS number has already lost digits.`,
    );
  }
  if (typeof value !== "string") {
    throw new HtxInputError(`orderIds[${index}] is ${describe(value)}: expected a string of digits.`);
  }
  throw new HtxInputError(
    `orderIds[${index}] ${show(value)} is not an order id: expected 1 to 32 digits with no ` +
      `leading zero, no spaces or signs.`,
  );
}

function clientOrderId(value: unknown, index: number): string {
  if (typeof value !== "string") {
    throw new HtxInputError(
      `clientOrderIds[${index}] is ${describe(value)}: expected a string of 1 to 64 characters ` +
        `[A-Za-z0-9_-].`,
    );
  }
  if (!CLIENT_ORDER_ID.test(value)) {
    throw new HtxInputError(
      `clientOrderIds[${index}] ${show(value)} is not a client order id: HTX allows 1 to 64 ` +
        `characters of A-Z, a-z, 0-9, "_" and "-".`,
    );
  }
  return value;
}

/**
 * Reads a field of the caller's input; a getter or Proxy trap that throws is an input error.
 * What it threw is not kept: it comes from the caller's code, which may hold the secrets.
 */
function readField(from: object, key: PropertyKey, shown: string): unknown {
  try {
    return (from as Record<PropertyKey, unknown>)[key];
  } catch {
    throw new HtxInputError(`${shown} could not be read: reading it threw.`);
  }
}

/** What {@link uniqueEntries} says about a list's problems, in the words of its entries. */
export interface ListWording {
  /** What the entries are, plural: "ids", "symbols". */
  readonly entries: string;
  /** After "`field` is empty: ", what to do. */
  readonly whenEmpty: string;
  /** After "`field[i]` is a hole (a sparse array): ", what to do, given the list's length. */
  readonly atHole: (length: number) => string;
}

const ID_WORDING: ListWording = {
  entries: "ids",
  whenEmpty: "pass at least one id (HTX refuses an empty list).",
  atHole: (length) => `pass an id at every position, ${length} in all.`,
};

/**
 * The entries of a non-empty list, checked one position at a time, each read once, without
 * duplicates in first-seen order. A hole (`["1", , "2"]`, or a `length` beyond the last
 * element) is refused like an explicit `undefined`: the caller meant an entry there. The loop
 * stops at the first hole, and an array of n elements has its first hole at index n at the
 * latest: so `length` 2^32 − 1 with one element is refused at index 1, with nothing allocated
 * or looped over for the rest. (Only a Proxy that claims an element at every index runs as
 * long as it claims, as that many real entries would.)
 * @param check returns an entry's text, or throws the `HtxInputError` that says what is wrong.
 */
export function uniqueEntries(
  list: readonly unknown[],
  field: string,
  check: (value: unknown, index: number) => string,
  wording: ListWording = ID_WORDING,
): string[] {
  const length = readField(list, "length", `${field}.length`);
  if (typeof length !== "number" || !Number.isSafeInteger(length) || length < 0) {
    throw new HtxInputError(`${field} must be an array of ${wording.entries}, its length is ${describe(length)}.`);
  }
  if (length === 0) throw new HtxInputError(`${field} is empty: ${wording.whenEmpty}`);
  const entries = new Set<string>();
  for (let index = 0; index < length; index++) {
    let present: boolean;
    try {
      present = index in list;
    } catch {
      throw new HtxInputError(`${field}[${index}] could not be read: checking it threw.`);
    }
    if (!present) throw new HtxInputError(`${field}[${index}] is a hole (a sparse array): ${wording.atHole(length)}`);
    entries.add(check(readField(list, index, `${field}[${index}]`), index));
  }
  return [...entries];
}

/**
 * Checks a batch-cancel argument and returns its ids, deduplicated in first-seen order.
 * @throws {HtxInputError} when the input is not exactly one non-empty list of valid ids.
 */
export function normalizeIds(input: unknown): NormalizedIds {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new HtxInputError(
      `batchCancel expects { orderIds: [...] } or { clientOrderIds: [...] }, got ${describe(input)}.`,
    );
  }
  const orderIds = readField(input, "orderIds", "orderIds");
  const clientOrderIds = readField(input, "clientOrderIds", "clientOrderIds");
  if (orderIds !== undefined && clientOrderIds !== undefined) {
    throw new HtxInputError(
      "Pass either orderIds or clientOrderIds, not both: HTX takes one kind of id per request. " +
        "Make two calls.",
    );
  }
  const kind = orderIds !== undefined ? "order" : clientOrderIds !== undefined ? "client" : undefined;
  if (!kind) throw new HtxInputError("Pass orderIds or clientOrderIds: neither was given.");
  const field = kind === "order" ? "orderIds" : "clientOrderIds";
  const list = kind === "order" ? orderIds : clientOrderIds;
  if (!Array.isArray(list)) {
    throw new HtxInputError(`${field} must be an array of ids, got ${describeList(list)}.`);
  }
  return { kind, ids: uniqueEntries(list, field, kind === "order" ? orderId : clientOrderId) };
}

/** @returns epoch milliseconds. @throws {HtxInputError} for an invalid date or non-finite number. */
export function validateTimestamp(timestamp: unknown): number {
  const ms = timestamp instanceof Date ? timestamp.getTime() : timestamp;
  if (typeof ms !== "number" || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw new HtxInputError("timestamp must be a valid Date or epoch milliseconds.");
  }
  return ms;
}
