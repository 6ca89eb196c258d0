/**
 * One HTX rate limit shared by many Workers: a Durable Object per UID grants the slots, with
 * the same rule as the in-memory {@link SlidingWindowLimiter} (a slot is held from its grant
 * until the request's answer, then for one window), so that every Worker and process of an
 * account together stay within HTX's 50 requests per 2 s. Web APIs only; no `nodejs_compat`.
 *
 * @example
 * ```ts
 * import { HtxClient } from "htx-batch-cancel";
 * import { durableObjectLimiter } from "htx-batch-cancel/cloudflare";
 * export { HtxRateLimitObject } from "htx-batch-cancel/cloudflare";
 *
 * export default {
 *   async fetch(request: Request, env: Env, ctx: ExecutionContext) {
 *     const rateLimit = durableObjectLimiter(env.HTX_LIMITER, env.HTX_UID, { waitUntil: (p) => ctx.waitUntil(p) });
 *     const htx = new HtxClient({ accessKey: env.HTX_ACCESS_KEY, secretKey: env.HTX_SECRET_KEY, rateLimit });
 *     return Response.json(await htx.batchCancel(await request.json()));
 *   },
 * };
 * ```
 * @module
 */
import { HtxAbortError } from "./errors.ts";
import { type RateLimiter, type ReleaseSlot, SlidingWindowLimiter, type SlotRecord } from "./limiter.ts";

/** The part of a Durable Object namespace binding this module uses. */
export interface DurableObjectNamespaceLike {
  /** The id of the object for a name. */
  idFromName(name: string): unknown;
  /** A stub of the object with that id. */
  get(id: never): { fetch(request: Request): Promise<Response> };
}

/** The part of a Durable Object's state this module uses. */
export interface DurableObjectStateLike {
  /** Durable storage of the object. */
  storage: {
    /** Reads a stored value. */
    get<T>(key: string): Promise<T | undefined>;
    /** Stores a value. */
    put<T>(key: string, value: T): Promise<void>;
  };
  /** Runs `callback` before any request reaches the object. */
  blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>;
}

/** Optional settings of {@link HtxRateLimitObject}, from the Worker's `vars`. */
export interface HtxRateLimitEnv {
  /** Requests per window; default 50. */
  HTX_RATE_LIMIT?: string | number;
  /** Window length in ms; default 2000. */
  HTX_RATE_INTERVAL_MS?: string | number;
}

const SLOTS_KEY = "slots";
/** How long the object holds an `acquire` open before asking the caller to ask again. */
const LONG_POLL_MS = 2000;
const ORIGIN = "https://htx-rate-limit.internal";

interface AcquireAnswer {
  slot?: string;
  retry?: boolean;
}

/**
 * The Durable Object that grants slots for one UID. Its busy slots are kept in Durable Object
 * storage, so a restart of the object (or of every Worker) does not forget a window in use.
 *
 * Bind it in wrangler.toml (see README, "Several workers, one account") and export it from the
 * Worker's main module.
 */
export class HtxRateLimitObject {
  readonly #state: DurableObjectStateLike;
  #limiter: SlidingWindowLimiter | undefined;
  readonly #releases = new Map<string, ReleaseSlot>();

  /** Called by the Workers runtime; loads the busy slots from storage before the first request. */
  constructor(state: DurableObjectStateLike, env: HtxRateLimitEnv = {}) {
    this.#state = state;
    void state.blockConcurrencyWhile(async () => {
      const restore = (await state.storage.get<SlotRecord[]>(SLOTS_KEY)) ?? [];
      this.#limiter = new SlidingWindowLimiter({
        limit: Number(env.HTX_RATE_LIMIT ?? 50),
        intervalMs: Number(env.HTX_RATE_INTERVAL_MS ?? 2000),
        // Wall-clock time, so that persisted slots mean the same after a restart.
        now: () => Date.now(),
        restore,
      });
    });
  }

  /** `POST /acquire` → `{ slot }` or, after a long poll, `{ retry: true }`; `POST /release?slot=…`. */
  async fetch(request: Request): Promise<Response> {
    const limiter = this.#limiter!;
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/acquire") {
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), LONG_POLL_MS);
      try {
        const release = await limiter.acquire(stop.signal);
        const slot = crypto.randomUUID();
        this.#releases.set(slot, release);
        await this.#persist();
        return Response.json({ slot } satisfies AcquireAnswer);
      } catch (error) {
        if (error instanceof HtxAbortError) return Response.json({ retry: true } satisfies AcquireAnswer);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    }
    if (request.method === "POST" && url.pathname === "/release") {
      const slot = url.searchParams.get("slot") ?? "";
      this.#releases.get(slot)?.();
      this.#releases.delete(slot);
      await this.#persist();
      return new Response(null, { status: 204 });
    }
    return new Response("Not found", { status: 404 });
  }

  #persist(): Promise<void> {
    return this.#state.storage.put(SLOTS_KEY, this.#limiter!.snapshot());
  }
}

/** Options of {@link durableObjectLimiter}. */
export interface DurableObjectLimiterOptions {
  /**
   * How long one call to the object may take before it counts as unreachable; default 5000
   * (the object answers a long poll within 2 s).
   */
  timeoutMs?: number;
  /** Keeps the last releases alive after the Worker's response: pass `(p) => ctx.waitUntil(p)`. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Told once when the object cannot be reached and a local limiter takes over; default `console.warn`. */
  onFallback?: (error: unknown) => void;
  /** The local limiter's settings, used only after a fallback; default HTX's limit. */
  fallbackLimit?: { limit?: number; intervalMs?: number };
}

/**
 * A {@link RateLimiter} for `HtxClient` that asks the {@link HtxRateLimitObject} of `uid`:
 * one long-polled `acquire` and one `release` per HTX request. Batching grants would hand a
 * Worker slots it might not use while others wait, and each release carries the answer time
 * that keeps the window safe, so neither is batched.
 *
 * If the object cannot be reached, or does not answer within `timeoutMs`, this limiter falls
 * back, for the rest of its life, to a local {@link SlidingWindowLimiter} and says so through
 * `onFallback`: a kill switch keeps cancelling, and any rate-limit answer that the shared
 * budget then draws from HTX is retried by the client.
 */
export function durableObjectLimiter(
  namespace: DurableObjectNamespaceLike,
  uid: string | number,
  options: DurableObjectLimiterOptions = {},
): RateLimiter {
  const stub = namespace.get(namespace.idFromName(`htx-uid-${uid}`) as never);
  const timeoutMs = options.timeoutMs ?? 5000;
  const onFallback = options.onFallback ??
    ((error: unknown) =>
      console.warn(
        `htx-batch-cancel: the rate-limit Durable Object is unreachable (${String(error)}); using a local limiter.`,
      ));
  let fallback: SlidingWindowLimiter | undefined;

  const call = async (path: string): Promise<Response> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const response = await Promise.race([stub.fetch(new Request(`${ORIGIN}${path}`, { method: "POST" })), timeout]);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response;
    } finally {
      clearTimeout(timer);
    }
  };

  const release = (slot: string): ReleaseSlot => () => {
    const done = call(`/release?slot=${encodeURIComponent(slot)}`).then(() => {}, () => {});
    options.waitUntil?.(done);
  };

  return {
    async acquire(signal?: AbortSignal): Promise<void | ReleaseSlot> {
      for (;;) {
        if (signal?.aborted) throw new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason });
        if (fallback) return await fallback.acquire(signal);
        let answer: AcquireAnswer;
        try {
          // Not aborted mid-call: a slot granted to a caller who left would be held for nothing.
          answer = (await (await call("/acquire")).json()) as AcquireAnswer;
        } catch (error) {
          fallback = new SlidingWindowLimiter(options.fallbackLimit);
          onFallback(error);
          continue;
        }
        if (answer.slot) {
          if (!signal?.aborted) return release(answer.slot);
          release(answer.slot)();
        }
      }
    },
  };
}
