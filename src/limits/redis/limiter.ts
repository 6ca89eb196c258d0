/**
 * A {@link RateLimiter} whose budget lives in Redis, shared by every process that names the same
 * UID, endpoint and key prefix. The slot rule is the in-process limiter's (a slot is busy from its
 * grant until a window after its answer, `maxHoldMs` if no answer comes), applied by Lua scripts
 * on Redis's clock (./scripts.ts).
 *
 * In one process, callers queue; one `ACQUIRE` at a time asks for as many slots as there are
 * callers, and a refusal says when a slot can free at the earliest, so the process sleeps until
 * then instead of polling. When Redis fails (unreachable, too slow, restarted), callers wait
 * `fallbackAfterMs` while it is probed, then take slots from a local share; the process puts its
 * own busy slots back into Redis as soon as it answers (./ledger.ts), and the callers go back to it.
 */
import { type RateLimiter, type ReleaseSlot, SlidingWindowLimiter } from "../limiter.ts";
import { enqueue, serve, type Waiter } from "../waiters.ts";
import { type RedisClientLike, type RedisEval, redisEvalOf } from "./adapters.ts";
import { SlotLedger } from "./ledger.ts";
import { type CheckedRedisOptions, checkRedisOptions, MARGIN_MS, type RedisRateLimiterOptions } from "./options.ts";
import { readAcquireReply, readReleaseReply } from "./replies.ts";
import { runScript, withinMs } from "./run-script.ts";
import { ACQUIRE, type LuaScript, PENALIZE, RELEASE } from "./scripts.ts";

/** A {@link RateLimiter} over Redis: see {@link redisRateLimiter}. */
export interface RedisRateLimiter extends RateLimiter {
  /** Resolves with the slot's release when a request may be sent; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot>;
  /**
   * HTX refused a request of this budget for its rate: no process sharing the budget gets a slot
   * for a window (`windowMs` + 10 ms, on Redis's clock) from now. The client calls it by itself.
   * Resolves once Redis knows (or the call failed: then the local share is penalized); never rejects.
   */
  penalize(): Promise<void>;
  /** Slots granted from the shared budget (`shared`) and from the local share while Redis failed (`local`). */
  readonly grants: { readonly shared: number; readonly local: number };
  /**
   * Resolves once every call this limiter has started (releases, slots given back, put-backs,
   * penalties) has reached Redis or failed, each within `timeoutMs` (a grant too late for its
   * caller, within one more, to give it back); never rejects. Releases go out in the background,
   * after the request's answer: await this before closing the Redis client, or the last
   * requests' slots stay busy in the shared budget until `maxHoldMs`.
   */
  flush(): Promise<void>;
}

/**
 * A {@link RateLimiter} for `HtxClient` (`rateLimit`) whose budget every process of a fleet shares
 * through Redis: one script call per acquire (plus one per wait) and one per release.
 *
 * @param redis A connected client: node-redis, ioredis, `@upstash/redis`, or a {@link RedisEval}.
 * @throws {HtxInputError} on a bad client or option, before any call to Redis.
 */
export function redisRateLimiter(redis: RedisClientLike, options: RedisRateLimiterOptions): RedisRateLimiter {
  const checked = checkRedisOptions(options);
  return new RedisLimiter(redisEvalOf(redis, "redisRateLimiter"), checked);
}

interface Outage {
  since: number;
  error: unknown;
  reported: boolean;
  /** Aborts when Redis answers again: callers waiting on the local share go back to it. */
  over: AbortController;
}

/** Probes of an unreachable Redis wait 100 ms, then twice as long each time, up to 1 s. */
const FIRST_PROBE_MS = 100;
const MAX_PROBE_MS = 1000;

const now = () => performance.now();

class RedisLimiter implements RedisRateLimiter {
  readonly grants = { shared: 0, local: 0 };
  readonly #redis: RedisEval;
  readonly #options: CheckedRedisOptions;
  /** How long an answered slot stays busy. */
  readonly #windowMs: number;
  readonly #ledger: SlotLedger;
  /** The local share of the current outage, made when its first caller falls back. */
  #local: SlidingWindowLimiter | undefined;
  /** Names this limiter's slots apart from every other process's. */
  readonly #name = crypto.randomUUID();
  #serial = 0;
  /** The budget's epoch at the last call; '' before the first. */
  #epoch = "";
  /** Redis may lack some of this process's busy slots: the next `ACQUIRE` puts them back. */
  #dirty = false;
  /** Counts local-share grants and answers: a put-back that raced one of them did not carry it. */
  #localChanges = 0;
  #outage: Outage | undefined;
  readonly #queue: Waiter[] = [];
  #pumping = false;
  #syncing = false;
  /** Callers waiting on the local share. */
  #localWaiters = 0;
  /** Aborted when the queue empties, so that a pump asleep stops. */
  #emptied = new AbortController();
  /** When HTX last refused a request of this budget for its rate: a local share made later counts it. */
  #penalizedAt = -Infinity;
  /** HTX's last refusal came, or its `PENALIZE` failed, while Redis was unreachable: told when it answers. */
  #penaltyUntold = false;
  /** Calls made in the background (releases, give-backs, put-backs, penalties), for `flush()`. */
  readonly #background = new Set<Promise<unknown>>();

  constructor(redis: RedisEval, options: CheckedRedisOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#windowMs = options.windowMs + MARGIN_MS;
    this.#ledger = new SlotLedger(options.maxHoldMs, this.#windowMs, now);
  }

  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    // The pump asleep stops when nobody is left to serve.
    return enqueue(this.#queue, signal, { wake: () => void this.#pump(), onEmpty: () => this.#emptied.abort() });
  }

  async penalize(): Promise<void> {
    this.#penalizedAt = now();
    this.#local?.penalize();
    if (this.#outage) {
      this.#penaltyUntold = true; // the local share counts it now; Redis hears of it when it answers
      return;
    }
    await this.#inBackground(this.#tellPenalty());
  }

  /** `PENALIZE` for what is left of the window since HTX's last refusal; if it fails, told again when Redis answers. */
  #tellPenalty(): Promise<void> {
    this.#penaltyUntold = false;
    const leftMs = Math.ceil(this.#windowMs - (now() - this.#penalizedAt));
    if (leftMs <= 0) return Promise.resolve();
    return this.#call(PENALIZE, [String(leftMs)]).then(() => this.#answered(), (error) => {
      this.#penaltyUntold = true;
      this.#failed(error);
    });
  }

  async flush(): Promise<void> {
    // A call that settles may start another (a release that finds the epoch moved puts back).
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  /** Tracks `work` for `flush()` until it settles; returns it. */
  #inBackground<T>(work: Promise<T>): Promise<T> {
    this.#background.add(work);
    const forget = () => this.#background.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Serves the queue until it is empty: from Redis, or from the local share during an outage. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        this.#emptied = new AbortController();
        const outage = this.#outage;
        const waitMs = outage ? this.#duringOutage(outage) : await this.#askShared();
        if (waitMs > 0 && this.#queue.length > 0) {
          const wake = [this.#emptied.signal, ...(this.#outage ? [this.#outage.over.signal] : [])];
          await pause(waitMs, AbortSignal.any(wake));
        }
      }
    } catch (error) {
      // A fault of this limiter itself: its callers hear of it (takeSlot: "acquire() failed"), none waits forever.
      for (const waiter of this.#queue.splice(0)) waiter.reject(error);
    } finally {
      this.#pumping = false;
    }
  }

  /** One `ACQUIRE` for as many slots as callers wait; resolves to how long to wait before the next. */
  async #askShared(): Promise<number> {
    const want = Math.min(this.#queue.length, this.#options.limit);
    const prefix = `${this.#name}:${++this.#serial}:`;
    const putBack = this.#dirty ? { changes: this.#localChanges } : undefined;
    const call = runScript(
      this.#redis,
      ACQUIRE,
      this.#options.keys,
      this.#acquireArgs(want, prefix, putBack !== undefined),
    );
    let reply;
    try {
      reply = readAcquireReply(await withinMs(this.#options.timeoutMs, call));
    } catch (error) {
      // A reply after the time limit may still grant: those slots go back unused. flush() waits
      // for it only another timeoutMs: a Redis that never answers must not hold flush() forever.
      const late = call.then((reply) => this.#giveBack(prefix, readAcquireReply(reply).granted));
      late.catch(() => {});
      this.#inBackground(withinMs(this.#options.timeoutMs, late).catch(() => {}));
      this.#failed(error);
      return 0;
    }
    if (reply.stale) {
      this.#dirty = true; // Redis lost the budget: put this process's slots back, then ask again
      this.#answered();
      return 0;
    }
    this.#synced(reply.epoch, putBack?.changes);
    for (let i = 1; i <= reply.granted; i++) {
      const waiter = this.#queue.shift();
      if (!waiter) {
        this.#giveBack(prefix, 1, i);
        continue;
      }
      const member = prefix + i;
      this.#ledger.granted(member);
      this.grants.shared++;
      serve(waiter, this.#releaseOf(member));
    }
    return reply.granted < want ? reply.retryMs : 0;
  }

  /** `ACQUIRE`'s arguments; with `putBack`, this process's busy slots go with them. */
  #acquireArgs(want: number, prefix: string, putBack: boolean): string[] {
    const { limit, maxHoldMs } = this.#options;
    const args = [limit, maxHoldMs, this.#windowMs, want, prefix, this.#epoch].map(String);
    return putBack ? [...args, "1", ...this.#ledger.busy()] : args;
  }

  /** A reply came from this budget's epoch; a put-back that raced no local change leaves nothing to put back. */
  #synced(epoch: string, putBackChanges: number | undefined): void {
    if (putBackChanges !== undefined) {
      this.#epoch = epoch;
      if (putBackChanges === this.#localChanges) this.#dirty = false;
    } else if (this.#epoch === "") {
      this.#epoch = epoch;
    }
    this.#answered();
  }

  /** A slot's release: its answer came now. Idempotent; never throws. */
  #releaseOf(member: string, local?: ReleaseSlot): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      local?.();
      this.#ledger.answered(member);
      if (local) this.#localChanges++;
      if (this.#outage) {
        this.#dirty = true; // put back when Redis answers
        return;
      }
      this.#inBackground(
        this.#call(RELEASE, [member, String(this.#windowMs), "1"]).then(
          (reply) => this.#checkEpoch(readReleaseReply(reply)),
          (error) => this.#failed(error),
        ).catch((error) => this.#failed(error)),
      );
    };
  }

  /** Frees `count` slots granted as prefix..from on that were never used (their callers left). */
  #giveBack(prefix: string, count: number, from = 1): void {
    for (let i = from; i < from + count; i++) {
      this.#inBackground(this.#call(RELEASE, [prefix + i, String(this.#windowMs), "0"]).catch(() => {}));
    }
  }

  /** A release's reply: a budget whose epoch moved on has lost this process's slots. */
  #checkEpoch(epoch: string): void {
    if (this.#epoch !== "" && epoch !== this.#epoch) this.#dirty = true;
    this.#answered();
  }

  /** Redis answered: the outage (if any) is over, and a penalty and slots it lacks go back at once. */
  #answered(): void {
    if (this.#outage) {
      this.#outage.over.abort();
      this.#outage = undefined;
    }
    // Other processes must not spend the budget HTX just refused because this one could not say so.
    if (this.#penaltyUntold) void this.#inBackground(this.#tellPenalty());
    if (this.#dirty && !this.#pumping) void this.#inBackground(this.#putBack());
  }

  /** A call failed: Redis may have missed something, and an outage starts (once) with its probes. */
  #failed(error: unknown): void {
    this.#dirty = true;
    if (this.#outage) return;
    this.#outage = { since: now(), error, reported: false, over: new AbortController() };
    void this.#probe(this.#outage);
  }

  /** One `ACQUIRE` that asks for nothing and puts this process's busy slots back. */
  async #putBack(): Promise<void> {
    if (this.#syncing) return;
    this.#syncing = true;
    try {
      // Again while a local grant raced the last one, unless the pump's next ACQUIRE carries them.
      do {
        const changes = this.#localChanges;
        const reply = readAcquireReply(await this.#call(ACQUIRE, this.#acquireArgs(0, "", true)));
        this.#synced(reply.epoch, changes);
      } while (this.#dirty && !this.#outage && !this.#pumping);
    } catch (error) {
      this.#failed(error);
    } finally {
      this.#syncing = false;
    }
  }

  /**
   * Probes Redis with backoff until it answers (the put-back is the probe: it grants nothing) or
   * nobody needs it: no caller waits and no slot of this process is busy, so the next caller
   * asks Redis itself.
   */
  async #probe(outage: Outage): Promise<void> {
    for (let delay = FIRST_PROBE_MS; this.#outage === outage; delay = Math.min(MAX_PROBE_MS, delay * 2)) {
      await pause(delay, outage.over.signal);
      if (this.#outage !== outage) return;
      if (this.#queue.length === 0 && this.#localWaiters === 0 && !this.#ledger.hasBusy) {
        this.#outage = undefined;
        return;
      }
      // Tracked for flush(): a process that closes its client now would cut Redis off the slots.
      await this.#inBackground(this.#putBack());
    }
  }

  /** The pump during an outage: wait `fallbackAfterMs`, then hand every caller to the local share. */
  #duringOutage(outage: Outage): number {
    const localAt = outage.since + this.#options.fallbackAfterMs;
    if (now() < localAt) return localAt - now();
    if (!outage.reported) {
      outage.reported = true;
      this.#local = this.#localShare();
      try {
        this.#options.onFallback(outage.error);
      } catch {
        // A failing report must not stop the cancels.
      }
    }
    for (const waiter of this.#queue.splice(0)) this.#takeLocal(waiter, outage, this.#local!);
    return 0;
  }

  /**
   * The local share of an outage. This process's own busy slots count against it (a slot still in
   * flight when Redis failed may reach HTX next to the local ones), each until it frees under the
   * budget's window, not the share's.
   */
  #localShare(): SlidingWindowLimiter {
    const { limit, intervalMs } = this.#options.fallbackLimit;
    const shift = this.#windowMs - (intervalMs + MARGIN_MS);
    const restore = this.#ledger.records().map((slot) =>
      slot.releasedAt === undefined ? slot : { ...slot, releasedAt: slot.releasedAt + shift }
    );
    // HTX's refusal less than a window ago, which Redis may never have heard of, holds the share
    // back as Redis would: until a window after it.
    const at = this.#penalizedAt;
    if (now() - at < this.#windowMs) {
      for (let i = 0; i < limit; i++) restore.push({ grantedAt: at, releasedAt: at + shift });
    }
    // A share's window longer than maxHoldMs holds its unanswered slots that long too.
    const maxHoldMs = Math.max(this.#options.maxHoldMs, intervalMs);
    return new SlidingWindowLimiter({ limit, intervalMs, maxHoldMs, restore });
  }

  /** A slot of the local share for `waiter`; if Redis answers first, the waiter queues for it again. */
  #takeLocal(waiter: Waiter, outage: Outage, local: SlidingWindowLimiter): void {
    this.#localWaiters++;
    const signals = waiter.signal ? [waiter.signal, outage.over.signal] : [outage.over.signal];
    local.acquire(AbortSignal.any(signals)).then(
      (release) => {
        this.#localWaiters--;
        const member = `${this.#name}:local:${++this.#serial}`;
        this.#ledger.granted(member);
        this.#localChanges++;
        this.grants.local++;
        serve(waiter, this.#releaseOf(member, release));
      },
      () => {
        this.#localWaiters--;
        if (waiter.signal?.aborted) return; // its own abort listener rejected it
        this.#queue.unshift(waiter);
        void this.#pump();
      },
    );
  }

  /** One script call, failed after `timeoutMs`. */
  #call(script: LuaScript, args: string[]): Promise<unknown> {
    return withinMs(this.#options.timeoutMs, runScript(this.#redis, script, this.#options.keys, args));
  }
}

/**
 * Resolves after `ms`, or as soon as `wake` aborts. Not core/timers.ts's `sleep`: the build puts
 * that module in the Workers entry's stage, and importing it would load that entry's files here.
 */
function pause(ms: number, wake: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wake.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (wake.aborted) done();
    else wake.addEventListener("abort", done, { once: true });
  });
}
