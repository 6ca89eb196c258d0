/**
 * A kill switch as a Cloudflare Worker, both routes with `Authorization: Bearer
 * <KILL_SWITCH_TOKEN>` and answering the full result as JSON:
 * - `POST /cancel` with `{ "orderIds": [...] }` (or `clientOrderIds`) cancels those orders,
 *   every id accounted for;
 * - `POST /cancel-all` with `{}` or `{ "symbols": [...], "side": "buy" | "sell" }` cancels every
 *   open spot order (of those symbols, that side), lists again until none is left, and says
 *   whether the book was confirmed empty (`confirmedEmpty`) and what is still open.
 * Keys come from Worker secrets: the access key, and either the HmacSHA256 secret or an
 * Ed25519 private key (the PEM text; HTX then holds only its public half: docs/ed25519.md):
 *
 *   wrangler secret put HTX_ACCESS_KEY
 *   wrangler secret put HTX_SECRET_KEY                    (HmacSHA256), or
 *   wrangler secret put HTX_PRIVATE_KEY < htx-ed25519.pem (Ed25519)
 *   wrangler secret put KILL_SWITCH_TOKEN
 *
 * Its requests share the account's budgets, one per HTX endpoint (batch cancel, open orders,
 * accounts), with every other Worker bound to the same HtxRateLimitObject, which this Worker
 * owns (wrangler.toml; docs/cloudflare.md). The header `X-Rate-Limit-Budget` says whether every
 * request used the shared budgets.
 */
import { type Credentials, HtxClient, HtxError, HtxInputError } from "htx-batch-cancel";
import {
  durableObjectLimiter,
  type DurableObjectNamespaceLike,
  type DurableObjectRateLimiter,
  type HtxEndpoint,
} from "htx-batch-cancel/cloudflare";

export { HtxRateLimitObject } from "htx-batch-cancel/cloudflare";

export interface Env {
  HTX_ACCESS_KEY: string;
  /** The HmacSHA256 secret; or set HTX_PRIVATE_KEY instead. */
  HTX_SECRET_KEY?: string;
  /** An Ed25519 private key, PEM PKCS#8 text; or set HTX_SECRET_KEY instead. */
  HTX_PRIVATE_KEY?: string;
  KILL_SWITCH_TOKEN: string;
  /** The account's UID (digits): one budget per UID, shared by all its keys. */
  HTX_UID: string;
  /** The HtxRateLimitObject namespace (wrangler.toml). */
  HTX_LIMITER: DurableObjectNamespaceLike;
  /** Optional: another HTX host, e.g. https://api-aws.huobi.pro. */
  HTX_BASE_URL?: string;
}

interface Context {
  waitUntil(promise: Promise<unknown>): void;
}

const encoder = new TextEncoder();

/** Compares two strings in constant time, by their SHA-256 digests (equal lengths, no early exit). */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([given, expected].map((s) => crypto.subtle.digest("SHA-256", encoder.encode(s))));
  const x = new Uint8Array(a!);
  const y = new Uint8Array(b!);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

function problem(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}

const ROUTES: Record<string, string> = {
  "/cancel": '{"orderIds": ["…"]} or {"clientOrderIds": ["…"]}',
  "/cancel-all": '{} or {"symbols": ["btcusdt"], "side": "buy"}',
};

/** One shared budget per HTX endpoint: listing never spends the cancels' budget. */
function budgets(
  env: Env,
  ctx: Context,
): Record<"batchCancel" | "openOrders" | "accounts" | "batchCancelOpenOrders", DurableObjectRateLimiter> {
  const limiter = (endpoint: HtxEndpoint) =>
    durableObjectLimiter(env.HTX_LIMITER, env.HTX_UID, { endpoint, waitUntil: (p) => ctx.waitUntil(p) });
  return {
    batchCancel: limiter("batch-cancel"),
    openOrders: limiter("open-orders"),
    accounts: limiter("accounts"),
    // The kill switch's sweep (batchCancelOpenOrders) has a budget of its own too.
    batchCancelOpenOrders: limiter("batch-cancel-open-orders"),
  };
}

/** The API key from the Worker's secrets (checked by `misconfigured` first). */
function credentials(env: Env): Credentials {
  return env.HTX_PRIVATE_KEY
    ? { accessKey: env.HTX_ACCESS_KEY, privateKey: env.HTX_PRIVATE_KEY }
    : { accessKey: env.HTX_ACCESS_KEY, secretKey: env.HTX_SECRET_KEY ?? "" };
}

/** What is missing from the Worker's settings, if anything: the operator's fault, never the caller's. */
function misconfigured(env: Env): string | undefined {
  if (!env.KILL_SWITCH_TOKEN) return "KILL_SWITCH_TOKEN is not set";
  if (!env.HTX_LIMITER || !env.HTX_UID) return "HTX_LIMITER and HTX_UID must be set (wrangler.toml)";
  if (!env.HTX_ACCESS_KEY || !env.HTX_SECRET_KEY === !env.HTX_PRIVATE_KEY) {
    return "Set HTX_ACCESS_KEY and exactly one of HTX_SECRET_KEY and HTX_PRIVATE_KEY (Worker secrets)";
  }
  return undefined;
}

/** Runs one route's call; bad input is a 400 with the reason. */
async function run(path: string, input: unknown, env: Env, ctx: Context): Promise<Response> {
  try {
    const rateLimit = budgets(env, ctx);
    const htx = new HtxClient({ ...credentials(env), baseUrl: env.HTX_BASE_URL, rateLimit });
    const result = path === "/cancel" ? await htx.batchCancel(input as never) : await htx.cancelAllOpen(input as never);
    const local = Object.values(rateLimit).reduce((sum, limiter) => sum + limiter.grants.local, 0);
    const budget = local === 0 ? "shared" : `local-share ${local}`;
    return Response.json(result, { headers: { "x-rate-limit-budget": budget } });
  } catch (error) {
    if (error instanceof HtxInputError) return problem(400, error.message);
    // Nothing was cancelled: the account or the open orders could not be read.
    if (error instanceof HtxError) return problem(502, error.message);
    throw error;
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: Context): Promise<Response> {
    const url = new URL(request.url);
    const body = ROUTES[url.pathname];
    if (body === undefined) return problem(404, "Not found: POST /cancel or POST /cancel-all");
    if (request.method !== "POST") return problem(405, `Use POST ${url.pathname}`);
    const fault = misconfigured(env);
    if (fault) return problem(500, fault);
    const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
    if (!(await sameSecret(token, env.KILL_SWITCH_TOKEN))) return problem(401, "Missing or wrong bearer token");

    let input: unknown;
    try {
      input = await request.json();
    } catch {
      return problem(400, `Body must be JSON: ${body}`);
    }
    return await run(url.pathname, input, env, ctx);
  },
};
