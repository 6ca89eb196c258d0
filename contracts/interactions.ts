/**
 * The interactions of the batch-cancel contract, built from the recorded fixtures (one source of
 * truth): the provider state and its orders come from each fixture's `replay`, the request body
 * and the answer from its `request` and `response`. Six are signed with HmacSHA256, one with an
 * Ed25519 key (issue 14).
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { type Fixture, fixture } from "../test/helpers.ts";

const { integer, regex, string } = MatchersV3;

export const CONSUMER = "htx-batch-cancel";
export const PROVIDER = "htx-spot-api";
export const PACT_FILE = `${CONSUMER}-${PROVIDER}.json`;
export const PATH = "/v1/order/orders/batchcancel";

/**
 * Provider states; the provider step has one handler for each. `openOrders` and `spotAccount`
 * are for the listing interactions (GET /v1/order/openOrders, GET /v1/account/accounts) that
 * come with the client's listing code: `{ orders }` as for `orders`, `{ accountId?, state? }`.
 */
export const STATES = {
  orders: "these orders exist for the account",
  wrongSecret: "the request is signed with a secret HTX does not know for the key",
  rateLimited: "the account's rate limit for the window is used up",
  openOrders: "open orders exist",
  spotAccount: "a spot account exists",
  ed25519: "the API key is an Ed25519 key, and these orders exist for the account",
} as const;

export interface ContractInteraction {
  description: string;
  fixture: Fixture;
  state: (typeof STATES)[keyof typeof STATES];
  /** What the client is asked to cancel: the ids of the fixture's request body. */
  input: { orderIds: string[] } | { clientOrderIds: string[] };
  /** How the request is signed: the `SignatureMethod` its query pins. */
  signatureMethod: "HmacSHA256" | "Ed25519";
}

function interaction(
  description: string,
  name: string,
  state: ContractInteraction["state"],
  signatureMethod: ContractInteraction["signatureMethod"] = "HmacSHA256",
): ContractInteraction {
  const fx = fixture(name);
  const body = fx.request.body as Record<string, string[]>;
  const input = body["order-ids"] ? { orderIds: body["order-ids"] } : { clientOrderIds: body["client-order-ids"]! };
  return { description, fixture: fx, state, input, signatureMethod };
}

export const INTERACTIONS: ContractInteraction[] = [
  interaction("a batch cancel whose orders are all open", "all-submitted", STATES.orders),
  interaction("a batch cancel of an open and an already canceled order", "partial-failure", STATES.orders),
  interaction("a batch cancel by client order ids, some filled or unknown", "client-ids-failed", STATES.orders),
  interaction("a batch cancel of order ids HTX does not know", "unknown-ids", STATES.orders),
  interaction("a batch cancel signed with the wrong secret", "error-bad-signature", STATES.wrongSecret),
  interaction("a batch cancel beyond the rate limit", "error-rate-limited", STATES.rateLimited),
  interaction("a batch cancel signed with an Ed25519 key", "all-submitted", STATES.ed25519, "Ed25519"),
];

/** The four auth parameters as matchers, and nothing else: an extra parameter fails the contract. */
export const SIGNED_QUERY = {
  AccessKeyId: regex("^[A-Za-z0-9-]{1,64}$", "test-AKID-7f3e9c1d"),
  SignatureMethod: "HmacSHA256",
  SignatureVersion: "2",
  Timestamp: regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", "2026-11-26T12:00:00"),
  // Base64 of a 32-byte HMAC-SHA256: 43 characters and one "=".
  Signature: regex("^[A-Za-z0-9+/]{43}=$", "9yf9+1LJD8Bv0r1iDtdZJ9dDiW6LKmryEYi7+EtOEE4="),
};

/**
 * The same four parameters for an Ed25519 key (htx-reference.md, "Ed25519 keys"): the method
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

/** Keys whose values are part of the contract itself, not examples. */
const EXACT_KEYS = new Set(["status", "err-code", "data"]);

/**
 * Turns a recorded answer into matchers that pin its shape: types for the sample values
 * (ids as strings, order ids as digits, `order-state` as an integer), exact values for
 * `status`, `err-code`, `""`, `null` and array lengths.
 */
export function answerMatchers(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => answerMatchers(item));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, answerMatchers(v, k)]));
  }
  if (EXACT_KEYS.has(key) || value === null || value === "") return value;
  if (typeof value === "number") return integer(value);
  if (key === "order-id" && typeof value === "string") return regex("^[0-9]+$", value);
  return typeof value === "string" ? string(value) : value;
}
