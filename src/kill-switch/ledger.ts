/**
 * The kill switch's books: every order any listing showed (cut-short listings included), where
 * it was listed (its scope: account and symbol), and what this call's cancels of it came to,
 * merged across passes into the classes of `batchCancel` (src/cancel/outcome.ts). Truth comes
 * from the listings: an order seen open and absent from a later complete listing of its scope
 * is closed. An id's class never claims more than the client knows: closed by a cancel or a
 * sweep of this call, or by something else, cannot be told apart, so it is "closed, possibly by
 * this call" whenever this call sent anything that could have closed it.
 */
import type { HtxError } from "../core/errors.ts";
import { type BatchCancelResult, buildResult, type IdOutcome } from "../cancel/outcome.ts";
import { failedOutcome } from "../core/failed-outcome.ts";
import type { OpenOrder } from "../listing/open-orders.ts";
import type { ListingScope } from "../listing/open-orders.ts";

/** States in which an order can still be cancelled; a listing may also show `cancelling`. */
const OPEN_STATES = new Set(["created", "submitted", "partial-filled"]);

/** The `errCode` of an order found closed because a complete listing no longer showed it. */
export const ABSENT_CODE = "absent-from-listing";

/** The key of a scope, for the books. */
export const scopeKey = (scope: ListingScope) => `${scope.accountId}/${scope.symbol ?? "*"}`;

/**
 * An id's outcome after a later pass, given what earlier passes said and whether anything of
 * this call may have closed the order (a lost answer, or a sweep over its scope).
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

/** Every order seen, where, and each one's outcome so far. */
export class Ledger {
  readonly #orders = new Map<string, OpenOrder>();
  /** The scope each order was first listed in. */
  readonly #scopes = new Map<string, string>();
  readonly #outcomes = new Map<string, IdOutcome>();
  /** Ids that an attempt of this call may have cancelled (its answer was lost), in any pass. */
  readonly #mayHaveApplied = new Set<string>();
  /** Ids this call sent a cancel for. */
  readonly #sent = new Set<string>();
  /** Ids whose cancel HTX accepted, listed in an open state since: sent again. */
  readonly #acceptedYetOpen = new Set<string>();
  /** Scopes a sweep of this call may have cancelled orders in. */
  readonly #swept = new Set<string>();
  /** Each order's place in its scope's listing order (newest first, as HTX lists). */
  readonly #rank = new Map<string, number>();
  readonly #perScope = new Map<string, number>();
  /** Orders a sweep over exactly one scope said it cancelled, per scope. */
  readonly #sweptCount = new Map<string, number>();

  /** Orders seen, each as first listed, in first-seen order. */
  get orders(): OpenOrder[] {
    return [...this.#orders.values()];
  }

  /** Whether a sweep of this call cancelled orders, or may have (its answer was lost). */
  get mayHaveSwept(): boolean {
    return this.#swept.size > 0;
  }

  /** How many orders were seen. */
  get seen(): number {
    return this.#orders.size;
  }

  /**
   * Marks scopes a sweep cancelled (`cancelled` orders), or may have, in (its counts carry no ids).
   * A sweep over one scope also counts, for {@link likelySwept}.
   */
  swept(scopes: readonly ListingScope[], cancelled: number): void {
    for (const scope of scopes) this.#swept.add(scopeKey(scope));
    if (scopes.length !== 1) return;
    const key = scopeKey(scopes[0]!);
    this.#sweptCount.set(key, (this.#sweptCount.get(key) ?? 0) + cancelled);
  }

  /**
   * Whether the sweep has likely cancelled the order already: it cancels newest first, as HTX
   * lists (docs/htx-notes.md), so the first orders listed in its scope, as many as it counted. Only
   * a guess to spare requests: an order it guessed wrong is listed again, and cancelled then.
   */
  likelySwept(id: string): boolean {
    const scope = this.#scopes.get(id);
    return scope !== undefined && (this.#rank.get(id) ?? Infinity) < (this.#sweptCount.get(scope) ?? 0);
  }

  /** Marks ids as sent in a cancel request. */
  sending(ids: readonly string[]): void {
    for (const id of ids) this.#sent.add(id);
  }

  /** Whether something of this call may have closed the order. */
  #byThisCall(id: string): boolean {
    return this.#sent.has(id) || this.#swept.has(this.#scopes.get(id)!);
  }

  /**
   * Records one page of a listing of `scope` and returns the ids to cancel now: orders listed
   * open whose cancel was not accepted and that are not known closed, and orders accepted but
   * still listed open, or refused as closed and yet listed open (asked again rather than
   * trusting either). Orders `cancelling` are waited for.
   */
  see(scope: ListingScope, orders: readonly OpenOrder[]): string[] {
    const ids: string[] = [];
    const key = scopeKey(scope);
    for (const order of orders) {
      if (!this.#orders.has(order.id)) {
        this.#orders.set(order.id, order);
        this.#scopes.set(order.id, key);
        const rank = this.#perScope.get(key) ?? 0;
        this.#rank.set(order.id, rank);
        this.#perScope.set(key, rank + 1);
      }
      const outcome = this.#outcomes.get(order.id);
      const open = OPEN_STATES.has(order.state);
      if (outcome?.kind === "success") {
        if (open) this.#acceptedYetOpen.add(order.id);
        else this.#acceptedYetOpen.delete(order.id);
      }
      // Listed open, or not known closed (even `cancelling`: HTX's refusal says what it is),
      // except `cancelling` where a sweep of this call cancelled: waited for, not asked about.
      const sweptCancelling = outcome === undefined && this.#swept.has(this.#scopes.get(order.id)!);
      if (open || (!this.isClosedOrAccepted(order.id) && !sweptCancelling)) ids.push(order.id);
    }
    return ids;
  }

  /**
   * A complete listing of `scope` showed exactly `listed`: every order of the scope seen before
   * and not shown is closed. An accepted cancel stays `success`; any other id becomes `failed`
   * with {@link ABSENT_CODE}, closed possibly by this call when this call sent anything that
   * could have closed it, and is never sent again.
   */
  completed(scope: ListingScope, listed: ReadonlySet<string>): void {
    const key = scopeKey(scope);
    for (const [id, orderScope] of this.#scopes) {
      if (orderScope !== key || listed.has(id)) continue;
      this.#acceptedYetOpen.delete(id);
      const outcome = this.#outcomes.get(id);
      if (outcome?.kind === "success" || (outcome?.kind === "failed" && outcome.failed.outcome !== "may-be-open")) {
        continue;
      }
      const byThisCall = this.#byThisCall(id) || this.#mayHaveApplied.has(id);
      this.#outcomes.set(id, {
        kind: "failed",
        failed: {
          orderId: id,
          errCode: ABSENT_CODE,
          errMsg: "Seen open, then absent from a later complete listing: closed (canceled or filled).",
          outcome: byThisCall ? "closed-possibly-by-this-call" : "already-closed",
        },
        mayHaveBeenApplied: byThisCall,
      });
    }
  }

  /**
   * Ids whose cancel got no usable answer, in scopes the last round could not list in full:
   * sent again, so that HTX's answer says what became of them. In a scope listed in full, the
   * listing already said it (listed: sent again from the page; absent: closed).
   */
  unresolvedIds(completed: ReadonlySet<string>): string[] {
    const ids: string[] = [];
    for (const [id, outcome] of this.#outcomes) {
      if (outcome.kind === "unresolved" && !completed.has(this.#scopes.get(id)!)) ids.push(id);
    }
    return ids;
  }

  /** Merges one pass's outcomes into the books. */
  record(outcomes: ReadonlyMap<string, IdOutcome>): void {
    for (const [id, outcome] of outcomes) {
      if (outcome.kind !== "success" && outcome.mayHaveBeenApplied) this.#mayHaveApplied.add(id);
      const applied = this.#mayHaveApplied.has(id);
      const earlier = this.#outcomes.get(id);
      // A listing already showed it closed: a later lost answer does not make it open again.
      if (earlier?.kind === "failed" && earlier.failed.errCode === ABSENT_CODE && outcome.kind !== "success") continue;
      this.#outcomes.set(id, mergeOutcome(earlier, outcome, applied));
    }
  }

  /** Records orders first seen when no cancel may be sent any more, as not sent, with `error`. */
  notSent(scope: ListingScope, listed: readonly OpenOrder[], error: HtxError): void {
    for (const order of listed) {
      if (this.#orders.has(order.id)) continue;
      this.#orders.set(order.id, order);
      this.#scopes.set(order.id, scopeKey(scope));
      this.#outcomes.set(order.id, { kind: "unresolved", errors: [error], mayHaveBeenApplied: false });
    }
  }

  /** How many seen ids have an outcome. */
  settled(): number {
    return this.#outcomes.size;
  }

  /** Whether the order's cancel was accepted or it is known closed. */
  isClosedOrAccepted(id: string): boolean {
    const outcome = this.#outcomes.get(id);
    return outcome?.kind === "success" || (outcome?.kind === "failed" && outcome.failed.outcome !== "may-be-open");
  }

  /**
   * The orders that may still be open, when no complete final listing says so: every order seen
   * whose cancel was neither accepted nor found closed (refused "may be open", unresolved, or
   * never sent), and those accepted but listed open since.
   */
  mayBeOpen(): OpenOrder[] {
    return this.orders.filter((order) => !this.isClosedOrAccepted(order.id) || this.#acceptedYetOpen.has(order.id));
  }

  /**
   * Every order seen, in the three lists of `batchCancel`; one never asked about is unresolved
   * with `notSent`. An order found closed in a scope a sweep of this call cancelled in (known
   * only once its answers are in) is closed possibly by this call.
   */
  result(notSent: HtxError): BatchCancelResult {
    for (const id of this.#orders.keys()) {
      const outcome = this.#outcomes.get(id);
      if (!outcome) {
        this.#outcomes.set(id, { kind: "unresolved", errors: [notSent], mayHaveBeenApplied: false });
      } else if (outcome.kind === "failed" && this.#swept.has(this.#scopes.get(id)!)) {
        const upgraded = mergeOutcome(undefined, outcome, true);
        if (upgraded.kind === "failed" && outcome.failed.errCode === ABSENT_CODE) {
          upgraded.failed = { ...outcome.failed, outcome: "closed-possibly-by-this-call" };
        }
        this.#outcomes.set(id, upgraded);
      }
    }
    return buildResult([...this.#orders.keys()], this.#outcomes);
  }
}
