// A Worker that cancels the ids it is given, with the shared Durable Object limiter or with
// its own in-memory one. Several copies run as separate isolates in one miniflare.
import { HtxClient } from "../../../dist/mod.js";
import { durableObjectLimiter, HtxRateLimitObject } from "../../../dist/src/cloudflare.js";

export { HtxRateLimitObject };

export default {
  async fetch(request, env, ctx) {
    if (request.method === "GET") {
      // Warm-up: load this isolate and the account's object (any path it does not serve).
      const stub = env.HTX_LIMITER.get(env.HTX_LIMITER.idFromName("htx-uid-1"));
      return new Response(String((await stub.fetch("https://htx-rate-limit.internal/warm-up")).status));
    }
    const { baseUrl, ids, shared } = await request.json();
    const rateLimit = shared
      ? durableObjectLimiter(env.HTX_LIMITER, 1, { waitUntil: (p) => ctx.waitUntil(p) })
      : undefined;
    const htx = new HtxClient({
      accessKey: "demo-access-key",
      secretKey: "demo-secret-key",
      baseUrl,
      rateLimit,
      retry: 0,
    });
    return Response.json(await htx.batchCancel({ orderIds: ids }));
  },
};
