/**
 * Rate limits per UID and endpoint, counted by arrival. HTX documents the budgets (50 batch
 * cancels, 50 cancels by criteria, 50 open-order listings, 100 account listings per 2 s, each
 * its own) but not where a
 * window starts: see {@link WindowAlignment}. The default, `sliding`, refuses every request
 * that any alignment would refuse, so a client that survives it survives HTX's.
 */
import type { RateHeaders } from "./answers.ts";
import type { WindowAlignment } from "./types.ts";

/** The endpoints that count against a budget. */
export type LimitedEndpoint = "batch-cancel" | "batch-cancel-open-orders" | "open-orders" | "accounts";

/** How the windows work (validated options). */
export interface WindowRules {
  /** Requests per window, by endpoint. */
  limits: Record<LimitedEndpoint, number>;
  intervalMs: number;
  alignment: WindowAlignment;
  /** For `random-offset`. */
  offsetMs: number;
  /** Requests refused before the limit is reached. */
  refuseEarly: number;
  expireHeader: "epoch-ms" | "remaining-ms";
}

/** What the limiter made of one request. */
export interface Admission {
  admitted: boolean;
  /** The rate-limit headers of its answer. */
  rate: RateHeaders;
  /** The most arrivals (admitted or not) of this UID and endpoint within any span of `intervalMs`. */
  busiest: number;
}

interface UidWindows {
  /** Arrival times that passed the signature check, sorted, for {@link Admission.busiest}. */
  arrivals: number[];
  /** Admitted arrival times, sorted (sliding windows). */
  admitted: number[];
  /** Fixed windows: start → requests admitted. */
  counts: Map<number, number>;
  /** `first-request`: the start of the current window. */
  anchor?: number;
}

/** Every UID's windows for every endpoint. */
export class RateWindows {
  readonly #state = new Map<string, UidWindows>();

  /** @param rules How the windows work. */
  constructor(readonly rules: WindowRules) {}

  /** Counts a request of `uid` to `endpoint` that arrived at `at`; tells whether it may pass. */
  admit(endpoint: LimitedEndpoint, uid: number, at: number): Admission {
    const key = `${endpoint}:${uid}`;
    const windows = this.#state.get(key) ?? { arrivals: [], admitted: [], counts: new Map() };
    this.#state.set(key, windows);
    const busiest = this.#recordArrival(windows, at);
    const limit = this.rules.limits[endpoint];
    const capacity = Math.max(0, limit - this.rules.refuseEarly);
    const { admitted, used, end } = this.rules.alignment === "sliding"
      ? this.#sliding(windows, at, capacity)
      : this.#fixed(windows, at, capacity);
    const expire = this.rules.expireHeader === "epoch-ms" ? end : Math.max(0, end - at);
    return { admitted, rate: { remain: Math.max(0, limit - used), expire }, busiest };
  }

  #recordArrival(windows: UidWindows, at: number): number {
    const { arrivals } = windows;
    insertSorted(arrivals, at);
    const interval = this.rules.intervalMs;
    while (arrivals.length > 0 && arrivals.at(-1)! - arrivals[0]! >= 2 * interval) arrivals.shift();
    let busiest = 0;
    for (let lo = 0, hi = 0; hi < arrivals.length; hi++) {
      while (arrivals[hi]! - arrivals[lo]! >= interval) lo++;
      busiest = Math.max(busiest, hi - lo + 1);
    }
    return busiest;
  }

  /** Admits when every window of `intervalMs` that contains `at` has room. */
  #sliding(windows: UidWindows, at: number, capacity: number) {
    const interval = this.rules.intervalMs;
    const { admitted } = windows;
    while (admitted.length > 0 && admitted[0]! <= at - 2 * interval) admitted.shift();
    // Windows [x, x + interval) containing `at` start at `at` or at an admitted time before it.
    let fullest = 0;
    for (let i = 0, j = 0; i <= admitted.length; i++) {
      const x = i < admitted.length ? admitted[i]! : at;
      if (x <= at - interval || (i < admitted.length && x > at)) continue;
      while (j < admitted.length && admitted[j]! < x) j++;
      let k = j;
      while (k < admitted.length && admitted[k]! < x + interval) k++;
      fullest = Math.max(fullest, k - j);
    }
    const ok = fullest < capacity;
    if (ok) insertSorted(admitted, at);
    const recent = admitted.filter((t) => t > at - interval && t <= at);
    return { admitted: ok, used: recent.length, end: (recent[0] ?? at) + interval };
  }

  #fixed(windows: UidWindows, at: number, capacity: number) {
    const start = this.#windowStart(windows, at);
    const interval = this.rules.intervalMs;
    for (const old of windows.counts.keys()) if (old < start - 2 * interval) windows.counts.delete(old);
    const before = windows.counts.get(start) ?? 0;
    const ok = before < capacity;
    if (ok) windows.counts.set(start, before + 1);
    return { admitted: ok, used: before + (ok ? 1 : 0), end: start + interval };
  }

  #windowStart(windows: UidWindows, at: number): number {
    const { intervalMs: interval, alignment, offsetMs } = this.rules;
    if (alignment === "first-request") {
      if (windows.anchor === undefined || at >= windows.anchor + interval) windows.anchor = at;
      return windows.anchor;
    }
    const offset = alignment === "random-offset" ? offsetMs : 0;
    return Math.floor((at - offset) / interval) * interval + offset;
  }
}

function insertSorted(list: number[], t: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > t) i--;
  list.splice(i, 0, t);
}
