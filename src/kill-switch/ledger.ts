/**
 * The kill switch's books: every order any listing showed, and what this call's cancels of it
 * came to, merged across passes into the classes of `batchCancel` (src/cancel/outcome.ts). An
 * id's class never claims more than the client knows: a refusal that says "canceled" after an
 * earlier pass lost its answer is "closed, possibly by this call", not "already closed".
 */
import type { HtxError } from "../core/errors.ts";
import { type BatchCancelResult, buildResult, type IdOutcome } from "../cancel/outcome.ts";
import { failedOutcome } from "../core/failed-outcome.ts";
import type { Listing, OpenOrder } from "../listing/open-orders.ts";

/** States in which an order can still be cancelled; a listing may also show `cancelling`. */
const OPEN_STATES = new Set(["created", "submitted", "partial-filled"]);

/**
 * Whether an outcome says an attempt may have closed the order through this call (its answer
 * was lost), even when a later refusal settled it as "may be open".
 */
function saysMayHaveApplied(outcome: IdOutcome): boolean {
  return outcome.kind !== "success" && outcome.mayHaveBeenApplied;
}

/**
 * An id's outcome after a later pass, given what earlier passes said and whether any attempt
 * of this call that carried the id (in any pass, whatever its outcome came to) may have been applied.
 */
function mergeOutcome(earlier: IdOutcome | undefined, later: IdOutcome, mayHaveApplied: boolean): IdOutcome {
  if (earlier?.kind === "success") return earlier; // cancel accepted in this call: that stays true
  if (later.kind === "success") return later;
  const applied = later.mayHaveBeenApplied || mayHaveApplied;
  if (later.kind === "failed") {
    const outcome = failedOutcome(later.failed.state, applied);
    const failed = outcome === later.failed.outcome ? later.failed : { ...later.failed, outcome };
    return { kind: "failed", failed, mayHaveBeenApplied: applied };
  }
  const errors = earlier?.kind === "unresolved" ? [...earlier.errors, ...later.errors] : later.errors;
  return { kind: "unresolved", errors, mayHaveBeenApplied: applied };
}

/** Every order seen, and each one's outcome so far. */
export class Ledger {
  readonly #orders = new Map<string, OpenOrder>();
  readonly #outcomes = new Map<string, IdOutcome>();
  /** Ids that an attempt of this call may have cancelled (its answer was lost), in any pass. */
  readonly #mayHaveApplied = new Set<string>();
  /** Ids whose cancel HTX accepted, listed in an open state since: sent again. */
  readonly #acceptedYetOpen = new Set<string>();

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
   * not accepted and that are not known closed, orders whose cancel was accepted but that are
   * still listed open (a cancel HTX accepted and then lost: asked again), and every id whose
   * cancel got no usable answer (listed or not: sent again, HTX's answer says what became of
   * it). Orders whose cancel was accepted, or that are closed and `cancelling`, are waited for.
   */
  toCancel(listing: Pick<Listing, "orders" | "complete">): string[] {
    const ids = new Set<string>();
    const listed = new Set<string>();
    for (const order of listing.orders) {
      listed.add(order.id);
      if (!this.#orders.has(order.id)) this.#orders.set(order.id, order);
      const outcome = this.#outcomes.get(order.id);
      const open = OPEN_STATES.has(order.state);
      // Listed open although HTX called it closed, or after accepting its cancel: ask again
      // rather than trust either.
      const contradicted = (outcome?.kind === "failed" || outcome?.kind === "success") && open;
      if (outcome?.kind === "success") {
        if (open) this.#acceptedYetOpen.add(order.id);
        else this.#acceptedYetOpen.delete(order.id);
      }
      if (!this.isClosedOrAccepted(order.id) || contradicted) ids.add(order.id);
    }
    if (listing.complete) {
      for (const id of this.#acceptedYetOpen) if (!listed.has(id)) this.#acceptedYetOpen.delete(id);
    }
    for (const [id, outcome] of this.#outcomes) if (outcome.kind === "unresolved") ids.add(id);
    return [...ids];
  }

  /** Merges one pass's outcomes into the books. */
  record(outcomes: ReadonlyMap<string, IdOutcome>): void {
    for (const [id, outcome] of outcomes) {
      if (saysMayHaveApplied(outcome)) this.#mayHaveApplied.add(id);
      const merged = mergeOutcome(this.#outcomes.get(id), outcome, this.#mayHaveApplied.has(id));
      this.#outcomes.set(id, merged);
    }
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

  /** Whether the order's cancel was accepted, yet a listing since showed it open. */
  isAcceptedYetOpen(id: string): boolean {
    return this.#acceptedYetOpen.has(id);
  }

  /** Whether the order's cancel was accepted or it is known closed. */
  isClosedOrAccepted(id: string): boolean {
    const outcome = this.#outcomes.get(id);
    return outcome?.kind === "success" || (outcome?.kind === "failed" && outcome.failed.outcome !== "may-be-open");
  }

  /**
   * The orders that may still be open, when no final listing says so: every order seen whose
   * cancel was neither accepted nor found closed (refused "may be open", unresolved, or never
   * sent), and those accepted but listed open since.
   */
  mayBeOpen(): OpenOrder[] {
    return this.orders.filter((order) => !this.isClosedOrAccepted(order.id) || this.#acceptedYetOpen.has(order.id));
  }

  /** Every order seen, in the three lists of `batchCancel`. */
  result(): BatchCancelResult {
    return buildResult([...this.#orders.keys()], this.#outcomes);
  }
}
