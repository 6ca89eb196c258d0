/**
 * The Worker's side: a {@link RateLimiter} that takes its slots from the {@link HtxRateLimitObject}
 * of one budget, and keeps cancelling on a conservative local share while the object is
 * unreachable, going back to the object as soon as it answers.
 */
import { HtxError, HtxInputError } from "../core/errors.ts";
import { HtxAbortError, HtxTimeoutError } from "../http/request-errors.ts";
import { type RateLimiter, type ReleaseSlot, SlidingWindowLimiter, type SlotRecord } from "../limits/limiter.ts";
import { checkedNumber } from "../limits/options.ts";
import { timeLimit } from "../core/timers.ts";
import { checkedEndpoint, HTX_ENDPOINT_BUDGETS, type HtxEndpoint, normalizeUid, objectName } from "./budgets.ts";
import { LONG_POLL_MS } from "./protocol.ts";
import { ObjectLink } from "./object-link.ts";
import { SubrequestBudget, SubrequestTicket } from "./subrequests.ts";

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
   * A local share to use while the object is unreachable; default none: callers wait for the
   * object (up to `maxWaitMs`), and the fleet never exceeds the budget. Opting in keeps a kill
   * switch cancelling through an outage, at a price: each limiter has its own share, so N
   * limiters falling back together may send N × `limit` per window (keep N × limit within the
   * budget), and on its return the object counts what they granted (each reports it) before
   * granting more. `{}` means a fifth of the budget (10 per 2 s for batch cancel).
   */
  fallbackLimit?: { limit?: number; intervalMs?: number };
  /**
   * The invocation's subrequest budget: Cloudflare's limit per invocation (Workers Free 50, Paid
   * 10,000: `CLOUDFLARE_SUBREQUEST_LIMITS`), or one {@link SubrequestBudget} shared by every
   * limiter of the invocation. The limiter then grants a slot only while its request and its
   * release can still be sent, and refuses the rest with an error naming the limit (their ids
   * are unresolved, `mayHaveBeenApplied: false`). Default: not known (a "Too many subrequests"
   * failure is still reported as that, not as an outage).
   */
  subrequests?: number | SubrequestBudget;
  /** Keeps the last releases alive after the Worker's response: pass `(p) => ctx.waitUntil(p)`. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * Told once per outage, `fallbackAfterMs` after it began: callers wait (or, with a
   * `fallbackLimit`, take the local share); default `console.warn`. `grants.local` counts the
   * local slots.
   */
  onFallback?: (error: unknown) => void;
}

/** A {@link RateLimiter} that says how many of its grants came from the shared budget. */
export interface DurableObjectRateLimiter extends RateLimiter {
  /** Resolves with the slot's release when a request may be sent; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot>;
  /**
   * HTX refused a request of this budget for its rate: the object grants nothing, to any Worker
   * bound to it, for a window (`HTX_RATE_INTERVAL_MS` + 10 ms, on its clock) from then. The
   * client calls it by itself. Resolves once the object knows; while it is unreachable (or the
   * call fails, or no subrequest is left), the local share is penalized instead. Never rejects.
   */
  penalize(): Promise<void>;
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
  /** Called when the object answers again: callers waiting go back to it. Plain callbacks, not a signal: no listener count. */
  readonly wakers: Set<() => void>;
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

const OWNER = "durableObjectLimiter";

class ObjectLimiter implements DurableObjectRateLimiter {
  readonly grants = { shared: 0, local: 0 };
  readonly #link: ObjectLink;
  readonly #maxWaitMs: number;
  readonly #fallbackAfterMs: number;
  readonly #local: SlidingWindowLimiter | undefined;
  readonly #subrequests: SubrequestBudget | undefined;
  readonly #waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  readonly #onFallback: (error: unknown) => void;
  #outage: Outage | undefined;
  /** Slots taken on the local share and not yet reported to the object (wall-clock times). */
  #unreported: SlotRecord[] = [];
  /** When HTX last refused for rate while the object could not hear of it (wall clock): reported with the grants. */
  #untoldPenaltyAt: number | undefined;
  /** HTX's window of this endpoint: an untold refusal older than that is not worth telling. */
  readonly #intervalMs: number;
  /** The report of local grants under way, if any. */
  #reporting: Promise<void> | undefined;
  /** Callers inside `acquire`; probes stop when there are none. */
  #callers = 0;
  /**
   * At most a window's worth of long polls at once: more could not all be granted in the next
   * window, and each ask again costs a subrequest (N callers polling would cost about N²/100).
   */
  readonly #asks: AskGate;

  constructor(namespace: DurableObjectNamespaceLike, uid: unknown, options: DurableObjectLimiterOptions) {
    const endpoint = checkedEndpoint(options.endpoint ?? "batch-cancel");
    this.#intervalMs = HTX_ENDPOINT_BUDGETS[endpoint].intervalMs;
    const id = namespace.idFromName(objectName(normalizeUid(uid), endpoint));
    const timeoutMs = checkedNumber(OWNER, "timeoutMs", options.timeoutMs ?? 5000, LONG_POLL_MS + 1000);
    const maxWaitMs = options.maxWaitMs ?? Infinity;
    this.#maxWaitMs = maxWaitMs === Infinity ? Infinity : checkedNumber(OWNER, "maxWaitMs", maxWaitMs, 1);
    this.#fallbackAfterMs = checkedNumber(OWNER, "fallbackAfterMs", options.fallbackAfterMs ?? 1000, 0);
    this.#local = localShare(endpoint, options.fallbackLimit);
    this.#asks = new AskGate(HTX_ENDPOINT_BUDGETS[endpoint].limit);
    this.#subrequests = subrequestBudget(options.subrequests);
    for (const name of ["waitUntil", "onFallback"] as const) {
      if (options[name] !== undefined && typeof options[name] !== "function") {
        throw new HtxInputError(`${OWNER}: ${name} must be a function.`);
      }
    }
    this.#link = new ObjectLink(() => namespace.get(id as never), endpoint, timeoutMs, this.#subrequests);
    this.#waitUntil = options.waitUntil;
    this.#onFallback = options.onFallback ??
      ((error: unknown) =>
        console.warn(
          `htx-batch-cancel: the rate-limit Durable Object is unreachable (${String(error)}); ` +
            (this.#local ? "using a local share of the budget" : "callers wait") + " until it answers again.",
        ));
  }

  /** One listener on the caller's signal per call (the time limit's); every wait below uses its signal. */
  async acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    const wait = timeLimit(this.#maxWaitMs, signal);
    try {
      if (wait.signal.aborted) throw new HtxAbortError("Aborted before the request was sent.");
      return await this.#acquire(wait.signal, new SubrequestTicket(this.#subrequests));
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

  penalize(): Promise<void> {
    // Always: the local share is what counts if the object becomes unreachable within the window.
    this.#local?.penalize();
    if (this.#outage) {
      this.#keepUntold(Date.now()); // the local share counts it now; the object hears of it when it answers
      return Promise.resolve();
    }
    if (this.#subrequests && !this.#subrequests.use(false)) return Promise.resolve();
    const at = Date.now();
    const telling = this.#link.penalize().catch((error: unknown) => {
      // Refused (another endpoint's object) or out of subrequests: not an outage.
      if (error instanceof HtxError) return;
      this.#keepUntold(at);
      this.#failed(error);
    });
    // The client does not wait for it: the call must outlive the Worker's response.
    this.#waitUntil?.(telling);
    return telling;
  }

  async #acquire(signal: AbortSignal, ticket: SubrequestTicket): Promise<ReleaseSlot> {
    this.#callers++;
    try {
      for (;;) {
        if (signal.aborted) throw new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason });
        const outage = this.#outage;
        if (!outage) {
          const slot = await this.#ask(signal, ticket);
          if (slot === undefined) continue;
          this.grants.shared++;
          ticket.sent();
          return this.#releaseOf(slot, ticket);
        }
        const localAt = outage.since + this.#fallbackAfterMs;
        if (Date.now() >= localAt) this.#reportFallback(outage);
        if (Date.now() < localAt || !this.#local) {
          // Until the object is back (a probe wakes us), or until the local share may be used.
          await pause(this.#local ? localAt - Date.now() : Infinity, outage, signal);
          continue;
        }
        const release = await this.#acquireLocal(this.#local, outage, signal);
        if (!release) continue;
        ticket.sent(); // the HTX request is a subrequest too; the release costs none
        ticket.close();
        return release;
      }
    } catch (error) {
      ticket.close();
      throw error;
    } finally {
      this.#callers--;
    }
  }

  /**
   * One `acquire` call, raced against the caller's signal: the slot's id, or undefined when asked
   * to ask again or the call failed. A caller who leaves has its long poll ended (`/forget`), and
   * a slot granted anyway is given back at once.
   */
  async #ask(signal: AbortSignal, ticket: SubrequestTicket): Promise<string | undefined> {
    await this.#asks.take(signal);
    try {
      if (signal.aborted) throw new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason });
      ticket.call();
    } catch (error) {
      this.#asks.give();
      throw error;
    }
    const waiter = crypto.randomUUID();
    const asking = this.#link.acquire(waiter).then(
      async (slot) => {
        // The outage ended without a probe (a call under way came back): the object hears of the
        // local grants (and of HTX's refusal) before any caller goes back to it, or it would grant
        // them a window again.
        if (this.#unreported.length > 0 || this.#untoldPenaltyAt !== undefined) {
          const reported = await this.#reportLocalGrants().then(() => true, () => false);
          if (!reported) return slot; // the outage goes on; the probe reports them
        }
        this.#answered();
        return slot;
      },
      (error: unknown) => {
        if (error instanceof HtxError) throw error; // bad settings, or no subrequests left: not an outage
        this.#failed(error);
        return undefined;
      },
    ).finally(() => this.#asks.give());
    try {
      return await raced(asking, signal);
    } catch (error) {
      if (!signal.aborted) throw error;
      if (ticket.spare()) this.#link.forget(waiter);
      ticket.pinRelease();
      const late = asking.then(
        (slot) => slot === undefined ? ticket.dropRelease() : this.#releaseOf(slot, ticket)(),
        () => ticket.dropRelease(),
      );
      this.#waitUntil?.(late);
      throw error;
    }
  }

  /** A call failed: the outage starts (once), and probes look for the object's return. */
  #failed(error: unknown): void {
    if (this.#outage) return; // calls under way when it began fail with it
    this.#outage = { since: Date.now(), error, reported: false, wakers: new Set() };
    // Kept alive past the Worker's response: local grants may still have to be reported.
    const probing = this.#probe(this.#outage);
    this.#waitUntil?.(probing);
  }

  /** Keeps HTX's refusal at `at` for the object, unless a later one is kept already. */
  #keepUntold(at: number): void {
    this.#untoldPenaltyAt = Math.max(this.#untoldPenaltyAt ?? at, at);
  }

  /**
   * Local grants the object has not heard of that still count in a window: the probe goes on for
   * them with nobody waiting, or a Worker done during the outage would never report them.
   */
  #mustReport(): boolean {
    const now = Date.now();
    const penaltyAt = this.#untoldPenaltyAt;
    if (penaltyAt !== undefined && penaltyAt + this.#intervalMs > now) return true;
    const local = this.#local;
    if (!local) return false;
    // A slot counts for a window after its answer; one never answered, until its maxHoldMs.
    return this.#unreported.some(({ grantedAt, releasedAt }) =>
      (releasedAt === undefined ? grantedAt + local.maxHoldMs : releasedAt + local.intervalMs) > now
    );
  }

  /** The object answered: the shared budget is back for every caller. */
  #answered(): void {
    const outage = this.#outage;
    this.#outage = undefined;
    outage?.wakers.forEach((wake) => wake());
  }

  /**
   * Asks the object's status with backoff until it answers (the outage ends) or nobody waits
   * (the next caller asks the object itself). A status call grants nothing, so no slot is lost;
   * before the callers go back, the object is told of the local grants, so it counts them first.
   */
  async #probe(outage: Outage): Promise<void> {
    for (let delay = FIRST_PROBE_MS; this.#outage === outage; delay = Math.min(MAX_PROBE_MS, delay * 2)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.#outage !== outage) return;
      // Nobody waits and nothing is left to report, or no subrequest is left to probe with:
      // callers ask the object themselves.
      const idle = this.#callers === 0 && !this.#mustReport();
      if (idle || (this.#subrequests && !this.#subrequests.use(false))) return this.#answered();
      try {
        await this.#link.status();
        await this.#reportLocalGrants();
        this.#answered();
      } catch (error) {
        if (error instanceof HtxError) this.#answered(); // reachable, or out of subrequests: acquire says which
        else outage.error = error;
      }
    }
  }

  /**
   * Sends the local grants of the last outage; kept for the next try if the call fails. A report
   * under way (the probe's, or a returning call's) is waited for first: until it lands, the object
   * has not counted its grants.
   */
  async #reportLocalGrants(): Promise<void> {
    while (this.#reporting) await this.#reporting.catch(() => {});
    const grants = this.#unreported;
    const penaltyAt = this.#untoldPenaltyAt;
    if (grants.length === 0 && penaltyAt === undefined) return;
    if (this.#subrequests && !this.#subrequests.use(false)) return;
    this.#unreported = [];
    this.#untoldPenaltyAt = undefined;
    // The object applies the refusal as its own penalty, with its own limit, if its window is not over.
    const reporting = this.#link.report(grants, penaltyAt);
    this.#reporting = reporting;
    try {
      await reporting;
    } catch (error) {
      this.#unreported.unshift(...grants);
      if (penaltyAt !== undefined) this.#keepUntold(penaltyAt);
      throw error;
    } finally {
      if (this.#reporting === reporting) this.#reporting = undefined;
    }
  }

  #reportFallback(outage: Outage): void {
    if (outage.reported) return;
    outage.reported = true;
    try {
      this.#onFallback(outage.error);
    } catch {
      // A failing report must not stop the cancels.
    }
  }

  /** A slot of the local share, or undefined if the object came back meanwhile. */
  async #acquireLocal(
    local: SlidingWindowLimiter,
    outage: Outage,
    signal: AbortSignal,
  ): Promise<ReleaseSlot | undefined> {
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal.reason);
    const wake = () => stop.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    outage.wakers.add(wake);
    try {
      const release = await local.acquire(stop.signal);
      this.grants.local++;
      const record: SlotRecord = { grantedAt: Date.now() };
      this.#unreported.push(record);
      return () => {
        record.releasedAt ??= Date.now();
        release();
      };
    } catch (error) {
      if (signal.aborted || this.#outage === outage) throw error;
      return undefined;
    } finally {
      signal.removeEventListener("abort", onAbort);
      outage.wakers.delete(wake);
    }
  }

  #releaseOf(slot: string, ticket: SubrequestTicket): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      ticket.released();
      const done = this.#link.release(slot);
      this.#waitUntil?.(done);
    };
  }
}

/** The local share, if the caller opted in. */
function localShare(endpoint: HtxEndpoint, fallbackLimit: unknown): SlidingWindowLimiter | undefined {
  if (fallbackLimit === undefined) return undefined;
  if (typeof fallbackLimit !== "object" || !fallbackLimit) {
    throw new HtxInputError(`${OWNER}: fallbackLimit must be an object such as { limit: 10, intervalMs: 2000 }.`);
  }
  const budget = HTX_ENDPOINT_BUDGETS[endpoint];
  return new SlidingWindowLimiter({
    limit: Math.max(1, Math.floor(budget.limit / 5)),
    intervalMs: budget.intervalMs,
    ...fallbackLimit,
  });
}

function subrequestBudget(subrequests: unknown): SubrequestBudget | undefined {
  if (subrequests === undefined || subrequests instanceof SubrequestBudget) return subrequests;
  if (typeof subrequests === "number") return new SubrequestBudget(subrequests);
  throw new HtxInputError(
    `${OWNER}: subrequests must be the invocation's subrequest limit (Workers Free 50, Paid 10,000) or a SubrequestBudget.`,
  );
}

/** Resolves after `ms` or when the outage ends; rejects with HtxAbortError when `signal` aborts. */
function pause(ms: number, outage: Outage, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = ms === Infinity ? undefined : setTimeout(done, Math.max(0, ms));
    function stop() {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      outage.wakers.delete(done);
    }
    function done() {
      stop();
      resolve();
    }
    function onAbort() {
      stop();
      reject(new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason }));
    }
    signal.addEventListener("abort", onAbort, { once: true });
    outage.wakers.add(done);
  });
}

/** `promise`, or an HtxAbortError as soon as `signal` aborts (the promise runs on). */
function raced<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason }));
    if (signal.aborted) return onAbort(); // aborted while the ask gate let it in
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A first-come, first-served gate of `size` places; a caller whose signal aborts leaves the queue. */
class AskGate {
  #free: number;
  readonly #queue: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  take(signal: AbortSignal): Promise<void> {
    if (this.#free > 0 && this.#queue.length === 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const enter = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.#queue.indexOf(enter);
        if (at >= 0) this.#queue.splice(at, 1);
        reject(new HtxAbortError("Aborted before the request was sent.", { cause: signal.reason }));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(enter);
    });
  }

  give(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#free++;
  }
}
