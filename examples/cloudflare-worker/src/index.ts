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
 *
 * A caller's token is checked before anything else; then the Worker's own settings: a missing
 * secret or a bad var (`HTX_UID`, `HTX_RATE_*`, `HTX_SUBREQUEST_LIMIT`) answers 500 naming the
 * setting, never its secret, and is logged; so does a key or `HTX_BASE_URL` the client refuses.
 * `HTX_SUBREQUEST_LIMIT` (wrangler.toml) is the plan's subrequests per invocation: 50 on Workers
 * Free, 10000 on Paid; ids past what it allows are answered unresolved, not sent, and no slot is
 * left held.
 */
import { type Credentials, HtxClient, HtxError, HtxInputError } from "htx-batch-cancel";
import {
  CLOUDFLARE_SUBREQUEST_LIMITS,
  durableObjectLimiter,
  type DurableObjectNamespaceLike,
  type DurableObjectRateLimiter,
  type HtxEndpoint,
  type HtxRateLimitEnv,
  htxRateLimitEnvProblem,
  SubrequestBudget,
} from "htx-batch-cancel/cloudflare";

import { scheduledRefresh } from "./dead-mans-switch.ts";

export { HtxRateLimitObject } from "htx-batch-cancel/cloudflare";

export interface Env extends HtxRateLimitEnv {
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
  /** The plan's subrequests per invocation (wrangler.toml): 50 on Workers Free, 10000 on Paid; unset, not known. */
  HTX_SUBREQUEST_LIMIT?: string;
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

type Budgets = Record<"batchCancel" | "openOrders" | "accounts" | "batchCancelOpenOrders", DurableObjectRateLimiter>;

/**
 * One shared budget per HTX endpoint (listing never spends the cancels' budget; the kill
 * switch's sweep, batchCancelOpenOrders, has its own too), and one subrequest budget for the
 * invocation, shared by them all.
 * @throws {HtxInputError} naming the var when HTX_UID or HTX_SUBREQUEST_LIMIT is bad.
 */
function budgets(env: Env, ctx: Context): Budgets {
  const subrequests = subrequestBudget(env.HTX_SUBREQUEST_LIMIT);
  const limiter = (endpoint: HtxEndpoint) => {
    try {
      return durableObjectLimiter(env.HTX_LIMITER, env.HTX_UID, {
        endpoint,
        subrequests,
        waitUntil: (p) => ctx.waitUntil(p),
      });
    } catch (error) {
      throw new HtxInputError(`HTX_UID: ${(error as Error).message}`);
    }
  };
  return {
    batchCancel: limiter("batch-cancel"),
    openOrders: limiter("open-orders"),
    accounts: limiter("accounts"),
    batchCancelOpenOrders: limiter("batch-cancel-open-orders"),
  };
}

function subrequestBudget(value: string | undefined): SubrequestBudget | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(value) || Number(value) < 1) {
    throw new HtxInputError(
      `HTX_SUBREQUEST_LIMIT must be your plan's subrequests per invocation in digits ` +
        `(${CLOUDFLARE_SUBREQUEST_LIMITS.free} Free, ${CLOUDFLARE_SUBREQUEST_LIMITS.paid} Paid).`,
    );
  }
  return new SubrequestBudget(Number(value));
}

/** The API key from the Worker's secrets (checked by `misconfigured` first). */
function credentials(env: Env): Credentials {
  return env.HTX_PRIVATE_KEY
    ? { accessKey: env.HTX_ACCESS_KEY, privateKey: env.HTX_PRIVATE_KEY }
    : { accessKey: env.HTX_ACCESS_KEY, secretKey: env.HTX_SECRET_KEY ?? "" };
}

/** What is wrong with the Worker's settings, if anything: the operator's fault, never the caller's. */
function misconfigured(env: Env): string | undefined {
  if (!env.HTX_LIMITER || !env.HTX_UID) return "HTX_LIMITER and HTX_UID must be set (wrangler.toml)";
  if (!env.HTX_ACCESS_KEY || !env.HTX_SECRET_KEY === !env.HTX_PRIVATE_KEY) {
    return "Set HTX_ACCESS_KEY and exactly one of HTX_SECRET_KEY and HTX_PRIVATE_KEY (Worker secrets)";
  }
  return htxRateLimitEnvProblem(env);
}

/** A misconfiguration: logged for the operator, and a 500 that names the setting (never a secret's value). */
function operatorError(message: string): Response {
  console.error(`htx-kill-switch is misconfigured: ${message}`);
  return problem(500, `The kill switch is misconfigured: ${message}`);
}

/** The bearer token of the request; the scheme matched case-insensitively (RFC 9110, section 11.1). */
function bearerToken(request: Request): string {
  return /^bearer +(\S+) *$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
}

/**
 * The client of the Worker's settings. The client checks them when made, so what it refuses is
 * the operator's to fix, never the caller's: its message names the var (HtxClient's messages
 * never show a secret).
 * @throws {HtxInputError} naming HTX_BASE_URL or the key's secrets.
 */
function clientOf(env: Env, rateLimit: Budgets): HtxClient {
  try {
    return new HtxClient({ ...credentials(env), baseUrl: env.HTX_BASE_URL, rateLimit });
  } catch (error) {
    const message = (error as Error).message;
    const setting = /^baseUrl/.test(message) ? "HTX_BASE_URL" : "HTX_ACCESS_KEY, HTX_SECRET_KEY or HTX_PRIVATE_KEY";
    throw new HtxInputError(`${setting}: ${message}`);
  }
}

/** Runs one route's call; bad input is a 400 with the reason, a bad setting a 500. */
async function run(path: string, input: unknown, env: Env, ctx: Context): Promise<Response> {
  let rateLimit: Budgets;
  let htx: HtxClient;
  try {
    rateLimit = budgets(env, ctx);
    htx = clientOf(env, rateLimit);
  } catch (error) {
    return operatorError((error as Error).message);
  }
  try {
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
    // The token first: a caller without it learns nothing of the Worker's settings.
    if (!env.KILL_SWITCH_TOKEN) {
      console.error("htx-kill-switch is misconfigured: KILL_SWITCH_TOKEN is not set");
      return problem(401, "Missing or wrong bearer token");
    }
    if (!(await sameSecret(bearerToken(request), env.KILL_SWITCH_TOKEN))) {
      return problem(401, "Missing or wrong bearer token");
    }
    const fault = misconfigured(env);
    if (fault) return operatorError(fault);

    let input: unknown;
    try {
      input = await request.json();
    } catch {
      return problem(400, `Body must be JSON: ${body}`);
    }
    return await run(url.pathname, input, env, ctx);
  },
  /** The Cron Trigger: keeps HTX's dead man's switch armed while the bot answers (src/dead-mans-switch.ts). */
  scheduled(_controller: unknown, env: Env, ctx: Context): void {
    ctx.waitUntil(scheduledRefresh(env));
  },
};
