/**
 * What every route shares: the request as the router saw it, and the gate of the private
 * endpoints (a GET with a body, the signature, the key's IP and permission, the rate limit).
 */
import { htmlAnswer, MSG, type RateHeaders } from "../answers.ts";
import { authenticate, type Caller, checkAccess, isRefusal } from "../auth.ts";
import { bump, rateLimited, refuse, type SimulatorContext } from "../context.ts";
import type { LimitedEndpoint } from "../limits.ts";
import type { FaultTarget, HtxFault, KeyPermission, SimulatedEndpoint } from "../types.ts";

/** One request, as the router hands it to a route. */
export interface RouteRequest {
  request: Request;
  url: URL;
  /** Arrival time on the simulator's clock: what the rate limit counts. */
  at: number;
  /** The caller's IP (see `CallerInfo`). */
  clientIp: string;
  fault: HtxFault | undefined;
  /** What the fault plan was told of the request (its listing page, …). */
  target: FaultTarget;
}

/** A method and path, and how the simulator answers them. */
export interface Route {
  method: "GET" | "POST";
  path: string;
  endpoint: SimulatedEndpoint;
  handle(ctx: SimulatorContext, req: RouteRequest): Promise<Response>;
}

/** A request past the gate: who sent it, and its rate-limit headers. */
export interface Admitted {
  caller: Caller;
  rate: RateHeaders;
}

/** A GET that carries a body: HTX's edge answers 403 (docs/htx-notes.md, "Listing accounts and open orders"). */
function hasBody(request: Request): boolean {
  const length = Number(request.headers.get("content-length") ?? 0);
  return request.body !== null || length > 0 || request.headers.has("transfer-encoding");
}

/** The gate of a private endpoint: refuses the request, or tells who sent it. */
export async function admitPrivate(
  ctx: SimulatorContext,
  req: RouteRequest,
  endpoint: LimitedEndpoint,
  needs: KeyPermission,
): Promise<Admitted | Response> {
  if (req.request.method === "GET" && hasBody(req.request)) {
    bump(ctx.stats.rejections, "get-with-body");
    bump(ctx.stats.byErrCode, "http-403");
    return htmlAnswer(403);
  }
  const caller = await authenticate(req.request, req.url, ctx.ring);
  if (isRefusal(caller)) return refuse(ctx, caller);
  const denied = checkAccess(caller.key, needs, req.clientIp);
  if (denied) return refuse(ctx, denied);
  const admission = ctx.windows.admit(endpoint, caller.key.uid, req.at);
  const counters = ctx.stats.byEndpoint[endpoint];
  counters.maxRequestsInWindow = Math.max(counters.maxRequestsInWindow, admission.busiest);
  if (endpoint === "batch-cancel") ctx.stats.maxRequestsInWindow = counters.maxRequestsInWindow;
  if (!admission.admitted) return rateLimited(ctx, endpoint, admission.rate);
  return { caller, rate: admission.rate };
}

/** The business parameters of a signed query: everything but the four auth parameters. */
export function businessParams(params: Map<string, string>): Map<string, string> {
  const auth = new Set(["AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp"]);
  return new Map([...params].filter(([name]) => !auth.has(name)));
}

/** A POST whose Content-Type is not JSON: HTX's gateway answers `gateway-internal-error` (docs/htx-notes.md, "The endpoint"). */
export function notJson(ctx: SimulatorContext, req: RouteRequest, rate: RateHeaders): Response | undefined {
  const contentType = req.request.headers.get("content-type") ?? "";
  if (/^application\/json\b/i.test(contentType)) return undefined;
  return refuse(ctx, { reason: "content-type", errCode: "gateway-internal-error", errMsg: MSG.gateway }, rate);
}
