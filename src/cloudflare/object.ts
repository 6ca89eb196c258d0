/**
 * The Durable Object that grants the slots of one budget (one UID, one HTX endpoint), with the
 * rule of the in-memory {@link SlidingWindowLimiter}: a slot is held from its grant until the
 * request's answer, then for one window. Its busy slots live in Durable Object storage.
 */
import { HtxInputError } from "../core/errors.ts";
import { HtxAbortError } from "../http/request-errors.ts";
import { type ReleaseSlot, SlidingWindowLimiter, type SlotRecord } from "../limits/limiter.ts";
import { checkedEndpoint, HTX_ENDPOINT_BUDGETS, type HtxEndpoint } from "./budgets.ts";
import { type AcquireAnswer, LONG_POLL_MS, type StatusAnswer } from "./protocol.ts";

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

/**
 * Optional settings of {@link HtxRateLimitObject}, from the `vars` of the Worker that owns the
 * class. They apply to every budget (every endpoint) of the class; bad values are refused.
 */
export interface HtxRateLimitEnv {
  /** Requests per window; default: the endpoint's HTX limit (50 for batch cancel). */
  HTX_RATE_LIMIT?: string | number;
  /** Window length in ms; default 2000. */
  HTX_RATE_INTERVAL_MS?: string | number;
  /**
   * A slot whose release never comes (its Worker died, or the object restarted while the
   * request was in flight) is freed this many ms after its grant; default 30_000. Keep it at
   * least the longest `timeoutMs` of the HtxClients that use the object; lower frees a dead
   * caller's slots sooner.
   */
  HTX_RATE_MAX_HOLD_MS?: string | number;
}

const SLOTS_KEY = "slots";

interface PendingRelease {
  release: ReleaseSlot;
  /** When the limiter frees the slot by itself; the entry is useless after that. */
  expiresAt: number;
}

/**
 * The Durable Object that grants slots for one budget. A restart of the object (or of every
 * Worker) keeps the windows in use: slots answered stay busy for their window, and slots still
 * in flight stay busy until `grantedAt + maxHoldMs`, since their release is lost with the restart.
 *
 * Export it from the Worker that owns the class; the other Workers bind it by `script_name`
 * (docs/cloudflare.md).
 */
export class HtxRateLimitObject {
  readonly #state: DurableObjectStateLike;
  readonly #settings: { limit?: number; intervalMs?: number; maxHoldMs?: number } | { refused: string };
  #restored: SlotRecord[] | undefined;
  #limiter: { endpoint: HtxEndpoint; limiter: SlidingWindowLimiter } | undefined;
  /** Insertion order is grant order, so the expired entries are at the front. */
  readonly #releases = new Map<string, PendingRelease>();

  /** Called by the Workers runtime; loads the busy slots from storage before the first request. */
  constructor(state: DurableObjectStateLike, env: HtxRateLimitEnv = {}) {
    this.#state = state;
    this.#settings = settingsFrom(env);
    void state.blockConcurrencyWhile(async () => {
      this.#restored = await state.storage.get<SlotRecord[]>(SLOTS_KEY);
    });
  }

  /**
   * `POST /acquire?endpoint=…` → `{ slot }`, or `{ retry: true }` after a long poll;
   * `POST /release?slot=…` → 204; `GET /status?endpoint=…` → {@link StatusAnswer}. Bad settings
   * are answered with status 500 and `{ refused }`, never with a hang.
   */
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const route = `${request.method} ${url.pathname}`;
    this.#prune();
    if (route === "POST /release") return await this.#release(url.searchParams.get("slot") ?? "");
    if (route !== "POST /acquire" && route !== "GET /status") return new Response("Not found", { status: 404 });
    let limiter: SlidingWindowLimiter;
    try {
      limiter = this.#limiterFor(url.searchParams.get("endpoint") ?? "batch-cancel");
    } catch (error) {
      const refused = error instanceof HtxInputError ? error.message : String(error);
      return Response.json({ refused } satisfies AcquireAnswer, { status: 500 });
    }
    return route === "GET /status" ? this.#status(limiter) : await this.#acquire(limiter);
  }

  async #acquire(limiter: SlidingWindowLimiter): Promise<Response> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), LONG_POLL_MS);
    try {
      const release = await limiter.acquire(stop.signal);
      const slot = crypto.randomUUID();
      this.#releases.set(slot, { release, expiresAt: Date.now() + limiter.maxHoldMs });
      // Stored before the grant is answered: a restart must find this slot in flight.
      await this.#persist(limiter);
      return Response.json({ slot } satisfies AcquireAnswer);
    } catch (error) {
      if (error instanceof HtxAbortError) return Response.json({ retry: true } satisfies AcquireAnswer);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async #release(slot: string): Promise<Response> {
    const pending = this.#releases.get(slot);
    // Unknown, expired or already released: nothing changes, so nothing is written.
    if (pending && this.#limiter) {
      this.#releases.delete(slot);
      pending.release();
      await this.#persist(this.#limiter.limiter);
    }
    return new Response(null, { status: 204 });
  }

  #status(limiter: SlidingWindowLimiter): Response {
    const { limit, intervalMs, maxHoldMs } = limiter;
    const answer: StatusAnswer = {
      limit,
      intervalMs,
      maxHoldMs,
      busy: limiter.snapshot().length,
      inFlight: this.#releases.size,
    };
    return Response.json(answer);
  }

  /** Drops the releases of slots the limiter has already freed by `maxHoldMs`. */
  #prune(): void {
    const now = Date.now();
    for (const [slot, { expiresAt }] of this.#releases) {
      if (expiresAt > now) break;
      this.#releases.delete(slot);
    }
  }

  /** The limiter of this object's budget, made at the first request (which names the endpoint). */
  #limiterFor(name: string): SlidingWindowLimiter {
    const endpoint = checkedEndpoint(name);
    if (this.#limiter) {
      if (this.#limiter.endpoint !== endpoint) {
        throw new HtxInputError(`This object guards the ${this.#limiter.endpoint} budget, not ${endpoint}.`);
      }
      return this.#limiter.limiter;
    }
    if ("refused" in this.#settings) throw new HtxInputError(this.#settings.refused);
    const limiter = new SlidingWindowLimiter({
      ...HTX_ENDPOINT_BUDGETS[endpoint],
      ...this.#settings,
      // Wall-clock time, so that persisted slots mean the same after a restart.
      now: () => Date.now(),
      restore: this.#restored ?? [],
    });
    this.#limiter = { endpoint, limiter };
    this.#restored = undefined;
    return limiter;
  }

  #persist(limiter: SlidingWindowLimiter): Promise<void> {
    return this.#state.storage.put(SLOTS_KEY, limiter.snapshot());
  }
}

/** The vars as numbers, or what is wrong with them. */
function settingsFrom(env: HtxRateLimitEnv): { limit?: number; intervalMs?: number; maxHoldMs?: number } | {
  refused: string;
} {
  const settings: { limit?: number; intervalMs?: number; maxHoldMs?: number } = {};
  const vars = [
    ["HTX_RATE_LIMIT", "limit"],
    ["HTX_RATE_INTERVAL_MS", "intervalMs"],
    ["HTX_RATE_MAX_HOLD_MS", "maxHoldMs"],
  ] as const;
  for (const [name, key] of vars) {
    const value = env?.[name];
    if (value === undefined) continue;
    // Digits only: Number("") is 0 and Number("2s") is NaN, and neither may reach the limiter.
    if (typeof value === "number" || (typeof value === "string" && /^[0-9]{1,10}$/.test(value))) {
      settings[key] = Number(value);
    } else {
      return {
        refused: `The var ${name} must be a whole number of digits (e.g. "2000"); got ${JSON.stringify(value)}.`,
      };
    }
  }
  try {
    new SlidingWindowLimiter(settings); // the ranges, checked once at start
  } catch (error) {
    return { refused: `The vars HTX_RATE_*: ${(error as Error).message}` };
  }
  return settings;
}
