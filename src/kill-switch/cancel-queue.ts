/**
 * The kill switch's cancels as pages arrive: each listed page's ids go to the cancel engine at
 * once (the engine chunks them by 50 and its limiter paces them), while the listing pages on.
 * An id already on its way is not sent twice. Outcomes go to the ledger as each pass settles.
 */
import type { HtxError } from "../core/errors.ts";
import { HtxTimeoutError } from "../http/request-errors.ts";
import { isKeyRefusal } from "../cancel/attempt.ts";
import { type CancelEngine, runCancels } from "../cancel/engine.ts";
import type { IdOutcome } from "../cancel/outcome.ts";
import type { Ledger } from "./ledger.ts";

/** Cancels in flight, fed by the listings. */
export class CancelQueue {
  readonly #inFlight = new Set<string>();
  readonly #passes = new Set<Promise<void>>();
  /** Ids sent since {@link takeSent} was last called. */
  #sentSince = 0;
  /** HTX's refusal of the key, once a cancel got one. */
  refusedForKey: HtxError | undefined;

  /**
   * @param engine The cancel engine `batchCancel` uses.
   * @param ledger Where outcomes go.
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

  /** Sends the ids not already on their way, now. */
  send(ids: readonly string[]): void {
    const fresh = ids.filter((id) => !this.#inFlight.has(id));
    if (fresh.length === 0 || this.signal.aborted) return;
    for (const id of fresh) this.#inFlight.add(id);
    this.ledger.sending(fresh);
    this.#sentSince += fresh.length;
    const pass = runCancels(this.engine, { kind: "order", ids: fresh }, {
      signal: this.signal,
      onProgress: this.onSettled,
    }).then((outcomes) => this.#settle(fresh, outcomes));
    this.#passes.add(pass);
    pass.finally(() => this.#passes.delete(pass));
  }

  #settle(ids: readonly string[], outcomes: ReadonlyMap<string, IdOutcome>): void {
    for (const id of ids) this.#inFlight.delete(id);
    this.ledger.record(outcomes);
    for (const outcome of outcomes.values()) {
      const last = outcome.kind === "unresolved" ? outcome.errors.at(-1) : undefined;
      if (last && isKeyRefusal(last) && !this.refusedForKey) this.onKeyRefused(last);
    }
  }

  /**
   * Resolves when every pass sent so far has settled, or when `abandon` aborts: then the ids of
   * passes still out (a request or a signer that never settles) are recorded unresolved, their
   * cancel possibly applied, so that the call can return on time.
   */
  async settled(abandon: AbortSignal): Promise<void> {
    while (this.#passes.size > 0) {
      if (abandon.aborted) return this.#abandon();
      let onAbort = () => {};
      const abandoned = new Promise<void>((resolve) => (onAbort = resolve));
      abandon.addEventListener("abort", onAbort, { once: true });
      try {
        await Promise.race([Promise.all(this.#passes), abandoned]);
      } finally {
        abandon.removeEventListener("abort", onAbort);
      }
    }
  }

  #abandon(): void {
    const error = new HtxTimeoutError(
      "The cancel had not settled when cancelAllOpen's time ran out (deadlineMs + timeoutMs): it may have been applied.",
      this.engine.timeoutMs,
    );
    const outcomes = new Map<string, IdOutcome>();
    for (const id of this.#inFlight) outcomes.set(id, { kind: "unresolved", errors: [error], mayHaveBeenApplied: true });
    this.#inFlight.clear();
    this.#passes.clear();
    this.ledger.record(outcomes);
  }
}
