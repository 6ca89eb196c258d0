/**
 * The simulator's public types: its options, what it knows (API keys, accounts, orders), the
 * faults it can inject and the counters it keeps. Re-exported from `./simulator.ts`.
 */
import type { OrderStateName } from "../core/order-states.ts";

/** What an API key may do; HTX checks it per endpoint (listings need `read`, cancels `trade`). */
export type KeyPermission = "read" | "trade";

/**
 * An API key of a simulated user (UID): an HmacSHA256 key (`secretKey`) or an Ed25519 key
 * (`publicKey`), exactly one. Its signatures must use its own `SignatureMethod`.
 */
export type SimulatedAccount = SimulatedHmacAccount | SimulatedEd25519Account;

/** An API key signed with HmacSHA256: the simulator holds its secret, as HTX does. */
export interface SimulatedHmacAccount extends SimulatedKeyBase {
  /** The secret it verifies signatures with. */
  secretKey: string;
  /** Absent: one key, one method. */
  publicKey?: undefined;
}

/** An API key signed with Ed25519: the simulator holds only the public half, as HTX does. */
export interface SimulatedEd25519Account extends SimulatedKeyBase {
  /**
   * The public key it verifies signatures with: SPKI PEM (`-----BEGIN PUBLIC KEY-----`, what
   * `openssl pkey -pubout` prints) or the raw 32 bytes as base64.
   */
  publicKey: string;
  /** Absent: one key, one method. */
  secretKey?: undefined;
}

/** What every simulated API key has, whichever way it signs. */
export interface SimulatedKeyBase {
  /** The user's UID: rate limits, accounts and orders are per UID. */
  uid: number;
  /** The AccessKeyId the simulator accepts. */
  accessKey: string;
  /** What the key may do; default both. A key without `trade` cannot cancel. */
  permissions?: readonly KeyPermission[];
  /** The caller IPs the key is bound to; default none, which allows any IP. */
  allowedIps?: readonly string[];
}

/** An account of a UID as `GET /v1/account/accounts` lists it. */
export interface SimulatedUserAccount {
  /** The UID it belongs to. */
  uid: number;
  /** The account id (digits; HTX writes it as a JSON number). */
  id: string;
  /** `spot`, `margin`, `otc`, `point`, `super-margin`, … */
  type: string;
  /** `working`, or `lock` for a locked account. */
  state: "working" | "lock";
  /** Default `""`. */
  subtype?: string;
}

/** A refusal an order gives to cancels, whatever its state (HTX's `base-record-invalid` race, …). */
export interface OrderRefusal {
  /** The per-order err-code of the `failed` entry, e.g. `base-record-invalid`. */
  errCode: string;
  /** Its err-msg; default a text for the known codes, else the code. */
  errMsg?: string;
  /** How many cancels it refuses before the order behaves normally; default every one. */
  times?: number;
}

/** An order the simulator knows. Only `uid`, `orderId` and `state` are required. */
export interface SimulatedOrder {
  /** The UID that owns the order. */
  uid: number;
  /** HTX's order id (digits; listings write it as a JSON number, never through a JS number). */
  orderId: string;
  /** The client order id, if the order has one. */
  clientOrderId?: string;
  /** The order's state now. */
  state: OrderStateName;
  /** Default `btcusdt`. */
  symbol?: string;
  /** HTX's order type, `<side>-<kind>`; default `buy-limit`. */
  type?: string;
  /** Decimal string; default `"1"`. */
  price?: string;
  /** Decimal string; default `"1"`. */
  amount?: string;
  /** Decimal string; default `"0"`. */
  filledAmount?: string;
  /** When it was placed (epoch ms, simulator clock); default when it was added. */
  createdAt?: number;
  /** When it became final (filled, canceled, …; epoch ms); default `createdAt`. */
  finalAt?: number;
  /** Its account id; default the UID's spot account. */
  accountId?: string;
  /** Makes cancels of this order fail (see {@link OrderRefusal}). */
  refuse?: OrderRefusal;
}

/** What the simulator can do to a request instead of, or besides, answering it. */
export type HtxFault =
  /** A slow answer: counted and applied on arrival, answered this many ms later (sooner rejected if the request's signal aborts, as fetch does). */
  | { type: "latency"; ms: number }
  /** No answer at all: counted and applied on arrival; the fetch settles only when the request's signal aborts. */
  | { type: "hang" }
  /** Break the connection, before or after the request is applied (outcome unknown to the client). */
  | { type: "drop"; after: boolean }
  /** An HTML page with this status (403 Cloudflare, 502/503 edge, 200 maintenance); nothing applied. */
  | { type: "html"; status: 200 | 403 | 502 | 503 }
  /** The request is applied, but the JSON answer is cut off mid-way. */
  | { type: "truncated-json" }
  /** HTTP 200 with an empty body; nothing applied. */
  | { type: "empty" }
  /** `{"status":"ok","data":null}`; nothing applied. */
  | { type: "null-data" }
  /** An error envelope with this code (e.g. `base-system-error`); nothing applied. */
  | { type: "envelope"; errCode: string; errMsg: string }
  /**
   * A listing page (`GET /v1/order/openOrders`) whose order at `index` (default 0) has `field`
   * set to `value` as written (e.g. `price: null`, `amount: 1.5`, `"created-at": "1630633835224"`),
   * or removed when `value` is absent. A page without that order, and every other endpoint,
   * answer as usual.
   */
  | { type: "order-field"; field: string; value?: string | number | boolean | null; index?: number };

/** What the simulator knows of a request when it asks a {@link FaultPlan}: which endpoint, which listing page. */
export interface FaultTarget {
  /** The endpoint the request is for; undefined for a path the simulator does not answer. */
  endpoint: SimulatedEndpoint | undefined;
  /** `GET /v1/order/openOrders`: its `symbol` parameter, if any. */
  symbol?: string;
  /**
   * `GET /v1/order/openOrders`: which page of a listing it asks for: 1 without `from`, k + 1
   * when `from` is the last id of page k of the same listing (same UID and filter) as served.
   * Undefined when `from` is no served page's last id. A retried page keeps its number.
   */
  page?: number;
}

/**
 * Chooses a fault for the n-th request (1-based), or none. The simulator always passes
 * `target`; it is optional so that a plan can be called on its own with a request and a count.
 */
export type FaultPlan = (request: Request, n: number, target?: FaultTarget) => HtxFault | undefined;

/** One rule of {@link faultsFor}: a fault, the requests it hits, how often. */
export interface FaultRule {
  /** What to do to a matching request. */
  fault: HtxFault;
  /** Only requests to this endpoint; default any. */
  endpoint?: SimulatedEndpoint;
  /** Only listings of this symbol (`GET /v1/order/openOrders?symbol=…`). */
  symbol?: string;
  /** Only this page of a listing (see {@link FaultTarget.page}). */
  page?: number;
  /** How many matching requests it hits, then none; default every one. */
  times?: number;
}

/**
 * Where each rate-limit window starts. HTX's alignment is undocumented: `sliding` (the
 * default) refuses whatever any alignment would, `epoch` uses multiples of the interval,
 * `first-request` starts a window with the first request after the last one ended (one
 * maintainer's observation), `random-offset` shifts epoch windows by `offsetMs`.
 */
export type WindowAlignment = "sliding" | "epoch" | "first-request" | "random-offset";

/** Rate limits per UID and endpoint, and how a refusal looks. */
export interface RateLimitOptions {
  /** Batch-cancel requests per window; default 50 (HTX: 50 per 2 s). `Infinity` for none. */
  limit?: number;
  /** `POST /v1/order/orders/batchCancelOpenOrders` per window, its own budget; default 50 (HTX: 50 per 2 s). */
  batchCancelOpenOrdersLimit?: number;
  /** `GET /v1/order/openOrders` per window; default 50. */
  openOrdersLimit?: number;
  /** `GET /v1/account/accounts` per window; default 100. */
  accountsLimit?: number;
  /** Window length in ms, every endpoint; default 2000. */
  intervalMs?: number;
  /** Default `sliding`, the least forgiving reading. */
  alignment?: WindowAlignment;
  /** With `random-offset`: the offset in ms (0 ≤ offset < intervalMs); default random per simulator. */
  offsetMs?: number;
  /** Refuse this many requests before the limit, while `X-HB-RateLimit-Requests-Remain` is above 0; default 0. */
  refuseEarly?: number;
  /** `X-HB-RateLimit-Requests-Expire` as epoch ms of the window's end (default) or ms remaining: HTX's unit is unknown. */
  expireHeader?: "epoch-ms" | "remaining-ms";
  /** `200` answers HTX's envelope (default), `429` an HTTP 429. */
  status?: 200 | 429;
  /** Which envelope: default `base-request-exceed-frequency-limit`, or `invalid-parameter` ("request limit"). */
  errCode?: "base-request-exceed-frequency-limit" | "invalid-parameter";
}

/** Options of `createHtxSimulator`. */
export interface HtxSimulatorOptions {
  /** API keys; default one demo key, `DEMO_ACCOUNT`. */
  accounts?: SimulatedAccount[];
  /** The UIDs' accounts; default one working spot account per UID (id `10000000 + uid`). Given, it is the whole list. */
  userAccounts?: SimulatedUserAccount[];
  /** Known orders; default none. */
  orders?: SimulatedOrder[];
  /** The simulator's clock, epoch ms; set it off from the caller's to test skew. Default `Date.now`. */
  now?: () => number;
  /** How far a request's Timestamp may be from the simulator's clock, either way; default 60_000 (the stricter documented value). */
  timestampWindowMs?: number;
  /** Per-UID, per-endpoint windows, counted by arrival. */
  rateLimit?: RateLimitOptions;
  /** Faults to inject, per request or by rate (see `faultsByRate`). */
  faults?: FaultPlan;
  /** How long an accepted cancel stays `cancelling` before it is `canceled`; default 100 ms. */
  cancelSettleMs?: number;
  /** Parameters `GET /v1/order/openOrders` requires (HTX's older docs and SDKs: both); default none (current docs). */
  openOrdersRequired?: readonly ("account-id" | "symbol")[];
  /**
   * The most orders one `GET /v1/order/openOrders` page holds, whatever `size` asks (1–500):
   * an HTX that answers short pages, so that a client which takes a page shorter than `size`
   * for the last one stops early. Default none (pages hold `size` orders).
   */
  openOrdersPageCap?: number;
  /**
   * `true`: `GET /v1/order/openOrders` ignores `symbol` and lists every symbol (hypothetical,
   * issue 24: with `openOrdersPageCap`, a client that trusts the filter misses orders). Default false.
   */
  openOrdersIgnoresSymbol?: boolean;
  /** The caller's IP when a call does not say (in-process calls, msw); default `127.0.0.1`. */
  defaultClientIp?: string;
  /**
   * The dead man's switch's `data`: `{ currentTime, triggerTime }` in ms (`"v2"`, default, HTX's
   * current docs) or two strings of seconds (`"array-2021"`, HTX's 2021 announcement).
   */
  cancelAllAfterAnswer?: "v2" | "array-2021";
  /** The dead man's switch's shortest timeout that arms, in s; default 5 (HTX's docs). Raise it to play an HTX that refuses more. */
  cancelAllAfterMinSeconds?: number;
}

/** The endpoints the simulator answers. */
export type SimulatedEndpoint =
  | "batch-cancel"
  | "batch-cancel-open-orders"
  | "open-orders"
  | "accounts"
  | "timestamp"
  | "cancel-all-after";

/** Counters of one endpoint. */
export interface EndpointStats {
  /** Requests to it. */
  requests: number;
  /** Requests refused because their UID's window for it was full. */
  rateLimitViolations: number;
  /** The most requests of one UID that passed the signature check within any span of `intervalMs`. */
  maxRequestsInWindow: number;
}

/** Counters for tests and benchmarks. */
export interface HtxSimulatorStats {
  /** Every request, on any path. */
  requests: number;
  /** Batch-cancel requests. */
  batchCancelRequests: number;
  /** Error envelopes and error statuses answered, by err-code (or `http-<status>`). */
  byErrCode: Record<string, number>;
  /**
   * Requests refused, by reason: `missing-auth`, `duplicate-parameter`, `unknown-key`,
   * `bad-signature`, `stale-timestamp`, `ip-not-allowed`, `permission`, `get-with-body`,
   * `content-type`, `malformed-json`, `bad-body`, `bad-parameter`, `missing-parameter`,
   * `unknown-account`, `rate-limit`.
   */
  rejections: Record<string, number>;
  /** Batch-cancel requests refused because their UID's window was full. */
  rateLimitViolations: number;
  /** Cancels accepted (orders moved to cancelling), by id and by criteria. */
  ordersCanceled: number;
  /** Of those, the ones `POST /v1/order/orders/batchCancelOpenOrders` made. */
  ordersCanceledByCriteria: number;
  /** Batch cancel: the most requests of one UID that arrived within any span of `intervalMs`. */
  maxRequestsInWindow: number;
  /** Faults injected, by type. */
  faults: Record<string, number>;
  /** Per endpoint. */
  byEndpoint: Record<SimulatedEndpoint, EndpointStats>;
}

/** How a server tells the simulator who called: Deno's `ServeHandlerInfo` shape, or an IP. */
export interface CallerInfo {
  /** The caller's IP, as a Node adapter, msw or a test knows it. */
  clientIp?: string;
  /** As `Deno.serve` passes it. */
  remoteAddr?: { hostname?: string };
  /** As `Bun.serve` passes its server. */
  requestIP?: (request: Request) => { address: string } | null;
}

/** A running simulator. */
export interface HtxSimulator {
  /**
   * The fake HTX API: a fetch handler (`fetch(request, info?)`, for `Deno.serve`, `Bun.serve`,
   * msw; `info` may tell the caller's IP, see {@link CallerInfo}) that also works as a `fetch`
   * function (`fetch(url, init)`, for `HtxClient`'s `fetch` option; `init.clientIp` is read too).
   */
  fetch(input: Request | string | URL, init?: RequestInit & CallerInfo): Promise<Response>;
  /** Live counters. */
  readonly stats: HtxSimulatorStats;
  /** Adds or replaces orders (by UID and order id). */
  addOrders(orders: readonly SimulatedOrder[]): void;
  /** Places a new open order as HTX would (a fresh id above every known one) and returns it. */
  placeOrder(order: { uid: number } & Partial<Omit<SimulatedOrder, "uid">>): SimulatedOrder;
  /** Removes every order. */
  clearOrders(): void;
  /** An order as it is now (settling `cancelling` by the clock), or undefined. */
  getOrder(uid: number, orderId: string): SimulatedOrder | undefined;
  /** The UID's orders that a listing shows now (open or `cancelling`), oldest first. */
  openOrders(uid: number): SimulatedOrder[];
  /** Sets every counter back to zero. */
  resetStats(): void;
  /** The trigger time (simulator clock, ms) of the UID's armed dead man's switch, or undefined (firing it if due). */
  cancelAllAfterTrigger(uid: number): number | undefined;
}
