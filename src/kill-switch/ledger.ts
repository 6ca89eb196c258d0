/**
 * The kill switch's books: every order any listing showed, and what this call's cancels of it
 * came to, merged across passes into the classes of `batchCancel` (src/cancel/outcome.ts). An
 * id's class never claims more than the client knows: a refusal that says "canceled" after an
 * earlier pass lost its answer is "closed, possibly by this call", not "already closed".
 */
import type { HtxError } from "../errors.ts";
import { type BatchCancelResult, buildResult, failedOutcome, type IdOutcome } from "../cancel/outcome.ts";
import type { OpenOrder } from "../listing/open-orders.ts";

/** States in which an order can still be cancelled; a listing may also show `cancelling`. */
const OPEN_STATES = new Set(["created", "submitted", "partial-filled"]);

/** Whether an outcome may have closed the order through this call (its answer was lost, or said so). */
function mayHaveApplied(outcome: IdOutcome | undefined): boolean {
  if (outcome?.kind === "unresolved") return outcome.mayHaveBeenApplied;
  return outcome?.kind === "failed" && outcome.failed.outcome === "closed-possibly-by-this-call";
}

/** An id's outcome after a later pass, given what earlier passes said. */
export function mergeOutcome(earlier: IdOutcome | undefined, later: IdOutcome): IdOutcome {
  if (earlier?.kind === "success") return earlier; // cancel accepted in this call: that stays true
  if (later.kind === "success") return later;
  if (later.kind === "failed") {
    const outcome = failedOutcome(
      later.failed.state,
      later.failed.outcome === "closed-possibly-by-this-call" ||
        mayHaveApplied(earlier),
    );
    return outcome === later.failed.outcome ? later : { kind: "failed", failed: { ...later.failed, outcome } };
  }
  if (earlier?.kind !== "unresolved") return later;
  return {
    kind: "unresolved",
    errors: [...earlier.errors, ...later.errors],
    mayHaveBeenApplied: earlier.mayHaveBeenApplied || later.mayHaveBeenApplied,
  };
}

/** Every order seen, and each one's outcome so far. */
export class Ledger {
  readonly #orders = new Map<string, OpenOrder>();
  readonly #outcomes = new Map<string, IdOutcome>();

  /** Orders seen, each as first listed, in first-seen order. */
  get orders(): OpenOrder[] {
    return [...this.#orders.values()];
  }

  /** How many orders were seen. */
  get seen(): number {
    return this.#orders.size;
  }

  /**
   * Records a listing and returns the ids to cancel now: orders listed open whose cancel was
   * not accepted and that are not known closed, and every id whose cancel got no usable answer
   * (listed or not: sent again, HTX's answer says what became of it). Orders whose cancel was
   * accepted, or that are closed and `cancelling`, are waited for.
   */
  toCancel(listed: readonly OpenOrder[]): string[] {
    const ids = new Set<string>();
    for (const order of listed) {
      if (!this.#orders.has(order.id)) this.#orders.set(order.id, order);
      const outcome = this.#outcomes.get(order.id);
      // Listed open although HTX called it closed: ask again rather than trust either.
      const contradicted = outcome?.kind === "failed" && OPEN_STATES.has(order.state);
      if (!this.isClosedOrAccepted(order.id) || contradicted) ids.add(order.id);
    }
    for (const [id, outcome] of this.#outcomes) if (outcome.kind === "unresolved") ids.add(id);
    return [...ids];
  }

  /** Merges one pass's outcomes into the books. */
  record(outcomes: ReadonlyMap<string, IdOutcome>): void {
    for (const [id, outcome] of outcomes) this.#outcomes.set(id, mergeOutcome(this.#outcomes.get(id), outcome));
  }

  /** Records orders first seen when no cancel may be sent any more, as not sent, with `error`. */
  notSent(listed: readonly OpenOrder[], error: HtxError): void {
    for (const order of listed) {
      if (this.#orders.has(order.id)) continue;
      this.#orders.set(order.id, order);
      this.#outcomes.set(order.id, { kind: "unresolved", errors: [error], mayHaveBeenApplied: false });
    }
  }

  /** How many seen ids have an outcome, leaving out `pending` (being sent again now). */
  settled(pending: ReadonlySet<string>): number {
    let count = 0;
    for (const id of this.#outcomes.keys()) if (!pending.has(id)) count++;
    return count;
  }

  /** Whether the order's cancel was accepted or it is known closed. */
  isClosedOrAccepted(id: string): boolean {
    const outcome = this.#outcomes.get(id);
    return outcome?.kind === "success" || (outcome?.kind === "failed" && outcome.failed.outcome !== "may-be-open");
  }

  /** Every order seen, in the three lists of `batchCancel`. */
  result(): BatchCancelResult {
    return buildResult([...this.#orders.keys()], this.#outcomes);
  }
}
