/**
 * The Worker's side: a {@link RateLimiter} that takes its slots from the {@link HtxRateLimitObject}
 * of one budget, and keeps cancelling on a conservative local share while the object is
 * unreachable, going back to the object as soon as it answers.
 */
import { HtxInputError } from "../core/errors.ts";
import { HtxAbortError, HtxTimeoutError } from "../http/request-errors.ts";
import { type RateLimiter, type ReleaseSlot, SlidingWindowLimiter } from "../limits/limiter.ts";
import { checkedNumber } from "../limits/options.ts";
import { sleep, timeLimit } from "../core/timers.ts";
import { checkedEndpoint, HTX_ENDPOINT_BUDGETS, type HtxEndpoint, normalizeUid, objectName } from "./budgets.ts";
import { type AcquireAnswer, LONG_POLL_MS, OBJECT_ORIGIN } from "./protocol.ts";

/** The part of a Durable Object namespace binding this module uses. */
export interface DurableObjectNamespaceLike {
  /** The id of the object for a name. */
  idFromName(name: string): unknown;
  /** A stub of the object with that id. */
  get(id: never): { fetch(request: Request): Promise<Response> };
}

/** Options of {@link durableObjectLimiter}. */
export interface DurableObjectLimiterOptions {
  /** The HTX endpoint whose budget to share; default `"batch-cancel"`. Each has its own object. */
  endpoint?: HtxEndpoint;
  /**
   * How long one call to the object may take before it counts as failed; default 5000, at
   * least 3000 (the object holds a call open up to 2 s when no slot is free).
   */
  timeoutMs?: number;
  /** The longest one `acquire` may wait, in ms, before it rejects with `HtxTimeoutError`; default no limit. */
  maxWaitMs?: number;
  /**
   * While the object is unreachable, callers wait this long (ms) for it to come back, probing it
   * with backoff, before they take slots from the local share; default 1000.
   */
  fallbackAfterMs?: number;
  /**
   * The local share used while the object is unreachable; default a fifth of the endpoint's
   * budget (10 per 2 s for batch cancel), so that a few Workers falling back together stay
   * within HTX's limit.
   */
  fallbackLimit?: { limit?: number; intervalMs?: number };
  /** Keeps the last releases alive after the Worker's response: pass `(p) => ctx.waitUntil(p)`. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * Told once per outage, when the first slot is taken from the local share instead of the
   * shared budget; default `console.warn`. `grants` counts how many were.
   */
  onFallback?: (error: unknown) => void;
}

/** A {@link RateLimiter} that says how many of its grants came from the shared budget. */
export interface DurableObjectRateLimiter extends RateLimiter {
  /** Resolves with the slot's release when a request may be sent; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot>;
  /** Slots granted by the object (`shared`) and from the local share while it was unreachable (`local`). */
  readonly grants: { readonly shared: number; readonly local: number };
}

/** Probes of an unreachable object wait 100 ms, then twice as long each time, up to 2 s. */
const FIRST_PROBE_MS = 100;
const MAX_PROBE_MS = 2000;

interface Outage {
  since: number;
  error: unknown;
  reported: boolean;
  /** Aborts when the object answers again: callers waiting on the local share go back to it. */
  over: AbortController;
}

/**
 * A {@link RateLimiter} for `HtxClient` that asks the {@link HtxRateLimitObject} of `uid`'s
 * budget for `endpoint`: one long-polled `acquire` (asked again every 2 s while no slot is free)
 * and one `release` per HTX request. Grants are not batched: a batch would hand a Worker slots
 * it might not use while others wait, and each release carries the answer time that keeps the
 * window safe.
 *
 * @param namespace The Durable Object namespace binding of {@link HtxRateLimitObject}.
 * @param uid The HTX UID whose budget to share, as digits (`"12345678"`, `12345678` or a bigint).
 * @throws {HtxInputError} on a bad uid or option.
 */
export function durableObjectLimiter(
  namespace: DurableObjectNamespaceLike,
  uid: string | number | bigint,
  options: DurableObjectLimiterOptions = {},
): DurableObjectRateLimiter {
  if (typeof namespace?.idFromName !== "function" || typeof namespace.get !== "function") {
    throw new HtxInputError("durableObjectLimiter: pass the Durable Object namespace binding, e.g. env.HTX_LIMITER.");
  }
  return new ObjectLimiter(namespace, uid, options);
}

class ObjectLimiter implements DurableObjectRateLimiter {
  readonly grants = { shared: 0, local: 0 };
  /** Made anew after a failed call: Cloudflare documents a stub as possibly broken after an exception. */
  #stub: { fetch(request: Request): Promise<Response> };
  readonly #newStub: () => { fetch(request: Request): Promise<Response> };
  readonly #endpoint: HtxEndpoint;
  readonly #timeoutMs: number;
  readonly #maxWaitMs: number;
  readonly #fallbackAfterMs: number;
  readonly #local: SlidingWindowLimiter;
  readonly #waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  readonly #onFallback: (error: unknown) => void;
  #outage: Outage | undefined;
  /** Callers inside `acquire`; probes stop when there are none. */
  #callers = 0;

  constructor(namespace: DurableObjectNamespaceLike, uid: unknown, options: DurableObjectLimiterOptions) {
    const owner = "durableObjectLimiter";
    this.#endpoint = checkedEndpoint(options.endpoint ?? "batch-cancel");
    const id = namespace.idFromName(objectName(normalizeUid(uid), this.#endpoint));
    this.#newStub = () => namespace.get(id as never);
    this.#stub = this.#newStub();
    this.#timeoutMs = checkedNumber(owner, "timeoutMs", options.timeoutMs ?? 5000, LONG_POLL_MS + 1000);
    const maxWaitMs = options.maxWaitMs ?? Infinity;
    this.#maxWaitMs = maxWaitMs === Infinity ? Infinity : checkedNumber(owner, "maxWaitMs", maxWaitMs, 1);
    this.#fallbackAfterMs = checkedNumber(owner, "fallbackAfterMs", options.fallbackAfterMs ?? 1000, 0);
    const budget = HTX_ENDPOINT_BUDGETS[this.#endpoint];
    if (options.fallbackLimit !== undefined && (typeof options.fallbackLimit !== "object" || !options.fallbackLimit)) {
      throw new HtxInputError(`${owner}: fallbackLimit must be an object such as { limit: 10, intervalMs: 2000 }.`);
    }
    this.#local = new SlidingWindowLimiter({
      limit: Math.max(1, Math.floor(budget.limit / 5)),
      intervalMs: budget.intervalMs,
      ...options.fallbackLimit,
    });
    for (const name of ["waitUntil", "onFallback"] as const) {
      if (options[name] !== undefined && typeof options[name] !== "function") {
        throw new HtxInputError(`${owner}: ${name} must be a function.`);
      }
    }
    this.#waitUntil = options.waitUntil;
    this.#onFallback = options.onFallback ??
      ((error: unknown) =>
        console.warn(
          `htx-batch-cancel: the rate-limit Durable Object is unreachable (${String(error)}); ` +
            "using a local share of the budget until it answers again.",
        ));
  }

  async acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    const wait = timeLimit(this.#maxWaitMs, signal);
    try {
      return await this.#acquire(wait.signal);
    } catch (error) {
      if (!wait.timedOut || signal?.aborted) throw error;
      throw new HtxTimeoutError(
        `No rate-limit slot within maxWaitMs (${this.#maxWaitMs} ms); this request was not sent.`,
        this.#maxWaitMs,
      );
    } finally {
      wait.dispose();
    }
  }

  async #acquire(signal: AbortSignal): Promise<ReleaseSlot> {
    this.#callers++;
    try {
      for (;;) {
        if (signal.aborted) throw new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason });
        const outage = this.#outage;
        if (!outage) {
          const slot = await this.#ask();
          if (slot === undefined) continue;
          this.grants.shared++;
          if (!signal.aborted) return this.#releaseOf(slot);
          this.#releaseOf(slot)(); // granted to a caller who left: give it back at once
          continue;
        }
        const localAt = outage.since + this.#fallbackAfterMs;
        if (Date.now() < localAt) {
          await sleepUnlessWoken(localAt - Date.now(), outage.over.signal, signal); // the object may be back by then
          continue;
        }
        const release = await this.#acquireLocal(outage, signal);
        if (release) return release;
      }
    } finally {
      this.#callers--;
    }
  }

  /** One `acquire` call: the slot's id, or undefined when asked to ask again or the call failed. */
  async #ask(): Promise<string | undefined> {
    let answer: AcquireAnswer;
    try {
      // Not aborted mid-call: a slot granted to a caller who left would be held for nothing.
      answer = (await (await this.#call(`/acquire?endpoint=${this.#endpoint}`)).json()) as AcquireAnswer;
    } catch (error) {
      if (error instanceof HtxInputError) throw error; // the object refuses its settings: loud, not a fallback
      this.#failed(error);
      return undefined;
    }
    this.#answered();
    return typeof answer.slot === "string" ? answer.slot : undefined;
  }

  /** A call failed: the outage starts (once), and probes look for the object's return. */
  #failed(error: unknown): void {
    if (this.#outage) return; // calls under way when it began fail with it
    this.#outage = { since: Date.now(), error, reported: false, over: new AbortController() };
    void this.#probe(this.#outage);
  }

  /** The object answered: the shared budget is back for every caller. */
  #answered(): void {
    this.#outage?.over.abort();
    this.#outage = undefined;
  }

  /**
   * Asks the object's status with backoff until it answers (the outage ends) or nobody waits
   * (the next caller asks the object itself). A status call grants nothing, so no slot is lost.
   */
  async #probe(outage: Outage): Promise<void> {
    for (let delay = FIRST_PROBE_MS; this.#outage === outage; delay = Math.min(MAX_PROBE_MS, delay * 2)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.#outage !== outage) return;
      if (this.#callers === 0) {
        this.#outage = undefined;
        return;
      }
      try {
        await this.#call(`/status?endpoint=${this.#endpoint}`, "GET");
        this.#answered();
      } catch (error) {
        if (error instanceof HtxInputError) this.#answered(); // reachable; acquire will say what is wrong
        else outage.error = error;
      }
    }
  }

  /** A slot of the local share, or undefined if the object came back meanwhile. */
  async #acquireLocal(outage: Outage, signal: AbortSignal): Promise<ReleaseSlot | undefined> {
    if (!outage.reported) {
      outage.reported = true;
      try {
        this.#onFallback(outage.error);
      } catch {
        // A failing report must not stop the cancels.
      }
    }
    try {
      const release = await this.#local.acquire(AbortSignal.any([signal, outage.over.signal]));
      this.grants.local++;
      return release;
    } catch (error) {
      if (signal.aborted || !outage.over.signal.aborted) throw error;
      return undefined;
    }
  }

  #releaseOf(slot: string): ReleaseSlot {
    return () => {
      const done = this.#call(`/release?slot=${encodeURIComponent(slot)}`).then(() => {}, () => {});
      this.#waitUntil?.(done);
    };
  }

  /** One call to the object, failed after `timeoutMs`; a `{ refused }` answer becomes an HtxInputError. */
  async #call(path: string, method = "POST"): Promise<Response> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    try {
      const request = new Request(`${OBJECT_ORIGIN}${path}`, { method });
      const stub = this.#stub;
      const response = await Promise.race([stub.fetch(request), timeout]).catch((error: unknown) => {
        if (this.#stub === stub) this.#stub = this.#newStub();
        throw error;
      });
      if (response.ok) return response;
      const refused = ((await response.json().catch(() => ({}))) as AcquireAnswer).refused;
      if (typeof refused === "string") {
        throw new HtxInputError(`The rate-limit Durable Object refuses its settings: ${refused}`);
      }
      throw new Error(`HTTP ${response.status}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Resolves after `ms` or when `wake` aborts; rejects with HtxAbortError when `signal` aborts. */
async function sleepUnlessWoken(ms: number, wake: AbortSignal, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, signal, wake);
  } catch {
    throw new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason });
  }
}
