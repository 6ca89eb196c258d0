// Runs the shared limiter table (test/limits/conformance.ts) against the Durable Object limiter
// inside workerd: `POST /run?name=…` runs one row in this invocation and answers `{ ok }` or
// `{ error }`. Each row gets its own budget: a fresh UID whose object is set to the table's
// budget; each member is a new limiter on it, as another Worker would build one.
import { durableObjectLimiter, HtxRateLimitObject } from "htx-batch-cancel/cloudflare";
import { CONFORMANCE, CONFORMANCE_BUDGET } from "../../limits/conformance.ts";

const { limit, windowMs, maxHoldMs } = CONFORMANCE_BUDGET;

/** The object, with the table's budget in its vars. */
export class ConfigurableRateLimitObject extends HtxRateLimitObject {
  constructor(state, env) {
    super(state, {
      ...env,
      HTX_RATE_LIMIT: String(limit),
      HTX_RATE_INTERVAL_MS: String(windowMs),
      HTX_RATE_MAX_HOLD_MS: String(maxHoldMs),
    });
  }
}

let nextUid = 1000;

export default {
  async fetch(request, env, ctx) {
    const name = new URL(request.url).searchParams.get("name");
    const scenario = CONFORMANCE.find((s) => s.name === name);
    if (!scenario) return Response.json({ names: CONFORMANCE.map((s) => s.name) });
    const uid = nextUid++;
    const budget = { member: () => durableObjectLimiter(env.HTX_LIMITER, uid, { waitUntil: (p) => ctx.waitUntil(p) }) };
    try {
      await scenario.run(budget);
      return Response.json({ ok: true });
    } catch (error) {
      return Response.json({ ok: false, error: String(error?.stack ?? error) });
    }
  },
};
