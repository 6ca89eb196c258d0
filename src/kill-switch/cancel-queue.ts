/**
 * The kill switch's cancels as pages arrive: each listed page's ids go to the cancel engine at
 * once, in requests of at most 50, while the listing pages on. An id already on its way is not
 * sent twice. The latest page goes first (a stack): the sweep cancels from the newest orders
 * (docs/htx-notes.md, "Cancelling by criteria"), so the cancels by id work from the other end
 * and the two meet instead of cancelling the same orders twice; ids the sweep's count says it
 * has likely reached are left to the next listing, once. Outcomes go to the ledger as each
 * request settles.
 */
import type { HtxError } from "../core/errors.ts";
import { HtxTimeoutError } from "../http/request-errors.ts";
import { isKeyRefusal } from "../http/answers.ts";
import { type CancelEngine, runCancels } from "../cancel/engine.ts";
import type { IdOutcome } from "../cancel/outcome.ts";
import { MAX_IDS_PER_REQUEST } from "../core/endpoints.ts";
import type { Ledger } from "./ledger.ts";
import { childSignal } from "../core/child-signal.ts";

/** Requests of 50 ids in flight at once: the limiter paces them; this only bounds the stack's depth. */
const IN_FLIGHT = 12;

/** Cancels in flight, fed by the listings. */
export class CancelQueue {
  readonly #queued = new Set<string>();
  readonly #stack: string[][] = [];
  readonly #passes = new Set<Promise<void>>();
  /** Ids left to the next listing once (likely swept); never skipped twice. */
  readonly #skipped = new Set<string>();
  #idle: (() => void) | undefined;
  /** Ids sent since {@link takeSent} was last called. */
  #sentSince = 0;
  /** HTX's refusal of the key, once a cancel got one. */
  refusedForKey: HtxError | undefined;

  /**
   * @param engine The cancel engine `batchCancel` uses.
   * @param ledger Where outcomes go; it also says which ids the sweep has likely reached.
   * @param signal Stops sending (the deadline, the caller's abort, a refused key).
   * @param onSettled Called after each request settles (progress).
   * @param onKeyRefused Called once when HTX refuses a cancel for the key.
   */
  constructor(
    private readonly engine: CancelEngine,
    private readonly ledger: Ledger,
    private readonly signal: AbortSignal,
    private readonly onSettled: () => void,
    private readonly onKeyRefused: (error: HtxError) => void,
  ) {}

  /** How many ids were sent since the last call (a round that sent nothing can confirm). */
  takeSent(): number {
    const sent = this.#sentSince;
    this.#sentSince = 0;
    return sent;
  }

  /** Queues the ids not already on their way, on top of the stack, and sends what the budget allows. */
  send(ids: readonly string[]): void {
    if (this.signal.aborted) return; // not sent: the result says so (src/kill-switch/ledger.ts)
    const fresh = ids.filter((id) => !this.#queued.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.#queued.add(id);
    for (let i = fresh.length; i > 0; i -= MAX_IDS_PER_REQUEST) {
      this.#stack.push(fresh.slice(Math.max(0, i - MAX_IDS_PER_REQUEST), i));
    }
    this.#pump();
  }

  #pump(): void {
    // Once stopped, every queued id goes to the engine at once: it reports each as not sent.
    while (this.#stack.length > 0 && (this.#passes.size < IN_FLIGHT || this.signal.aborted)) {
      const batch = this.#withoutLikelySwept(this.#stack.pop()!);
      if (batch.length === 0) continue;
      this.ledger.sending(batch);
      this.#sentSince += batch.length;
      // Each request on its own signal: a listener per request on the shared one would pass
      // Node's listener warning threshold (src/core/child-signal.ts).
      const own = childSignal(this.signal);
      const pass = runCancels(this.engine, { kind: "order", ids: batch }, { signal: own.signal })
        .then((outcomes) => this.#settle(batch, outcomes));
      this.#passes.add(pass);
      pass.finally(() => {
        own.dispose();
        this.#passes.delete(pass);
        this.#pump();
        if (this.#passes.size === 0 && this.#stack.length === 0) this.#idle?.();
      });
    }
  }

  #withoutLikelySwept(batch: string[]): string[] {
    if (this.signal.aborted) return batch;
    return batch.filter((id) => {
      if (this.#skipped.has(id) || !this.ledger.likelySwept(id)) return true;
      this.#skipped.add(id);
      this.#queued.delete(id);
      return false;
    });
  }

  #settle(ids: readonly string[], outcomes: ReadonlyMap<string, IdOutcome>): void {
    for (const id of ids) this.#queued.delete(id);
    this.ledger.record(outcomes);
    this.onSettled();
    for (const outcome of outcomes.values()) {
      const last = outcome.kind === "unresolved" ? outcome.errors.at(-1) : undefined;
      if (last && isKeyRefusal(last) && !this.refusedForKey) this.onKeyRefused(last);
    }
  }

  /**
   * Resolves when every queued id has been sent and settled, or when `abandon` aborts: then the
   * ids still out are recorded unresolved, their cancel possibly applied, so that the call can
   * return on time. Only a sent request can still be out then: `abandon` comes `timeoutMs` after
   * this queue's signal, and an attempt not yet sent stops at that signal (signing and waiting
   * for a slot race it), reported not sent.
   */
  async settled(abandon: AbortSignal): Promise<void> {
    this.#pump();
    if (this.#passes.size === 0 && this.#stack.length === 0) return;
    if (abandon.aborted) return this.#abandon();
    let onAbort = () => {};
    await new Promise<void>((resolve) => {
      this.#idle = resolve;
      onAbort = resolve;
      abandon.addEventListener("abort", onAbort, { once: true });
    });
    this.#idle = undefined;
    abandon.removeEventListener("abort", onAbort);
    if (this.#passes.size > 0 || this.#stack.length > 0) this.#abandon();
  }

  #abandon(): void {
    const error = new HtxTimeoutError(
      "The cancel had not settled when cancelAllOpen's time ran out (deadlineMs + timeoutMs): it may have been applied.",
      this.engine.timeoutMs,
    );
    const outcomes = new Map<string, IdOutcome>();
    for (const id of this.#queued) outcomes.set(id, { kind: "unresolved", errors: [error], mayHaveBeenApplied: true });
    this.#queued.clear();
    this.#stack.length = 0;
    this.#passes.clear();
    this.ledger.record(outcomes);
  }
}
