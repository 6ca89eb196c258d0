/**
 * Client-side rate limiting. HTX allows 50 batch-cancel requests per 2 s per UID and counts
 * them by *arrival*, in fixed windows whose alignment a client cannot see. A client only knows
 * when it sent a request and when the answer came back, and the arrival lies between the two.
 * So each slot is held from the send until the answer, and then for a whole window: two
 * requests `limit` apart in that order are then always a window apart at HTX, whatever the
 * network did in between (cold connections, TLS handshakes, queues). The price is one round
 * trip per window.
 */
import { HtxInputError } from "../core/errors.ts";
import { MAX_TIMER_MS } from "../core/checks.ts";
import { checkWindowOptions, type SlidingWindowOptions, type SlotRecord } from "./options.ts";
import { enqueue, type ReleaseSlot, serve, type Waiter } from "./waiters.ts";

export type { SlidingWindowOptions, SlotRecord } from "./options.ts";

export type { ReleaseSlot } from "./waiters.ts";

/** Grants permission to send one request. Replace it to share one budget between processes. */
export interface RateLimiter {
  /**
   * Resolves when one request may be sent; rejects if `signal` aborts first. It may resolve
   * with a {@link ReleaseSlot}, which the client calls once the answer arrives, so that the
   * window is counted from then; a limiter that resolves with nothing counts from the grant.
   */
  acquire(signal?: AbortSignal): Promise<void | ReleaseSlot>;
  /**
   * Optional: told when HTX refused a request of this budget for its rate (a rate-limit answer or
   * HTTP 429), which means software this limiter cannot see spends the same budget. A limiter
   * should then grant nothing for a window; a shared one, to none of the processes that share it.
   * The client ignores what it returns.
   */
  penalize?(): void | Promise<void>;
}

type Slot = SlotRecord;

/** In-memory limiter: at most `limit` slots busy, each from its grant to a window after its answer. */
export class SlidingWindowLimiter implements RateLimiter {
  /** Requests per window. */
  readonly limit: number;
  /** Window length in ms. */
  readonly intervalMs: number;
  /** Extra ms each slot is held. */
  readonly marginMs: number;
  /** After this many ms an unreleased slot is freed. */
  readonly maxHoldMs: number;
  readonly #now: () => number;
  readonly #slots: Slot[] = [];
  readonly #waiting: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wakeAt = Infinity;

  /**
   * Creates a limiter; by default HTX's batch-cancel limit, 50 requests per 2 s.
   * @param options Limit, window, margin, hold and clock.
   */
  constructor(options: SlidingWindowOptions = {}) {
    const checked = checkWindowOptions("SlidingWindowLimiter", options);
    this.limit = checked.limit;
    this.intervalMs = checked.intervalMs;
    this.marginMs = checked.marginMs;
    this.maxHoldMs = checked.maxHoldMs;
    this.#now = checked.now;
    for (const { grantedAt, releasedAt } of checkedSlots(options.restore)) {
      this.#slots.push(releasedAt === undefined ? { grantedAt } : { grantedAt, releasedAt });
    }
  }

  /** The slots that still count against the limit, to persist and restore later. */
  snapshot(): SlotRecord[] {
    const now = this.#now();
    return this.#slots.filter((slot) => this.#freeAt(slot) > now).map((slot) => ({ ...slot }));
  }

  /**
   * Counts slots granted elsewhere as busy (e.g. those a Worker took from its own share while it
   * could not reach the shared budget), past the limit if need be: nothing more is granted until
   * enough of them have freed. Same clock and rules as `restore`.
   */
  occupy(records: readonly SlotRecord[]): void {
    for (const { grantedAt, releasedAt } of checkedSlots(records)) {
      this.#slots.push(releasedAt === undefined ? { grantedAt } : { grantedAt, releasedAt });
    }
    this.#schedule();
  }

  /**
   * HTX refused a request for its rate: the window is full, whatever this limiter counted. As
   * many slots as the limit count as answered at the refusal (fewer if some are busy as long
   * already), so that nothing is granted for a window (`intervalMs + marginMs`) from it, and a
   * snapshot keeps that.
   * @param at when HTX refused, on this limiter's clock; default now, and never later than now.
   */
  penalize(at?: number): void {
    const now = this.#now();
    const refusedAt = at === undefined || !(at < now) ? now : at;
    const until = refusedAt + this.intervalMs + this.marginMs;
    if (until <= now) return; // its window is over
    const busyAsLong = this.#slots.filter((slot) => this.#freeAt(slot) >= until).length;
    for (let i = busyAsLong; i < this.limit; i++) this.#slots.push({ grantedAt: refusedAt, releasedAt: refusedAt });
  }

  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    // A free slot and nobody ahead: granted at once, with no waiter, listener or timer to set up
    // (a fresh process's first request, and most requests, go this way).
    if (this.#waiting.length === 0 && !signal?.aborted) {
      const now = this.#now();
      this.#prune(now);
      if (this.#slots.length < this.limit) return Promise.resolve(this.#grant(now));
    }
    // Nobody left to wake after an abort: a pending timer would only keep the process alive.
    return enqueue(this.#waiting, signal, { wake: () => this.#drain(), onEmpty: () => this.#stopTimer() });
  }

  /** When a slot stops counting: a window after its answer, or `maxHoldMs` after an unanswered grant. */
  #freeAt(slot: Slot): number {
    return slot.releasedAt === undefined
      ? slot.grantedAt + this.maxHoldMs
      : slot.releasedAt + this.intervalMs + this.marginMs;
  }

  /** Grants as many waiters as there are free slots, then sleeps until one frees. */
  #drain(): void {
    const now = this.#now();
    this.#prune(now);
    while (this.#waiting.length > 0 && this.#slots.length < this.limit) serve(this.#waiting.shift()!, this.#grant(now));
    this.#schedule();
  }

  /** Forgets the slots that are free again at `now`. */
  #prune(now: number): void {
    for (let i = this.#slots.length - 1; i >= 0; i--) {
      if (this.#freeAt(this.#slots[i]!) <= now) this.#slots.splice(i, 1);
    }
  }

  /** Takes a slot at `now`; returns its release, which counts the window from the answer. */
  #grant(now: number): ReleaseSlot {
    const slot: Slot = { grantedAt: now };
    this.#slots.push(slot);
    return () => {
      if (slot.releasedAt !== undefined) return; // a second release must not move the answer time
      slot.releasedAt = this.#now();
      this.#schedule();
    };
  }

  /** Wakes up when the earliest busy slot frees, if anyone is waiting. */
  #schedule(): void {
    if (this.#waiting.length === 0) return this.#stopTimer();
    let wakeAt = Infinity;
    for (const slot of this.#slots) wakeAt = Math.min(wakeAt, this.#freeAt(slot));
    if (this.#timer !== undefined && wakeAt >= this.#wakeAt) return;
    clearTimeout(this.#timer);
    this.#wakeAt = wakeAt;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wakeAt = Infinity;
      this.#drain();
    }, Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(wakeAt - this.#now()))));
  }

  #stopTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wakeAt = Infinity;
  }
}

/** Restored slots: an array of `{ grantedAt, releasedAt? }` with finite times, no holes. */
function checkedSlots(restore: unknown): SlotRecord[] {
  if (restore === undefined) return [];
  const isTime = (t: unknown) => typeof t === "number" && Number.isFinite(t);
  const isSlot = (slot: unknown): slot is SlotRecord =>
    typeof slot === "object" && slot !== null && isTime((slot as SlotRecord).grantedAt) &&
    ((slot as SlotRecord).releasedAt === undefined || isTime((slot as SlotRecord).releasedAt));
  const slots: SlotRecord[] = [];
  // Indexed, not every(): every() skips the holes of a sparse array.
  for (let i = 0; Array.isArray(restore) && i < restore.length; i++) {
    if (!isSlot(restore[i])) break;
    slots.push(restore[i]);
  }
  if (!Array.isArray(restore) || slots.length !== restore.length) {
    throw new HtxInputError(
      "SlidingWindowLimiter: restore must be the array an earlier snapshot() returned " +
        "({ grantedAt, releasedAt? } with times in ms).",
    );
  }
  return slots;
}
