/**
 * A fake HTX spot API as a plain fetch handler (web APIs only), so every runtime can serve it
 * and msw can wrap it: a router over small routes (timestamp, accounts, open orders, batch
 * cancel, cancel by criteria) that share the key ring, accounts, order book and rate windows. It behaves as
 * docs/htx-notes.md says HTX does; where HTX is undocumented, the module that decides says so
 * and picks the strict reading (docs/testing.md lists them).
 */
import { bump, createContext, emptyStats, type SimulatorContext } from "./context.ts";
import { faultName } from "./faults.ts";
import { resolveOptions } from "./options.ts";
import { accountsRoute } from "./routes/accounts.ts";
import { batchCancelRoute } from "./routes/batch-cancel.ts";
import { armedTrigger, cancelAllAfterRoute, fireDueSwitches } from "./routes/cancel-all-after.ts";
import { batchCancelOpenOrdersRoute } from "./routes/batch-cancel-open-orders.ts";
import { openOrdersRoute } from "./routes/open-orders.ts";
import type { Route, RouteRequest } from "./routes/route.ts";
import { timestampRoute } from "./routes/timestamp.ts";
import type { CallerInfo, FaultTarget, HtxFault, HtxSimulator, HtxSimulatorOptions } from "./types.ts";

export { DEMO_ACCOUNT } from "./options.ts";
export { type FaultRates, faultsByRate, faultsFor } from "./faults.ts";
export type * from "./types.ts";

const ROUTES: readonly Route[] = [
  timestampRoute,
  accountsRoute,
  openOrdersRoute,
  batchCancelRoute,
  cancelAllAfterRoute,
  batchCancelOpenOrdersRoute,
];

/**
 * The caller's IP: from `clientIp` (our Node adapter, msw, a test), Deno's `remoteAddr`, or
 * Bun's `server.requestIP(request)`; else the default (`127.0.0.1`, an in-process call).
 */
function callerIp(request: Request, info: unknown, fallback: string): string {
  if (typeof info !== "object" || info === null) return fallback;
  const caller = info as CallerInfo;
  if (typeof caller.clientIp === "string") return caller.clientIp;
  if (typeof caller.remoteAddr?.hostname === "string") return caller.remoteAddr.hostname;
  if (typeof caller.requestIP === "function") return caller.requestIP(request)?.address ?? fallback;
  return fallback;
}

/** The route of a request: its method and path. */
function routeOf(request: Request, url: URL): Route | undefined {
  return ROUTES.find((r) => r.path === url.pathname && r.method === request.method);
}

/** What a fault plan is told of a request: its endpoint and, for a listing, its symbol and page. */
function faultTarget(ctx: SimulatorContext, found: Route | undefined, url: URL): FaultTarget {
  const endpoint = found?.endpoint;
  if (endpoint !== "open-orders") return { endpoint };
  const uid = ctx.ring.keys.get(url.searchParams.get("AccessKeyId") ?? "")?.uid;
  const symbol = url.searchParams.get("symbol") || undefined;
  return { endpoint, symbol, page: ctx.pages.pageOf(uid, url.searchParams) };
}

function route(ctx: SimulatorContext, found: Route | undefined, req: RouteRequest): Promise<Response> {
  if (!found) {
    bump(ctx.stats.byErrCode, "http-405");
    return Promise.resolve(new Response("Method Not Allowed", { status: 405 }));
  }
  ctx.stats.byEndpoint[found.endpoint].requests++;
  return found.handle(ctx, req);
}

/** Waits `ms` (forever when Infinity), or rejects with the signal's reason when it aborts, as fetch does. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    function done() {
      signal.removeEventListener("abort", aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener("abort", aborted, { once: true });
  });
}

/**
 * Creates a simulator of HTX's spot endpoints for cancelling orders.
 *
 * @example
 * ```ts
 * const sim = createHtxSimulator({ orders: [{ uid: 1, orderId: "1001", state: "submitted" }] });
 * const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: "http://127.0.0.1", fetch: sim.fetch });
 * await htx.batchCancel({ orderIds: ["1001"] }); // { success: ["1001"], failed: [], unresolved: [] }
 * ```
 */
export function createHtxSimulator(options: HtxSimulatorOptions = {}): HtxSimulator {
  const resolved = resolveOptions(options);
  const ctx = createContext(resolved);
  let n = 0;

  async function handle(request: Request, info: unknown): Promise<Response> {
    // fetch never sends a request whose signal has already aborted: neither does HTX see it.
    if (request.signal.aborted) throw request.signal.reason;
    const at = ctx.now();
    fireDueSwitches(ctx); // a dead man's switch whose trigger time passed fires first
    ctx.stats.requests++;
    const url = new URL(request.url);
    const found = routeOf(request, url);
    const target = faultTarget(ctx, found, url);
    const fault: HtxFault | undefined = options.faults?.(request, ++n, target);
    if (fault) bump(ctx.stats.faults, faultName(fault));
    const clientIp = callerIp(request, info, resolved.defaultClientIp);
    const answer = route(ctx, found, { request, url, at, clientIp, fault, target });
    if (fault?.type === "latency" || fault?.type === "hang") {
      // Settle first (errors included), so a late answer never changes when the request counted.
      await answer.catch(() => {});
      await pause(fault.type === "hang" ? Infinity : fault.ms, request.signal);
    }
    return answer;
  }

  ctx.store.add(options.orders ?? []);
  return {
    // A server calls handlers with extras (Bun: the server, Deno: connection info), and a
    // Request may come from another realm (miniflare's undici): anything but a string or URL
    // is taken as the request; only those are combined with `init`, as fetch does.
    fetch: (input, init) =>
      typeof input === "string" || input instanceof URL ? handle(new Request(input, init), init) : handle(input, init),
    get stats() {
      return ctx.stats;
    },
    addOrders: (orders) => ctx.store.add(orders),
    placeOrder: (order) => ctx.store.place(order),
    clearOrders: () => ctx.store.clear(),
    getOrder: (uid, orderId) => (fireDueSwitches(ctx), ctx.store.get(uid, orderId)),
    openOrders: (uid) => (fireDueSwitches(ctx), ctx.store.listed(uid).map((o) => ctx.store.get(uid, o.orderId)!)),
    cancelAllAfterTrigger: (uid) => armedTrigger(ctx, uid),
    resetStats() {
      ctx.stats = emptyStats();
    },
  };
}
