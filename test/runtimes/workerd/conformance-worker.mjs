// Runs limiter scenarios (`{ name, run(factory) }`) against the Durable Object limiter inside
// workerd: `POST /run?name=…` runs one in this invocation and answers `{ ok }` or `{ error }`.
// The factory gives each limiter its own object (a fresh UID), configured to the window asked.
// The table: swap this import for the shared one (test/limits/conformance.ts) when it lands.
import { durableObjectLimiter, HtxRateLimitObject } from "htx-batch-cancel/cloudflare";
import { scenarios } from "./limiter-scenarios.ts";

/** The object, made on first use with the window `/test-configure` gives (test only). */
export class ConfigurableRateLimitObject {
  constructor(state, env) {
    this.state = state;
    this.env = env;
  }
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/test-configure") {
      const limit = url.searchParams.get("limit");
      const interval = url.searchParams.get("intervalMs");
      this.inner = new HtxRateLimitObject(this.state, {
        ...this.env,
        HTX_RATE_LIMIT: limit,
        HTX_RATE_INTERVAL_MS: interval,
        HTX_RATE_MAX_HOLD_MS: String(Math.max(Number(interval), 5000)),
      });
      return new Response("configured");
    }
    this.inner ??= new HtxRateLimitObject(this.state, this.env);
    return this.inner.fetch(request);
  }
}

let nextUid = 1000;

export default {
  async fetch(request, env, ctx) {
    const name = new URL(request.url).searchParams.get("name");
    const scenario = scenarios.find((s) => s.name === name);
    if (!scenario) return Response.json({ names: scenarios.map((s) => s.name) });
    const factory = async ({ limit, intervalMs }) => {
      const uid = nextUid++;
      const stub = env.HTX_LIMITER.get(env.HTX_LIMITER.idFromName(`htx-uid-${uid}`));
      await stub.fetch(`https://htx-rate-limit.internal/test-configure?limit=${limit}&intervalMs=${intervalMs}`);
      return durableObjectLimiter(env.HTX_LIMITER, uid, { waitUntil: (p) => ctx.waitUntil(p) });
    };
    try {
      await scenario.run(factory);
      return Response.json({ ok: true });
    } catch (error) {
      return Response.json({ ok: false, error: String(error?.stack ?? error) });
    }
  },
};
