/**
 * Client-side rate limiting. HTX allows 50 batch-cancel requests per 2 s per UID and counts
 * them by *arrival*, in fixed windows whose alignment a client cannot see. A client only knows
 * when it sent a request and when the answer came back, and the arrival lies between the two.
 * So each slot is held from the send until the answer, and then for a whole window: two
 * requests `limit` apart in that order are then always a window apart at HTX, whatever the
 * network did in between (cold connections, TLS handshakes, queues). The price is one round
 * trip per window.
 */
import { HtxAbortError } from "./errors.ts";

/** Tells the limiter that the request's answer (or its failure) has arrived. */
export type ReleaseSlot = () => void;

/** Grants permission to send one request. Replace it to share one budget between processes. */
export interface RateLimiter {
  /**
   * Resolves when one request may be sent; rejects if `signal` aborts first. It may resolve
   * with a {@link ReleaseSlot}, which the client calls once the answer arrives, so that the
   * window is counted from then; a limiter that resolves with nothing counts from the grant.
   */
  acquire(signal?: AbortSignal): Promise<void | ReleaseSlot>;
}

/** Options of {@link SlidingWindowLimiter}. */
export interface SlidingWindowOptions {
  /** Requests per window; default 50 (HTX's batch-cancel limit). */
  limit?: number;
  /** Window length in ms; default 2000. */
  intervalMs?: number;
  /** Extra ms each slot is held, against timer and clock rounding; default 10. */
  marginMs?: number;
  /** A slot whose release never comes is freed after this many ms; default 30_000. */
  maxHoldMs?: number;
  /** Monotonic clock in ms; default `performance.now`. Use `Date.now` when slots are persisted. */
  now?: () => number;
  /**
   * Busy slots from an earlier {@link SlidingWindowLimiter.snapshot} (same clock), e.g. after a
   * restart. Slots that were still in flight count as answered now: the safe reading.
   */
  restore?: readonly SlotRecord[];
}

/** A busy slot: when it was granted and, once the answer came, when that was. */
export interface SlotRecord {
  /** When the slot was granted (limiter clock, ms). */
  grantedAt: number;
  /** When the answer arrived; absent while the request is in flight. */
  releasedAt?: number;
}

type Slot = SlotRecord;

interface Waiter {
  resolve: (release: ReleaseSlot) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

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
    this.limit = options.limit ?? 50;
    this.intervalMs = options.intervalMs ?? 2000;
    this.marginMs = options.marginMs ?? 10;
    this.maxHoldMs = options.maxHoldMs ?? 30_000;
    this.#now = options.now ?? (() => performance.now());
    const now = this.#now();
    for (const slot of options.restore ?? []) {
      this.#slots.push({ grantedAt: slot.grantedAt, releasedAt: slot.releasedAt ?? now });
    }
  }

  /** The slots that still count against the limit, to persist and restore later. */
  snapshot(): SlotRecord[] {
    const now = this.#now();
    return this.#slots.filter((slot) => this.#freeAt(slot) > now).map((slot) => ({ ...slot }));
  }

  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const at = this.#waiting.indexOf(waiter);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(abortError(signal));
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.#waiting.push(waiter);
      this.#drain();
    });
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
    for (let i = this.#slots.length - 1; i >= 0; i--) {
      if (this.#freeAt(this.#slots[i]!) <= now) this.#slots.splice(i, 1);
    }
    while (this.#waiting.length > 0 && this.#slots.length < this.limit) {
      const waiter = this.#waiting.shift()!;
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      const slot: Slot = { grantedAt: now };
      this.#slots.push(slot);
      waiter.resolve(() => {
        if (slot.releasedAt !== undefined) return; // a second release must not move the answer time
        slot.releasedAt = this.#now();
        this.#schedule();
      });
    }
    this.#schedule();
  }

  /** Wakes up when the earliest busy slot frees, if anyone is waiting. */
  #schedule(): void {
    if (this.#waiting.length === 0) return;
    const wakeAt = Math.min(...this.#slots.map((slot) => this.#freeAt(slot)));
    if (this.#timer !== undefined && wakeAt >= this.#wakeAt) return;
    clearTimeout(this.#timer);
    this.#wakeAt = wakeAt;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wakeAt = Infinity;
      this.#drain();
    }, Math.max(0, Math.ceil(wakeAt - this.#now())));
  }
}

function abortError(signal: AbortSignal): HtxAbortError {
  return new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason });
}
