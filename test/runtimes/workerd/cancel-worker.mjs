// A Worker that cancels the ids it is given, with the shared Durable Object limiter or with
// its own in-memory one. Several copies run as separate isolates in one miniflare; the one that
// owns the object class can reset the object mid-run (`GET /reset`), as a deploy does, or make it
// unreachable for a while (`GET /outage?ms=…`: every call answers 503, as in an outage).
// `subrequestLimit` models Cloudflare's limit per invocation: every fetch of the invocation (to
// HTX and to the object) counts, and the one past the limit throws "Too many subrequests".
import { HtxClient } from "htx-batch-cancel";
import { durableObjectLimiter, HtxRateLimitObject } from "htx-batch-cancel/cloudflare";

/** The object, plus `/test-reset` (aborts the object, failing every call under way) and `/test-outage`. */
class ResettableRateLimitObject extends HtxRateLimitObject {
  constructor(state, env) {
    super(state, env);
    this.state = state;
    this.downUntil = 0;
    this.outageBegins = new Set();
  }
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/test-reset") this.state.abort("reset, as by a deploy");
    if (url.pathname === "/test-outage") {
      // Every call under way fails too (what it was granted is lost with it), as in a real outage.
      this.downUntil = Date.now() + Number(url.searchParams.get("ms"));
      for (const fail of this.outageBegins) fail();
      return new Response("down");
    }
    if (Date.now() < this.downUntil) return Promise.resolve(new Response("outage", { status: 503 }));
    let fail;
    const failed = new Promise((resolve) => (fail = () => resolve(new Response("outage", { status: 503 }))));
    this.outageBegins.add(fail);
    return Promise.race([super.fetch(request), failed]).finally(() => this.outageBegins.delete(fail));
  }
}

export { ResettableRateLimitObject as HtxRateLimitObject };

const uidOf = (env) => env.HTX_UID ?? "1";
const stubOf = (env, name = `htx-uid-${uidOf(env)}`) => env.HTX_LIMITER.get(env.HTX_LIMITER.idFromName(name));

/** Counts this invocation's subrequests; past `limit`, fails as workerd does. */
function subrequestCounter(limit) {
  let used = 0;
  return {
    get used() {
      return used;
    },
    count() {
      if (limit !== undefined && ++used > limit) throw new Error("Too many subrequests.");
    },
  };
}

/** The namespace, its stubs' calls counted. */
function countedNamespace(namespace, counter) {
  return {
    idFromName: (name) => namespace.idFromName(name),
    get: (id) => {
      const stub = namespace.get(id);
      return {
        fetch: (request) => {
          try {
            counter.count();
          } catch (error) {
            return Promise.reject(error);
          }
          return stub.fetch(request);
        },
      };
    },
  };
}

async function control(path, url, env) {
  if (path === "/status") {
    const name = url.searchParams.get("object") ?? `htx-uid-${uidOf(env)}`;
    const endpoint = url.searchParams.get("endpoint") ?? "batch-cancel";
    return await stubOf(env, name).fetch(`https://htx-rate-limit.internal/status?endpoint=${endpoint}`);
  }
  if (path === "/outage") {
    return await stubOf(env).fetch(`https://htx-rate-limit.internal/test-outage${url.search}`);
  }
  // Warm-up (any path the object does not serve) or a reset of the object.
  const call = stubOf(env).fetch(`https://htx-rate-limit.internal${path === "/reset" ? "/test-reset" : "/warm-up"}`);
  return new Response(String(await call.then((r) => r.status, () => "reset")));
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (request.method === "GET") return await control(url.pathname, url, env);
    const { baseUrl, ids, shared, timeoutMs, limiter: options = {}, subrequestLimit, signalAfterMs, lingerMs } =
      await request.json();
    const counter = subrequestCounter(subrequestLimit);
    const fallbacks = [];
    const rateLimit = shared
      ? durableObjectLimiter(countedNamespace(env.HTX_LIMITER, counter), uidOf(env), {
        waitUntil: (p) => ctx.waitUntil(p),
        onFallback: (error) => fallbacks.push(String(error)),
        ...options,
      })
      : undefined;
    const htx = new HtxClient({
      accessKey: "demo-access-key",
      secretKey: "demo-secret-key",
      baseUrl,
      rateLimit,
      retry: 0,
      timeoutMs,
      fetch: (input, init) => (counter.count(), fetch(input, init)),
    });
    const signal = signalAfterMs === undefined ? undefined : AbortSignal.timeout(signalAfterMs);
    const result = await htx.batchCancel({ orderIds: ids }, { signal });
    // A Worker that goes on with other work after its call: the invocation (and its I/O) lives on.
    if (lingerMs) await new Promise((resolve) => setTimeout(resolve, lingerMs));
    const unresolved = result.unresolved.map(({ id, mayHaveBeenApplied, error }) => ({
      id,
      mayHaveBeenApplied,
      message: `${error.message} ${error.cause?.message ?? ""}`,
    }));
    return Response.json({ ...result, unresolved, grants: rateLimit?.grants, fallbacks, subrequests: counter.used });
  },
};
