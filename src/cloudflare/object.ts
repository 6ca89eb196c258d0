/**
 * The Durable Object that grants the slots of one budget (one UID, one HTX endpoint), with the
 * rule of the in-memory {@link SlidingWindowLimiter}: a slot is held from its grant until the
 * request's answer, then for one window. Its busy slots live in Durable Object storage.
 */
import { HtxInputError } from "../core/errors.ts";
import { HtxAbortError } from "../http/request-errors.ts";
import { type ReleaseSlot, SlidingWindowLimiter, type SlotRecord } from "../limits/limiter.ts";
import { checkedEndpoint, endpointOfName, HTX_ENDPOINT_BUDGETS, type HtxEndpoint } from "./budgets.ts";
import { type HtxRateLimitEnv, type ObjectSettings, settingsFrom } from "./object-settings.ts";
import { type AcquireAnswer, LONG_POLL_MS, type StatusAnswer } from "./protocol.ts";

export type { HtxRateLimitEnv } from "./object-settings.ts";

/** The part of a Durable Object's state this module uses. */
export interface DurableObjectStateLike {
  /** The object's id; workerd gives the name it was asked for by (`idFromName`). */
  id?: { name?: string };
  /** Durable storage of the object. */
  storage: {
    /** Reads a stored value. */
    get<T>(key: string): Promise<T | undefined>;
    /** Stores a value. */
    put<T>(key: string, value: T): Promise<void>;
    /** Deletes a stored value (the object's row, once unused for a day). */
    delete?(key: string): Promise<boolean>;
    /** Wakes the object (its `alarm()`) at a time. */
    setAlarm?(scheduledTime: number): Promise<void>;
  };
  /** Runs `callback` before any request reaches the object. */
  blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>;
}

const SLOTS_KEY = "slots";
/** The routes that name a budget (`?endpoint=…`), refused for another endpoint's. */
const BUDGET_ROUTES = new Set(["POST /acquire", "GET /status", "POST /report", "POST /penalize"]);
/** A budget's row is deleted once unused this long: an account that stopped cancelling costs nothing. */
export const PRUNE_AFTER_MS = 24 * 60 * 60 * 1000;

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
  readonly #settings: ObjectSettings | { refused: string };
  /** The endpoint its name says, if the runtime gives the name; else the first acquire's. */
  #endpoint: HtxEndpoint | undefined;
  #restored: SlotRecord[] | undefined;
  #limiter: SlidingWindowLimiter | undefined;
  /** Insertion order is grant order, so the expired entries are at the front. */
  readonly #releases = new Map<string, PendingRelease>();
  /** The long polls under way, by the waiter id the Worker gave: `/forget` ends one ungranted. */
  readonly #waiters = new Map<string, AbortController>();
  /** The last write failed: `/status` tries one before it says the object works. */
  #storageFailed = false;
  #alarmSet = false;
  #lastUse = 0;

  /** Called by the Workers runtime; loads the busy slots from storage before the first request. */
  constructor(state: DurableObjectStateLike, env: HtxRateLimitEnv = {}) {
    this.#state = state;
    this.#settings = settingsFrom(env);
    const name = state.id?.name;
    this.#endpoint = typeof name === "string" ? endpointOfName(name) : undefined;
    void state.blockConcurrencyWhile(async () => {
      this.#restored = await state.storage.get<SlotRecord[]>(SLOTS_KEY);
    });
  }

  /**
   * `POST /acquire?endpoint=…&waiter=…` → `{ slot }`, or `{ retry: true }` after a long poll;
   * `POST /forget?waiter=…` ends that long poll ungranted; `POST /report?endpoint=…` counts the
   * slots a Worker took on its own; `POST /penalize?endpoint=…` grants nothing for a window (HTX
   * refused a request for its rate); `POST /release?slot=…` → 204; `GET /status?endpoint=…` →
   * {@link StatusAnswer}. Bad settings: status 500 and `{ refused }`; another endpoint's request:
   * 400 and `{ error }`, nothing changed.
   */
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const route = `${request.method} ${url.pathname}`;
    this.#prune();
    this.#lastUse = Date.now();
    if (route === "POST /release") return await this.#release(url.searchParams.get("slot") ?? "");
    if (route === "POST /forget") return this.#forget(url.searchParams.get("waiter") ?? "");
    if (!BUDGET_ROUTES.has(route)) return new Response("Not found", { status: 404 });
    const endpoint = url.searchParams.get("endpoint") ?? "batch-cancel";
    if (this.#endpoint !== undefined && endpoint !== this.#endpoint) {
      const error = `This object keeps the ${this.#endpoint} budget, not ${endpoint}; nothing changed.`;
      return Response.json({ error } satisfies AcquireAnswer, { status: 400 });
    }
    let limiter: SlidingWindowLimiter;
    try {
      limiter = this.#limiterFor(endpoint, route !== "GET /status");
    } catch (error) {
      const refused = error instanceof HtxInputError ? error.message : String(error);
      return Response.json({ refused } satisfies AcquireAnswer, { status: 500 });
    }
    if (route === "GET /status") return await this.#status(limiter, endpoint);
    if (route === "POST /report") return await this.#report(limiter, request);
    if (route === "POST /penalize") return await this.#penalize(limiter);
    return await this.#acquire(limiter, url.searchParams.get("waiter") ?? crypto.randomUUID());
  }

  /** Wakes a day after the first write; deletes the row if nothing used it since. */
  async alarm(): Promise<void> {
    this.#alarmSet = false;
    const stored = this.#limiter?.snapshot() ?? (await this.#state.storage.get<SlotRecord[]>(SLOTS_KEY)) ?? [];
    const lastUse = Math.max(this.#lastUse, ...stored.map((slot) => Math.max(slot.grantedAt, slot.releasedAt ?? 0)));
    if (Date.now() - lastUse >= PRUNE_AFTER_MS) {
      await this.#state.storage.delete?.(SLOTS_KEY);
      return;
    }
    await this.#state.storage.setAlarm?.(lastUse + PRUNE_AFTER_MS);
    this.#alarmSet = true;
  }

  async #acquire(limiter: SlidingWindowLimiter, waiter: string): Promise<Response> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), LONG_POLL_MS);
    this.#waiters.set(waiter, stop);
    let release: ReleaseSlot;
    try {
      release = await limiter.acquire(stop.signal);
    } catch (error) {
      if (error instanceof HtxAbortError) return Response.json({ retry: true } satisfies AcquireAnswer);
      throw error;
    } finally {
      clearTimeout(timer);
      this.#waiters.delete(waiter);
    }
    const slot = crypto.randomUUID();
    this.#releases.set(slot, { release, expiresAt: Date.now() + limiter.maxHoldMs });
    // Stored before the grant is answered: a restart must find this slot in flight.
    if (await this.#persist(limiter)) return Response.json({ slot } satisfies AcquireAnswer);
    // Not granted after all: its window is counted from now, not held for maxHoldMs.
    this.#releases.delete(slot);
    release();
    return storageFails();
  }

  /** Ends a long poll whose caller has gone, before it is granted a slot nobody would use. */
  #forget(waiter: string): Response {
    this.#waiters.get(waiter)?.abort();
    return new Response(null, { status: 204 });
  }

  async #release(slot: string): Promise<Response> {
    const pending = this.#releases.get(slot);
    // Unknown, expired or already released: nothing changes, so nothing is written.
    if (pending && this.#limiter) {
      this.#releases.delete(slot);
      pending.release();
      if (!(await this.#persist(this.#limiter))) return storageFails();
    }
    return new Response(null, { status: 204 });
  }

  /**
   * Slots a Worker granted itself while it could not reach the object: busy here too, before any
   * new grant; and HTX's rate refusal it could not tell then (`penalizedAt`): this object's own
   * penalty, from when it came, with this object's limit.
   */
  async #report(limiter: SlidingWindowLimiter, request: Request): Promise<Response> {
    const { grants, penalizedAt } = (await request.json().catch(() => ({}))) as {
      grants?: unknown;
      penalizedAt?: unknown;
    };
    const now = Date.now();
    // Times from another isolate's clock: never later than now, so that no slot is held past its due.
    const slots = Array.isArray(grants)
      ? grants.filter(isSlotRecord).map(({ grantedAt, releasedAt }) =>
        releasedAt === undefined
          ? { grantedAt: Math.min(grantedAt, now) }
          : { grantedAt: Math.min(grantedAt, now), releasedAt: Math.min(releasedAt, now) }
      )
      : [];
    // More than a window's limit says nothing more (and a hostile report must not grow the row).
    limiter.occupy(slots.slice(-limiter.limit));
    if (typeof penalizedAt === "number" && Number.isFinite(penalizedAt)) limiter.penalize(penalizedAt); // never later than now
    if (!(await this.#persist(limiter))) return storageFails();
    return new Response(null, { status: 204 });
  }

  /**
   * HTX refused a request of this budget for its rate: software the object cannot see spends it,
   * so nobody is granted a slot for a window from now. The penalty is a window of answered slots
   * (the in-memory limiter's), stored with the others, so a restarted object keeps it.
   */
  async #penalize(limiter: SlidingWindowLimiter): Promise<Response> {
    limiter.penalize();
    if (!(await this.#persist(limiter))) return storageFails();
    return new Response(null, { status: 204 });
  }

  async #status(limiter: SlidingWindowLimiter, endpoint: string): Promise<Response> {
    // After a failed write, only a write that works says the object works again.
    if (this.#storageFailed && !(await this.#persist(limiter))) return storageFails();
    const { limit, intervalMs, maxHoldMs } = limiter;
    const answer: StatusAnswer = {
      endpoint: this.#endpoint ?? endpoint,
      limit,
      intervalMs,
      maxHoldMs,
      busy: limiter.snapshot().length,
      inFlight: this.#releases.size,
      waiting: this.#waiters.size,
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

  /**
   * The limiter of this object's budget, made at the first request that may name its endpoint:
   * the object's name when the runtime gives it, else the first acquire (a status call fixes nothing).
   */
  #limiterFor(name: string, fixes: boolean): SlidingWindowLimiter {
    const endpoint = checkedEndpoint(name);
    if (this.#endpoint === undefined && fixes) this.#endpoint = endpoint;
    if ("refused" in this.#settings) throw new HtxInputError(this.#settings.refused);
    if (this.#limiter) return this.#limiter;
    const budget = this.#endpoint ?? endpoint;
    const limiter = new SlidingWindowLimiter({
      ...HTX_ENDPOINT_BUDGETS[budget],
      ...this.#settings,
      // Wall-clock time, so that persisted slots mean the same after a restart.
      now: () => Date.now(),
      restore: this.#restored ?? [],
    });
    if (this.#endpoint === undefined) return limiter; // a status call before any acquire: not kept
    this.#limiter = limiter;
    this.#restored = undefined;
    return limiter;
  }

  /** Stores the busy slots; false (and remembered) when the write fails. */
  async #persist(limiter: SlidingWindowLimiter): Promise<boolean> {
    try {
      await this.#state.storage.put(SLOTS_KEY, limiter.snapshot());
      this.#storageFailed = false;
    } catch {
      this.#storageFailed = true;
      return false;
    }
    if (!this.#alarmSet && this.#state.storage.setAlarm) {
      this.#alarmSet = true;
      await this.#state.storage.setAlarm(Date.now() + PRUNE_AFTER_MS).catch(() => (this.#alarmSet = false));
    }
    return true;
  }
}

/** Status 503: the object's storage fails, so it grants nothing (the Worker treats it as unreachable). */
function storageFails(): Response {
  const error = "The rate-limit object's storage fails; nothing was granted.";
  return Response.json({ error } satisfies AcquireAnswer, { status: 503 });
}

function isSlotRecord(value: unknown): value is SlotRecord {
  const slot = value as SlotRecord;
  return typeof slot === "object" && slot !== null && Number.isFinite(slot.grantedAt) &&
    (slot.releasedAt === undefined || Number.isFinite(slot.releasedAt));
}
