/**
 * What the routes share: the key ring, the accounts, the order book, the rate windows and the
 * counters, plus the answers that count themselves (every error envelope and refusal lands in
 * `stats`).
 */
import { envelopeBody, jsonAnswer, MSG, type RateHeaders, setRateHeaders } from "./answers.ts";
import type { KeyRing, Refusal } from "./auth.ts";
import { type LimitedEndpoint, RateWindows } from "./limits.ts";
import { defaultSpotAccountId, type ResolvedOptions } from "./options.ts";
import { ListingPages } from "./pages.ts";
import { type OrderAccounts, OrderStore } from "./store.ts";
import type { EndpointStats, HtxSimulatorStats, SimulatedEndpoint, SimulatedUserAccount } from "./types.ts";

/** The simulator's state, shared by its routes. */
export interface SimulatorContext {
  options: ResolvedOptions;
  now: () => number;
  ring: KeyRing;
  userAccounts: readonly SimulatedUserAccount[];
  store: OrderStore;
  windows: RateWindows;
  /** The listing pages served, for faults that target a page. */
  pages: ListingPages;
  /** Replaced by `resetStats`: read it from the context each time. */
  stats: HtxSimulatorStats;
}

const ENDPOINTS: SimulatedEndpoint[] = [
  "batch-cancel",
  "batch-cancel-open-orders",
  "open-orders",
  "accounts",
  "timestamp",
  "cancel-all-after",
];

/** Counters at zero. */
export function emptyStats(): HtxSimulatorStats {
  const endpoint = (): EndpointStats => ({ requests: 0, rateLimitViolations: 0, maxRequestsInWindow: 0 });
  return {
    requests: 0,
    batchCancelRequests: 0,
    byErrCode: {},
    rejections: {},
    rateLimitViolations: 0,
    ordersCanceled: 0,
    ordersCanceledByCriteria: 0,
    maxRequestsInWindow: 0,
    faults: {},
    byEndpoint: Object.fromEntries(ENDPOINTS.map((name) => [name, endpoint()])) as HtxSimulatorStats["byEndpoint"],
  };
}

/** Builds the shared state from resolved options. */
export function createContext(options: ResolvedOptions): SimulatorContext {
  const { now, userAccounts } = options;
  const ofUid = (uid: number) => userAccounts.filter((a) => a.uid === uid);
  // An order placed without an account goes to the first working spot account (HTX takes
  // no orders in a locked one), else the first spot account, else the default id.
  const accounts: OrderAccounts = {
    defaultOf: (uid) => {
      const spot = ofUid(uid).filter((a) => a.type === "spot");
      return (spot.find((a) => a.state === "working") ?? spot[0])?.id ?? defaultSpotAccountId(uid);
    },
    idsOf: (uid) => ofUid(uid).map((a) => a.id),
  };
  return {
    options,
    now,
    ring: {
      keys: new Map(options.keys.map((key) => [key.accessKey, key])),
      imported: new Map(),
      now,
      timestampWindowMs: options.timestampWindowMs,
    },
    userAccounts,
    store: new OrderStore(now, options.cancelSettleMs, accounts),
    windows: new RateWindows(options.windows),
    pages: new ListingPages(),
    stats: emptyStats(),
  };
}

/** Adds one to a counter. */
export function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** An error envelope, counted by err-code; `withTs` for the variant with `ts` and no `data`. */
export function envelope(
  ctx: SimulatorContext,
  errCode: string,
  errMsg: string,
  rate?: RateHeaders,
  withTs = false,
): Response {
  bump(ctx.stats.byErrCode, errCode);
  return jsonAnswer(envelopeBody(errCode, errMsg, withTs ? ctx.now() : undefined), rate);
}

/** A refused request: counted by reason and answered with its envelope. */
export function refuse(ctx: SimulatorContext, refusal: Refusal, rate?: RateHeaders): Response {
  bump(ctx.stats.rejections, refusal.reason);
  return envelope(ctx, refusal.errCode, refusal.errMsg, rate);
}

/** A request over its UID's budget for `endpoint`: HTX's envelope, or an HTTP 429 if configured. */
export function rateLimited(ctx: SimulatorContext, endpoint: LimitedEndpoint, rate: RateHeaders): Response {
  const { stats, options } = ctx;
  stats.byEndpoint[endpoint].rateLimitViolations++;
  if (endpoint === "batch-cancel") stats.rateLimitViolations++;
  bump(stats.rejections, "rate-limit");
  if (options.limitStatus === 429) {
    bump(stats.byErrCode, "http-429");
    const headers = new Headers({ "Content-Type": "text/plain" });
    setRateHeaders(headers, rate);
    return new Response("Too Many Requests", { status: 429, headers });
  }
  return options.limitErrCode === "invalid-parameter"
    ? envelope(ctx, "invalid-parameter", MSG.requestLimit, rate, true)
    : envelope(ctx, options.limitErrCode, MSG.rateLimit, rate);
}
