/**
 * A fake HTX spot API as a plain fetch handler (web APIs only), so every runtime can serve it
 * and msw can wrap it. It answers `POST /v1/order/orders/batchcancel` and
 * `GET /v1/common/timestamp` the way htx-reference.md says HTX does. Where HTX's behaviour is
 * unconfirmed, the choice made here is named in a comment.
 */
import { ORDER_STATES, type OrderStateName } from "../schemas.ts";
import {
  constantTimeEqual,
  expectedSignature,
  importHmacKey,
  parseHtxTimestamp,
  readSignedQuery,
} from "./verify-signature.ts";

/** An API key of a simulated account (UID). */
export interface SimulatedAccount {
  /** The account's UID: rate limits and orders are per UID. */
  uid: number;
  /** The AccessKeyId the simulator accepts. */
  accessKey: string;
  /** The secret it verifies signatures with. */
  secretKey: string;
}

/** An order the simulator knows. */
export interface SimulatedOrder {
  /** The UID that owns the order. */
  uid: number;
  /** HTX's order id (digits). */
  orderId: string;
  /** The client order id, if the order has one. */
  clientOrderId?: string;
  /** The order's state now. */
  state: OrderStateName;
}

/** What the simulator can do to a request instead of, or besides, answering it. */
export type HtxFault =
  /** A slow answer: counted and applied on arrival, answered this many ms later. */
  | { type: "latency"; ms: number }
  /** Break the connection, before or after the cancel is applied (outcome unknown to the client). */
  | { type: "drop"; after: boolean }
  /** An HTML page with this status (403 Cloudflare, 502/503 edge, 200 maintenance); nothing applied. */
  | { type: "html"; status: 200 | 403 | 502 | 503 }
  /** The cancel is applied, but the JSON answer is cut off mid-way. */
  | { type: "truncated-json" }
  /** HTTP 200 with an empty body; nothing applied. */
  | { type: "empty" }
  /** An error envelope with this code (e.g. `base-system-error`); nothing applied. */
  | { type: "envelope"; errCode: string; errMsg: string };

/** Chooses a fault for the n-th request (1-based), or none. */
export type FaultPlan = (request: Request, n: number) => HtxFault | undefined;

/** Options of {@link createHtxSimulator}. */
export interface HtxSimulatorOptions {
  /** Default: one demo account, {@link DEMO_ACCOUNT}. */
  accounts?: SimulatedAccount[];
  /** Known orders; default none. */
  orders?: SimulatedOrder[];
  /** The simulator's clock, epoch ms; set it off from the caller's to test skew. Default `Date.now`. */
  now?: () => number;
  /** How far a request's Timestamp may be from the simulator's clock; default 60_000 (the stricter documented value). */
  timestampWindowMs?: number;
  /**
   * Per-UID fixed windows by arrival. `status: 200` answers HTX's envelope (default), `429` an
   * HTTP 429. `errCode` picks which of HTX's rate-limit envelopes: default
   * `base-request-exceed-frequency-limit`, or `invalid-parameter` ("request limit").
   */
  rateLimit?: {
    limit?: number;
    intervalMs?: number;
    status?: 200 | 429;
    errCode?: "base-request-exceed-frequency-limit" | "invalid-parameter";
  };
  /** Faults to inject, per request or by rate (see {@link faultsByRate}). */
  faults?: FaultPlan;
  /** How long an accepted cancel stays `cancelling` before it is `canceled`; default 100 ms. */
  cancelSettleMs?: number;
}

/** Counters for tests and benchmarks. */
export interface HtxSimulatorStats {
  /** Every request, on any path. */
  requests: number;
  /** Batch-cancel requests. */
  batchCancelRequests: number;
  /** Error envelopes and error statuses answered, by err-code (or `http-<status>`). */
  byErrCode: Record<string, number>;
  /** Requests refused, by reason: `missing-auth`, `unknown-key`, `bad-signature`, `stale-timestamp`, `content-type`, `malformed-json`, `bad-body`, `rate-limit`. */
  rejections: Record<string, number>;
  /** Requests refused because their UID's fixed window was full. */
  rateLimitViolations: number;
  /** Cancels accepted (orders moved to cancelling). */
  ordersCanceled: number;
  /** The most requests of one UID that arrived within any span of `intervalMs`. */
  maxRequestsInWindow: number;
  /** Faults injected, by type. */
  faults: Record<string, number>;
}

/** A running simulator. */
export interface HtxSimulator {
  /**
   * The fake HTX API: a fetch handler (`fetch(request)`, for `Deno.serve`, `Bun.serve`, msw;
   * further arguments are ignored) that also works as a `fetch` function (`fetch(url, init)`,
   * for `HtxClient`'s `fetch` option).
   */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** Live counters. */
  readonly stats: HtxSimulatorStats;
  /** Adds or replaces orders (by UID and order id). */
  addOrders(orders: readonly SimulatedOrder[]): void;
  /** Removes every order. */
  clearOrders(): void;
  /** An order as it is now (settling `cancelling` by the clock), or undefined. */
  getOrder(uid: number, orderId: string): SimulatedOrder | undefined;
  /** Sets every counter back to zero. */
  resetStats(): void;
}

/** The account the simulator knows by default, for demos and tests. */
export const DEMO_ACCOUNT: SimulatedAccount = Object.freeze({
  uid: 1,
  accessKey: "demo-access-key",
  secretKey: "demo-secret-key",
});

const BATCH_CANCEL_PATH = "/v1/order/orders/batchcancel";
const TIMESTAMP_PATH = "/v1/common/timestamp";
const STATE_CODES = Object.fromEntries(
  Object.entries(ORDER_STATES).map(([code, name]) => [name, Number(code)]),
) as Record<OrderStateName, number>;
const CANCELLABLE = new Set<OrderStateName>(["created", "submitted", "partial-filled"]);
const MAX_IDS = 50;

// HTX's err-msg texts where the reference gives them; the others are illustrative.
const MSG = {
  unknownKey: "Signature not valid: Incorrect Access key [Access key错误]",
  badSignature: "Signature not valid: Verification failure [校验失败]",
  stale: "Signature not valid: Invalid submission time or incorrect time format [无效的提交时间，或时间格式错误]",
  missingAuth:
    "Signature parameters are missing: AccessKeyId, SignatureMethod, SignatureVersion, Timestamp and Signature are required.",
  badMethod: "Signature not valid: SignatureMethod must be HmacSHA256 and SignatureVersion 2",
  gateway: "gateway internal error",
  rateLimit: "The number of requests exceeds the limit, please try again later.",
  requestLimit: "invalid request limit",
  empty: "The order id list is empty.",
} as const;

const HTML_PAGES: Record<number, string> = {
  200:
    "<!DOCTYPE html><html><head><title>HTX</title></head><body><h1>System maintenance</h1><p>We will be back soon.</p></body></html>",
  403:
    "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been blocked</h1><p>Cloudflare Ray ID: 7f00000000000000</p></body></html>",
  502: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
  503:
    "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>",
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function emptyStats(): HtxSimulatorStats {
  return {
    requests: 0,
    batchCancelRequests: 0,
    byErrCode: {},
    rejections: {},
    rateLimitViolations: 0,
    ordersCanceled: 0,
    maxRequestsInWindow: 0,
    faults: {},
  };
}

interface StoredOrder extends SimulatedOrder {
  /** When a cancel was accepted (simulator clock), while `cancelling`. */
  cancelAt?: number;
  /** The state the order settles to once the cancel is done. */
  settlesTo?: OrderStateName;
}

/**
 * Creates a simulator of HTX's batch-cancel endpoint.
 *
 * @example
 * ```ts
 * const sim = createHtxSimulator({ orders: [{ uid: 1, orderId: "1001", state: "submitted" }] });
 * const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: "http://127.0.0.1", fetch: sim.fetch });
 * await htx.batchCancel({ orderIds: ["1001"] }); // { success: ["1001"], failed: [], unresolved: [] }
 * ```
 */
export function createHtxSimulator(options: HtxSimulatorOptions = {}): HtxSimulator {
  const accounts = new Map((options.accounts ?? [DEMO_ACCOUNT]).map((a) => [a.accessKey, a]));
  const hmacKeys = new Map<string, Promise<CryptoKey>>(); // by AccessKeyId, imported on first use
  const now = options.now ?? Date.now;
  const windowMs = options.timestampWindowMs ?? 60_000;
  const limit = options.rateLimit?.limit ?? 50;
  const intervalMs = options.rateLimit?.intervalMs ?? 2000;
  const limitStatus = options.rateLimit?.status ?? 200;
  const limitCode = options.rateLimit?.errCode ?? "base-request-exceed-frequency-limit";
  const settleMs = options.cancelSettleMs ?? 100;
  const orders = new Map<string, StoredOrder>(); // by `${uid}:${orderId}`
  const byClientId = new Map<string, StoredOrder>(); // by `${uid}:${clientOrderId}`
  const windows = new Map<number, Map<number, number>>(); // per UID: window start → requests admitted
  const arrivals = new Map<number, number[]>(); // per UID: recent arrival times, sorted
  let stats = emptyStats();
  let n = 0;

  const bump = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);

  function addOrders(list: readonly SimulatedOrder[]): void {
    for (const order of list) {
      const stored: StoredOrder = { ...order };
      orders.set(`${order.uid}:${order.orderId}`, stored);
      if (order.clientOrderId) byClientId.set(`${order.uid}:${order.clientOrderId}`, stored);
    }
  }

  /** Settles a cancel whose time has come: cancelling → canceled (or partial-canceled). */
  function settle(order: StoredOrder): StoredOrder {
    if (order.state === "cancelling" && order.cancelAt !== undefined && now() - order.cancelAt >= settleMs) {
      order.state = order.settlesTo ?? "canceled";
      delete order.cancelAt;
      delete order.settlesTo;
    }
    return order;
  }

  const windowStart = (t: number) => Math.floor(t / intervalMs) * intervalMs;

  function json(body: unknown, rate?: { uid: number; at: number }, status = 200): Response {
    const headers = new Headers({ "Content-Type": "application/json;charset=utf-8" });
    if (rate) {
      const start = windowStart(rate.at);
      const used = windows.get(rate.uid)?.get(start) ?? 0;
      headers.set("X-HB-RateLimit-Requests-Remain", String(Math.max(0, limit - used)));
      // Absolute epoch ms of the window's end (HTX's own unit is unconfirmed; this is one reading).
      headers.set("X-HB-RateLimit-Requests-Expire", String(start + intervalMs));
    }
    return new Response(JSON.stringify(body), { status, headers });
  }

  /** HTX's error envelope: most carry `data: null`, some `ts` and no `data` (htx-reference.md). */
  function envelope(errCode: string, errMsg: string, rate?: { uid: number; at: number }, withTs = false): Response {
    bump(stats.byErrCode, errCode);
    const tail = withTs ? { ts: now() } : { data: null };
    return json({ status: "error", "err-code": errCode, "err-msg": errMsg, ...tail }, rate);
  }

  function reject(reason: string, errCode: string, errMsg: string, rate?: { uid: number; at: number }): Response {
    bump(stats.rejections, reason);
    return envelope(errCode, errMsg, rate);
  }

  function html(status: number, page: string): Response {
    if (status !== 200) bump(stats.byErrCode, `http-${status}`);
    return new Response(page, { status, headers: { "Content-Type": "text/html" } });
  }

  /** Verifies Signature V2; returns the account, or the answer that refuses the request. */
  async function authenticate(request: Request, url: URL): Promise<SimulatedAccount | Response> {
    const rawQuery = request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "";
    const query = readSignedQuery(rawQuery.split("#")[0]!);
    const p = query?.params;
    if (
      !query || !p?.get("AccessKeyId") || !p.get("SignatureMethod") || !p.get("SignatureVersion") ||
      !p.get("Timestamp") || !query.signature
    ) {
      return reject("missing-auth", "login-required", MSG.missingAuth);
    }
    const account = accounts.get(p.get("AccessKeyId")!);
    if (!account) return reject("unknown-key", "api-signature-not-valid", MSG.unknownKey);
    if (p.get("SignatureMethod") !== "HmacSHA256" || p.get("SignatureVersion") !== "2") {
      return reject("bad-signature", "api-signature-not-valid", MSG.badMethod);
    }
    const sentAt = parseHtxTimestamp(p.get("Timestamp")!);
    if (sentAt === undefined || Math.abs(now() - sentAt) > windowMs) {
      return reject("stale-timestamp", "api-signature-not-valid", MSG.stale);
    }
    let key = hmacKeys.get(account.accessKey);
    if (!key) hmacKeys.set(account.accessKey, key = importHmacKey(account.secretKey));
    const expected = await expectedSignature(await key, request.method, url.host, url.pathname, p);
    if (!constantTimeEqual(expected, query.signature)) {
      return reject("bad-signature", "api-signature-not-valid", MSG.badSignature);
    }
    return account;
  }

  /**
   * Counts a request in its UID's fixed window by the time it arrived (not when its signature
   * check finished); false when that window was already full.
   */
  function admit(uid: number, at: number): boolean {
    const recent = arrivals.get(uid) ?? [];
    let i = recent.length;
    while (i > 0 && recent[i - 1]! > at) i--;
    recent.splice(i, 0, at);
    while (recent.length > 0 && recent.at(-1)! - recent[0]! >= 2 * intervalMs) recent.shift();
    arrivals.set(uid, recent);
    for (let lo = 0, hi = 0; hi < recent.length; hi++) {
      while (recent[hi]! - recent[lo]! >= intervalMs) lo++;
      stats.maxRequestsInWindow = Math.max(stats.maxRequestsInWindow, hi - lo + 1);
    }
    const counts = windows.get(uid) ?? new Map<number, number>();
    windows.set(uid, counts);
    const start = windowStart(at);
    for (const old of counts.keys()) if (old < start - 2 * intervalMs) counts.delete(old);
    const used = counts.get(start) ?? 0;
    if (used >= limit) return false;
    counts.set(start, used + 1);
    return true;
  }

  /** Checks the body as HTX does; returns the ids, or the answer that refuses them. */
  function readBody(
    text: string,
    rate: { uid: number; at: number },
  ): { kind: "order" | "client"; ids: string[] } | Response {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return reject("malformed-json", "gateway-internal-error", MSG.gateway, rate);
    }
    const record = (typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}) as Record<
      string,
      unknown
    >;
    const hasOrder = "order-ids" in record;
    const hasClient = "client-order-ids" in record;
    // HTX's answers to both keys, no key, >50 ids and non-string ids are unconfirmed: these
    // are the codes HTX uses for the same mistakes elsewhere.
    if (hasOrder && hasClient) {
      return reject("bad-body", "bad-request", "Only one of order-ids and client-order-ids may be given.", rate);
    }
    if (!hasOrder && !hasClient) {
      return reject(
        "bad-body",
        "validation-constraints-required",
        "Field is missing: order-ids or client-order-ids.",
        rate,
      );
    }
    const ids = record[hasOrder ? "order-ids" : "client-order-ids"];
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) {
      return reject("bad-body", "validation-format-error", "Ids must be an array of strings.", rate);
    }
    if (ids.length === 0) return reject("bad-body", "batchcancel-order-id-list-empty", MSG.empty, rate);
    if (ids.length > MAX_IDS) {
      return reject("bad-body", "bad-request", `At most ${MAX_IDS} ids may be canceled per request.`, rate);
    }
    return { kind: hasOrder ? "order" : "client", ids: ids as string[] };
  }

  /** Applies the cancel of each id and builds HTX's `data`. */
  function cancel(uid: number, kind: "order" | "client", ids: string[]) {
    const success: string[] = [];
    const failed: Record<string, unknown>[] = [];
    for (const id of ids) {
      const found = (kind === "order" ? orders : byClientId).get(`${uid}:${id}`);
      // Known orders name their client id (null when they have none), unknown ones do not.
      const ids = kind === "client"
        ? { "order-id": "", "client-order-id": id }
        : found
        ? { "order-id": id, "client-order-id": found.clientOrderId ?? null }
        : { "order-id": id };
      if (!found) {
        failed.push({ ...ids, "err-code": "base-not-found", "err-msg": "The record is not found." });
        continue;
      }
      const order = settle(found);
      if (CANCELLABLE.has(order.state)) {
        order.settlesTo = order.state === "partial-filled" ? "partial-canceled" : "canceled";
        order.state = "cancelling";
        order.cancelAt = now();
        stats.ordersCanceled++;
        success.push(id);
      } else {
        failed.push({
          ...ids,
          "err-code": "order-orderstate-error",
          "err-msg": "Incorrect order state",
          "order-state": STATE_CODES[order.state],
        });
      }
    }
    return { success, failed };
  }

  async function batchCancel(request: Request, url: URL, fault: HtxFault | undefined, at: number): Promise<Response> {
    stats.batchCancelRequests++;
    const auth = await authenticate(request, url);
    if (auth instanceof Response) return auth;
    const { uid } = auth;
    const rate = { uid, at };
    if (!admit(uid, at)) {
      stats.rateLimitViolations++;
      bump(stats.rejections, "rate-limit");
      if (limitStatus === 429) {
        bump(stats.byErrCode, "http-429");
        const headers = json(null, rate).headers;
        headers.set("Content-Type", "text/plain");
        return new Response("Too Many Requests", { status: 429, headers });
      }
      return limitCode === "invalid-parameter"
        ? envelope("invalid-parameter", MSG.requestLimit, rate, true)
        : envelope(limitCode, MSG.rateLimit, rate);
    }
    const contentType = request.headers.get("content-type") ?? "";
    if (!/^application\/json\b/i.test(contentType)) {
      return reject("content-type", "gateway-internal-error", MSG.gateway, rate);
    }
    const body = readBody(await request.text(), rate);
    if (body instanceof Response) return body;
    if (fault?.type === "html") return html(fault.status, HTML_PAGES[fault.status]!);
    if (fault?.type === "empty") {
      return new Response("", { status: 200, headers: { "Content-Type": "application/json" } });
    }
    if (fault?.type === "envelope") return envelope(fault.errCode, fault.errMsg, rate, true);
    if (fault?.type === "drop" && !fault.after) throw new TypeError("simulated connection drop (before the cancel)");
    const data = cancel(uid, body.kind, body.ids);
    if (fault?.type === "drop") throw new TypeError("simulated connection drop (after the cancel)");
    const answer = json({ status: "ok", data }, rate);
    if (fault?.type === "truncated-json") {
      const text = await answer.text();
      return new Response(text.slice(0, Math.floor(text.length / 2)), { status: 200, headers: answer.headers });
    }
    return answer;
  }

  async function handle(request: Request): Promise<Response> {
    const arrivedAt = now();
    stats.requests++;
    const url = new URL(request.url);
    const fault = options.faults?.(request, ++n);
    if (fault) {
      bump(
        stats.faults,
        fault.type === "drop"
          ? (fault.after ? "drop-after" : "drop-before")
          : fault.type === "html"
          ? `html-${fault.status}`
          : fault.type,
      );
    }
    const answer = route(request, url, fault, arrivedAt);
    if (fault?.type === "latency") {
      // Settle first (errors included), so a late answer never changes when the request counted.
      await answer.catch(() => {});
      await sleep(fault.ms);
    }
    return answer;
  }

  function route(request: Request, url: URL, fault: HtxFault | undefined, at: number): Promise<Response> {
    if (url.pathname === TIMESTAMP_PATH && request.method === "GET") {
      return Promise.resolve(json({ status: "ok", data: now() }));
    }
    if (url.pathname === BATCH_CANCEL_PATH && request.method === "POST") return batchCancel(request, url, fault, at);
    bump(stats.byErrCode, "http-405");
    return Promise.resolve(new Response("Method Not Allowed", { status: 405 }));
  }

  addOrders(options.orders ?? []);
  return {
    // A server calls handlers with extras (Bun: the server, Deno: connection info), and a
    // Request may come from another realm (miniflare's undici): anything but a URL is taken as
    // the request; only a URL is combined with `init`, as fetch does.
    fetch: (input, init) =>
      handle(typeof input === "string" || input instanceof URL ? new Request(input, init) : input),
    get stats() {
      return stats;
    },
    addOrders,
    clearOrders() {
      orders.clear();
      byClientId.clear();
    },
    getOrder(uid, orderId) {
      const order = orders.get(`${uid}:${orderId}`);
      if (!order) return undefined;
      const { uid: u, orderId: id, clientOrderId, state } = settle(order);
      return { uid: u, orderId: id, ...(clientOrderId ? { clientOrderId } : {}), state };
    },
    resetStats() {
      stats = emptyStats();
    },
  };
}

/** Rates (0 to 1) of each fault, drawn per request from a seeded generator (repeatable runs). */
export interface FaultRates {
  /** Connections dropped before the cancel is applied. */
  dropBefore?: number;
  /** Connections dropped after the cancel is applied. */
  dropAfter?: number;
  /** 502 HTML pages. */
  html502?: number;
  /** 503 HTML pages. */
  html503?: number;
  /** 403 Cloudflare pages. */
  html403?: number;
  /** HTML pages with HTTP 200. */
  html200?: number;
  /** JSON answers cut off (the cancel applied). */
  truncatedJson?: number;
  /** Empty 200 answers. */
  empty?: number;
  /** With `latencyMs`: the share of requests that are slow. */
  slow?: number;
  /** How slow a slow answer is, in ms (default 0). */
  latencyMs?: number;
}

/**
 * A {@link FaultPlan} that injects faults at the given rates, only on batch-cancel requests.
 * The same seed gives the same faults in the same order.
 */
export function faultsByRate(rates: FaultRates, seed = 1): FaultPlan {
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: small, seedable, good enough to spread faults.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const table: [number | undefined, HtxFault][] = [
    [rates.dropBefore, { type: "drop", after: false }],
    [rates.dropAfter, { type: "drop", after: true }],
    [rates.html502, { type: "html", status: 502 }],
    [rates.html503, { type: "html", status: 503 }],
    [rates.html403, { type: "html", status: 403 }],
    [rates.html200, { type: "html", status: 200 }],
    [rates.truncatedJson, { type: "truncated-json" }],
    [rates.empty, { type: "empty" }],
    [rates.slow, { type: "latency", ms: rates.latencyMs ?? 0 }],
  ];
  return (request) => {
    if (!new URL(request.url).pathname.endsWith("/batchcancel")) return undefined;
    let roll = random();
    for (const [rate, fault] of table) {
      if (!rate) continue;
      if (roll < rate) return fault;
      roll -= rate;
    }
    return undefined;
  };
}
