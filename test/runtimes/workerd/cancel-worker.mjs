// A Worker that cancels the ids it is given, with the shared Durable Object limiter or with
// its own in-memory one. Several copies run as separate isolates in one miniflare; the one that
// owns the object class can reset the object mid-run (`GET /reset`), as a deploy does.
import { HtxClient } from "htx-batch-cancel";
import { durableObjectLimiter, HtxRateLimitObject } from "htx-batch-cancel/cloudflare";

/** The object, plus `/test-reset`: aborts the object, failing every call under way, as a deploy does. */
class ResettableRateLimitObject extends HtxRateLimitObject {
  constructor(state, env) {
    super(state, env);
    this.state = state;
  }
  fetch(request) {
    if (new URL(request.url).pathname === "/test-reset") this.state.abort("reset, as by a deploy");
    return super.fetch(request);
  }
}

export { ResettableRateLimitObject as HtxRateLimitObject };

const uidOf = (env) => env.HTX_UID ?? "1";
const stubOf = (env) => env.HTX_LIMITER.get(env.HTX_LIMITER.idFromName(`htx-uid-${uidOf(env)}`));

export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (request.method === "GET") {
      // Warm-up (any path the object does not serve) or a reset of the object.
      const call = stubOf(env).fetch(
        `https://htx-rate-limit.internal${path === "/reset" ? "/test-reset" : "/warm-up"}`,
      );
      return new Response(String(await call.then((r) => r.status, () => "reset")));
    }
    const { baseUrl, ids, shared, timeoutMs } = await request.json();
    const rateLimit = shared
      ? durableObjectLimiter(env.HTX_LIMITER, uidOf(env), { waitUntil: (p) => ctx.waitUntil(p), onFallback: () => {} })
      : undefined;
    const htx = new HtxClient({
      accessKey: "demo-access-key",
      secretKey: "demo-secret-key",
      baseUrl,
      rateLimit,
      retry: 0,
      timeoutMs,
    });
    const result = await htx.batchCancel({ orderIds: ids });
    return Response.json({ ...result, grants: rateLimit?.grants });
  },
};
