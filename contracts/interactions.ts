/**
 * The interactions of our contract, built from the recorded fixtures (one source of truth): the
 * provider states and their orders come from each fixture's `replay`, request bodies and answers
 * from its `request` and `response`. Seven batch cancels (six signed with HmacSHA256, one with an
 * Ed25519 key, issue 14), four listings the kill switch makes (issue 15) with the empty pages
 * after them, two cancels by criteria, its sweep (issue 24), and three calls of the dead man's
 * switch (issue 25).
 */
import { readFileSync } from "node:fs";
import { MatchersV3 } from "@pact-foundation/pact";
import { type Fixture, fixture } from "../test/helpers.ts";
import { type StateName, STATES } from "./states.ts";

const { integer, regex, string } = MatchersV3;

/** The consumer's name in the pact: this module. */
export const CONSUMER = "htx-batch-cancel";
/** The provider's name in the pact: HTX's spot API. */
export const PROVIDER = "htx-spot-api";
/** The pact's file name, in contracts/pacts/. */
export const PACT_FILE = `${CONSUMER}-${PROVIDER}.json`;
/** The batch-cancel endpoint. */
export const BATCH_CANCEL_PATH = "/v1/order/orders/batchcancel";

/** `Content-Type` of a JSON answer, with or without a charset. */
export function jsonContentType(example: string): ReturnType<typeof regex> {
  return regex("^application/json(; ?charset=(utf|UTF)-8)?$", example);
}

// ── Batch cancels ──────────────────────────────────────────────────────────────────────────────

/** One batch cancel: the fixture it is built from, its provider state, and what the client is asked. */
export interface ContractInteraction {
  description: string;
  fixture: Fixture;
  state: StateName;
  /** What the client is asked to cancel: the ids of the fixture's request body. */
  input: { orderIds: string[] } | { clientOrderIds: string[] };
  /** How the request is signed: the `SignatureMethod` its query pins. */
  signatureMethod: "HmacSHA256" | "Ed25519";
}

function interaction(
  description: string,
  name: string,
  state: StateName,
  signatureMethod: ContractInteraction["signatureMethod"] = "HmacSHA256",
): ContractInteraction {
  const fx = fixture(name);
  const body = fx.request.body as Record<string, string[]>;
  const input = body["order-ids"] ? { orderIds: body["order-ids"] } : { clientOrderIds: body["client-order-ids"]! };
  return { description, fixture: fx, state, input, signatureMethod };
}

/** The batch-cancel interactions, one per answer shape. */
export const INTERACTIONS: ContractInteraction[] = [
  interaction("a batch cancel whose orders are all open", "all-submitted", STATES.orders),
  interaction("a batch cancel of an open and an already canceled order", "partial-failure", STATES.orders),
  interaction("a batch cancel by client order ids, some filled or unknown", "client-ids-failed", STATES.orders),
  interaction("a batch cancel of order ids HTX does not know", "unknown-ids", STATES.orders),
  interaction("a batch cancel signed with the wrong secret", "error-bad-signature", STATES.wrongSecret),
  interaction("a batch cancel beyond the rate limit", "error-rate-limited", STATES.rateLimited),
  interaction("a batch cancel signed with an Ed25519 key", "all-submitted", STATES.ed25519, "Ed25519"),
];

/** The five auth parameters as matchers, and nothing else: an extra parameter fails the contract. */
export const SIGNED_QUERY = {
  AccessKeyId: regex("^[A-Za-z0-9-]{1,64}$", "test-AKID-7f3e9c1d"),
  SignatureMethod: "HmacSHA256",
  SignatureVersion: "2",
  Timestamp: regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", "2026-11-26T12:00:00"),
  // Base64 of a 32-byte HMAC-SHA256: 43 characters and one "=".
  Signature: regex("^[A-Za-z0-9+/]{43}=$", "9yf9+1LJD8Bv0r1iDtdZJ9dDiW6LKmryEYi7+EtOEE4="),
};

/**
 * The same parameters for an Ed25519 key (htx-reference.md, "Ed25519 keys"): the method
 * exactly `Ed25519` (not the `ED25519` of a broken SDK test), the Signature 64 bytes as padded
 * base64, which the client percent-encodes in the URL and Pact matches decoded.
 */
export const SIGNED_QUERY_ED25519 = {
  ...SIGNED_QUERY,
  SignatureMethod: "Ed25519",
  // Base64 of a 64-byte Ed25519 signature: 86 characters and "==". The example is the test
  // key's signature in test/runtimes/smoke.mjs's ED25519_VECTORS, checked against node:crypto.
  Signature: regex(
    "^[A-Za-z0-9+/]{86}==$",
    "FcjeQ6hQFRzxpbiTDi3AJQWi/jVL5IqLbiGFsgkZpN420kZ/IRC0oQe4pQS7l8xSZj86Oz69b+SYBTtphk5dBg==",
  ),
};

// ── Answers as matchers ────────────────────────────────────────────────────────────────────────

/**
 * How a field of an answer is pinned, by its key: its exact value, a JSON integer (its digits,
 * written as they are), or a regex. Any other field is matched by type (string, integer), and
 * `""` and `null` exactly.
 */
type FieldRule = "exact" | "json-integer" | { regex: string };
type FieldRules = Readonly<Record<string, FieldRule>>;

/** Batch-cancel answers: ids as strings, order ids as digits, `order-state` an integer. */
const BATCH_CANCEL_FIELDS: FieldRules = {
  status: "exact",
  "err-code": "exact",
  data: "exact",
  "order-id": { regex: "^[0-9]+$" },
};

/** The account listing: what the client looks for (`type` spot, `state` working) exactly, the id a JSON integer. */
const ACCOUNT_FIELDS: FieldRules = { status: "exact", id: "json-integer", type: "exact", state: "exact" };

/**
 * The open-order listing: ids JSON integers, `symbol` exactly as listed (the client drops an
 * order of another symbol), `type` `<side>-<kind>` (the client reads the side from it), `state`
 * one of the open states; prices and amounts by type, strings (a regex would also pass a JSON
 * number, which Pact matches by its text).
 */
const OPEN_ORDER_FIELDS: FieldRules = {
  status: "exact",
  id: "json-integer",
  "account-id": "json-integer",
  symbol: "exact",
  type: { regex: "^(buy|sell)-[a-z-]+$" },
  state: { regex: "^(created|submitted|partial-filled|cancelling)$" },
};

/** HTX's refusal of a listing without `symbol`: the client tells it apart by the err-msg naming the field. */
const SYMBOL_REQUIRED_FIELDS: FieldRules = {
  status: "exact",
  "err-code": "exact",
  "err-msg": { regex: "^.*[Ss]ymbol.*$" },
};

/** Marks digits that must reach the pact as a bare JSON number (see {@link pactJson}). */
const JSON_INTEGER = "<json-integer>";

/**
 * Turns a recorded answer into matchers that pin its shape, field by field as `rules` say;
 * exact values for `""`, `null` and array lengths.
 */
export function answerMatchers(value: unknown, rules: FieldRules = BATCH_CANCEL_FIELDS, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => answerMatchers(item, rules));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, answerMatchers(v, rules, k)]));
  }
  const rule = rules[key];
  if (rule === "exact" || value === null || value === "") return value;
  if (rule === "json-integer" && typeof value === "string") {
    return { "pact:matcher:type": "integer", value: `${JSON_INTEGER}${value}` };
  }
  if (typeof value === "number") return integer(value);
  if (typeof rule === "object" && typeof value === "string") return regex(rule.regex, value);
  return typeof value === "string" ? string(value) : value;
}

/**
 * Matchers as the JSON text Pact reads. `JSON.stringify` cannot write an integer above 2^53
 * exactly, so JSON integers are carried as marked digits and written bare here: the pact holds
 * `9007199254740993` as written, and the mock server answers it so.
 */
export function pactJson(matchers: unknown): string {
  return JSON.stringify(matchers).replace(new RegExp(`"${JSON_INTEGER}([0-9]+)"`, "g"), "$1");
}

// ── Listings ───────────────────────────────────────────────────────────────────────────────────

/** A JSON value, as a provider state's params must be. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A provider state and its params, as `given(…)` takes them. */
export type Given = readonly [StateName, { [key: string]: Json }];

/** One GET of a listing: what the client sends, and the answer it gets. */
export interface ListingInteraction {
  description: string;
  given: readonly Given[];
  path: string;
  /** The business parameters, pinned exactly; the signed parameters are {@link SIGNED_QUERY}. */
  query: Readonly<Record<string, string>>;
  status: number;
  contentType: string;
  /** The fixture's answer as matchers, JSON text ({@link pactJson}). */
  answer: string;
}

/**
 * A listing fixture with its JSON integer ids (`id`, `account-id`) read as their digits: a
 * plain `JSON.parse` would round an id above 2^53.
 */
function listingFixture(name: string): Fixture {
  const text = readFileSync(new URL(`../test/fixtures/${name}.json`, import.meta.url), "utf8");
  return JSON.parse(text.replace(/"(id|account-id)": ([0-9]+)/g, '"$1": "$2"')) as Fixture;
}

function listing(
  description: string,
  fx: Fixture,
  { given, query, fields }: { given: readonly Given[]; query: Record<string, string>; fields: FieldRules },
): ListingInteraction {
  return {
    description,
    given,
    path: fx.request.path,
    query,
    status: fx.response.status,
    contentType: fx.response.headers["Content-Type"]!,
    answer: pactJson(answerMatchers(fx.response.body, fields)),
  };
}

const accounts = listingFixture("accounts");
/** The spot account of the accounts fixture: the `account-id` every listing sends. */
export const SPOT_ACCOUNT_ID = (accounts.response.body as { data: { id: string }[] }).data[0]!.id;
const spotAccount: Given = [STATES.spotAccount, { accountId: SPOT_ACCOUNT_ID }];

/** A listing's states: the spot account, and the fixture's orders open. */
function openOrdersOf(fx: Fixture): Given[] {
  return [spotAccount, [STATES.openOrders, { orders: JSON.parse(JSON.stringify(fx.replay.orders)) }]];
}

/** `GET /v1/account/accounts`: no business parameters. */
export const ACCOUNTS_LOOKUP = listing("a lookup of the user's accounts, to find the spot account", accounts, {
  given: [spotAccount],
  query: {},
  fields: ACCOUNT_FIELDS,
});

const oneSymbol = listingFixture("open-orders");
/** `GET /v1/order/openOrders` with `symbol` (one listing per symbol given), a full page asked for. */
export const ONE_SYMBOL_LISTING = listing("a listing of one symbol's open orders", oneSymbol, {
  given: openOrdersOf(oneSymbol),
  query: { "account-id": SPOT_ACCOUNT_ID, symbol: "btcusdt", size: "500" },
  fields: OPEN_ORDER_FIELDS,
});

const oneSide = listingFixture("open-orders-64bit-id");
/** `GET /v1/order/openOrders` with `side` and no `symbol`; the listed id is above 2^53. */
export const ONE_SIDE_LISTING = listing("a listing of one side's open orders, an id above 2^53 among them", oneSide, {
  given: openOrdersOf(oneSide),
  query: { "account-id": SPOT_ACCOUNT_ID, side: "sell", size: "500" },
  fields: OPEN_ORDER_FIELDS,
});

/** `GET /v1/order/openOrders` without `symbol` where HTX requires one: `validation-constraints-required`. */
export const SYMBOL_REQUIRED_LISTING = listing(
  "a listing without a symbol where HTX requires one",
  fixture("error-field-missing"),
  {
    given: [spotAccount, [STATES.symbolRequired, {}]],
    query: { "account-id": SPOT_ACCOUNT_ID, size: "500" },
    fields: SYMBOL_REQUIRED_FIELDS,
  },
);

/**
 * The page after a listing's last order: the same query with `from` that order's id and
 * `direct=next`, answered with no order. The kill switch pages until a page comes back empty
 * (issue 24: a short page proves nothing where HTX caps pages below the size asked).
 */
function emptyNextPage(first: ListingInteraction, from: string): ListingInteraction {
  return {
    ...first,
    description: `${first.description}: the next page, empty`,
    query: { ...first.query, from, direct: "next" },
    answer: pactJson(answerMatchers({ status: "ok", data: [] }, OPEN_ORDER_FIELDS)),
  };
}

/** The page after {@link ONE_SYMBOL_LISTING}'s oldest order. */
export const ONE_SYMBOL_NEXT_PAGE = emptyNextPage(ONE_SYMBOL_LISTING, "357632718898331");

/** The page after {@link ONE_SIDE_LISTING}'s only order, the id above 2^53. */
export const ONE_SIDE_NEXT_PAGE = emptyNextPage(ONE_SIDE_LISTING, "9007199254740993");

// ── The dead man's switch ──────────────────────────────────────────────────────────────────────

/** The dead man's switch's endpoint. */
export const CANCEL_ALL_AFTER_PATH = "/v2/algo-orders/cancel-all-after";

/** HTX's v2 envelope: the code and its message exactly, the times as integers. */
const SWITCH_FIELDS: FieldRules = { code: "exact", message: "exact" };

/** One call of the switch: its states, the timeout the client is asked for, and the answer. */
export interface SwitchInteraction {
  description: string;
  given: readonly Given[];
  fixture: Fixture;
  /** What `cancelAllAfter` is called with: the fixture's request body's `timeout`. */
  timeoutSeconds: number;
  /** The fixture's answer as matchers, JSON text ({@link pactJson}). */
  answer: string;
}

function switchCall(description: string, name: string, params: { [key: string]: Json } = {}): SwitchInteraction {
  const fx = fixture(name);
  const { timeout } = fx.request.body as { timeout: number };
  const given: Given[] = [[STATES.deadMansSwitch, params]];
  return {
    description,
    given,
    fixture: fx,
    timeoutSeconds: timeout,
    answer: pactJson(answerMatchers(fx.response.body, SWITCH_FIELDS)),
  };
}

/** Arm, disarm, and a timeout HTX refuses (an HTX that wants more than the 5 s its docs say). */
export const SWITCH_INTERACTIONS: SwitchInteraction[] = [
  switchCall("an arming of the dead man's switch for 60 s", "cancel-all-after-armed"),
  switchCall("a disarming of the dead man's switch", "cancel-all-after-disarmed"),
  switchCall("an arming of the dead man's switch with a timeout HTX refuses", "cancel-all-after-refused-timeout", {
    minimumSeconds: 10,
  }),
];

// ── Cancels by criteria (the kill switch's sweep) ──────────────────────────────────────────────

/** The cancel-by-criteria endpoint. */
export const BATCH_CANCEL_OPEN_ORDERS_PATH = "/v1/order/orders/batchCancelOpenOrders";

/** One cancel by criteria: its states, the JSON body sent (pinned exactly), and the answer. */
export interface SweepInteraction {
  description: string;
  given: readonly Given[];
  /** The body as the kill switch sends it: `account-id` a string, `size` a JSON integer. */
  body: { [key: string]: Json };
  status: number;
  contentType: string;
  /** The fixture's answer as matchers, JSON text: counts and `next-id` JSON integers. */
  answer: string;
  /** The answer the fixture recorded, for the consumer's check. */
  recorded: unknown;
}

function sweepOf(description: string, name: string, given: readonly Given[]): SweepInteraction {
  const fx = fixture(name);
  return {
    description,
    given,
    body: fx.request.body as SweepInteraction["body"],
    status: fx.response.status,
    contentType: fx.response.headers["Content-Type"]!,
    answer: pactJson(answerMatchers(fx.response.body)),
    recorded: fx.response.body,
  };
}

/** The fixture's orders in the spot account, as the "open orders exist in this account" state takes them. */
function accountOrdersOf(name: string): Given {
  const orders = JSON.parse(JSON.stringify(fixture(name).replay.orders ?? [])) as Json[];
  return [STATES.accountOrders, { accountId: SPOT_ACCOUNT_ID, orders }];
}

/** The sweep of two symbols, every matching open order cancelled: counts, `next-id` -1. */
export const SWEEP = sweepOf(
  "a cancel by criteria of every open order of two symbols",
  "batch-cancel-open-orders",
  [accountOrdersOf("batch-cancel-open-orders")],
);

/** A sweep naming an account that is not the user's: `account-account-id-inexistent`. */
export const SWEEP_UNKNOWN_ACCOUNT = sweepOf(
  "a cancel by criteria naming an account that is not the user's",
  "error-account-inexistent",
  [[STATES.accountOrders, { accountId: SPOT_ACCOUNT_ID, orders: [] }]],
);
