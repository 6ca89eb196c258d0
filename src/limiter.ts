/**
 * Client-side rate limiting. HTX allows 50 batch-cancel requests per 2 s per UID and counts
 * them by arrival in fixed windows whose alignment a client cannot see. A sliding window over
 * send times never puts more than `limit` sends into any `intervalMs` span, so it fits every
 * alignment of fixed windows; the margin absorbs jitter between send and arrival.
 */
import { HtxAbortError } from "./errors.ts";

/** Grants permission to send one request. Replace it to share one budget between processes. */
export interface RateLimiter {
  /** Resolves when one request may be sent; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/** Options of {@link SlidingWindowLimiter}. */
export interface SlidingWindowOptions {
  /** Requests per window; default 50 (HTX's batch-cancel limit). */
  limit?: number;
  /** Window length in ms; default 2000. */
  intervalMs?: number;
  /** Extra ms every window is held for, against arrival jitter; default 50. */
  marginMs?: number;
  /** Monotonic clock in ms; default `performance.now`. */
  now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** In-memory sliding-window limiter; waiters are served first come, first served. */
export class SlidingWindowLimiter implements RateLimiter {
  readonly limit: number;
  readonly intervalMs: number;
  readonly marginMs: number;
  readonly #now: () => number;
  /** Send times of the last `limit` grants, oldest first. */
  readonly #grants: number[] = [];
  readonly #waiting: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SlidingWindowOptions = {}) {
    this.limit = options.limit ?? 50;
    this.intervalMs = options.intervalMs ?? 2000;
    this.marginMs = options.marginMs ?? 50;
    this.#now = options.now ?? (() => performance.now());
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<void>((resolve, reject) => {
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

  /** Grants as many waiters as the window allows, then sleeps until the oldest grant expires. */
  #drain(): void {
    if (this.#timer !== undefined) return;
    while (this.#waiting.length > 0) {
      const now = this.#now();
      const span = this.intervalMs + this.marginMs;
      if (this.#grants.length >= this.limit) {
        const wait = this.#grants[0]! + span - now;
        if (wait > 0) {
          this.#timer = setTimeout(() => {
            this.#timer = undefined;
            this.#drain();
          }, Math.ceil(wait));
          return;
        }
        this.#grants.shift();
        continue;
      }
      const waiter = this.#waiting.shift()!;
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      this.#grants.push(now);
      waiter.resolve();
    }
  }
}

function abortError(signal: AbortSignal): HtxAbortError {
  return new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason });
}
