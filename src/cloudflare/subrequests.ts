/**
 * Cloudflare's subrequest limit: an invocation may make so many `fetch` calls (to HTX and to
 * Durable Objects alike), and the one after the last fails with "Too many subrequests". A
 * limiter that knows the invocation's budget stops granting while the request and its release
 * can still be sent, so that no slot is left held by a request that could not go out
 * (https://developers.cloudflare.com/workers/platform/limits/#subrequests).
 */
import { HtxError, HtxInputError } from "../core/errors.ts";

/**
 * Subrequests per invocation as Cloudflare documents them (checked December 2026; earlier pages
 * said 1,000 for Paid): check your plan's before you rely on them.
 */
export const CLOUDFLARE_SUBREQUEST_LIMITS = { free: 50, paid: 10_000 } as const;

/** What one more HTX request costs: one `acquire`, the request itself, one `release`. */
export const SUBREQUESTS_PER_REQUEST = 3;

/**
 * The subrequests one invocation may still make. Pass the same budget to every limiter of the
 * invocation (the limit is per invocation, not per limiter); subrequests made outside the
 * limiters are yours to leave room for, e.g. `new SubrequestBudget(50 - 2)`.
 */
export class SubrequestBudget {
  /** The invocation's limit. */
  readonly limit: number;
  #used = 0;
  #reserved = 0;

  /**
   * A budget with nothing used yet: make one per invocation.
   * @param limit Subrequests per invocation: 50 on Workers Free, 10,000 on Paid (`CLOUDFLARE_SUBREQUEST_LIMITS`).
   * @throws {HtxInputError} unless a whole number from 1.
   */
  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new HtxInputError(
        `SubrequestBudget: limit must be the invocation's subrequest limit, a whole number from 1 ` +
          `(Workers Free 50, Paid 10,000), got ${String(limit)}.`,
      );
    }
    this.limit = limit;
  }

  /** Subrequests made so far. */
  get used(): number {
    return this.#used;
  }

  /** Subrequests neither made nor promised to a request under way. */
  get free(): number {
    return this.limit - this.#used - this.#reserved;
  }

  /** Promises `count` subrequests to a request under way; false if there are not that many. */
  reserve(count: number): boolean {
    if (this.free < count) return false;
    this.#reserved += count;
    return true;
  }

  /** Gives back promised subrequests that were not needed. */
  unreserve(count: number): void {
    this.#reserved = Math.max(0, this.#reserved - count);
  }

  /** Counts one subrequest made, promised before (`reserved`) or taken now; false if none is left. */
  use(reserved: boolean): boolean {
    if (reserved) this.unreserve(1);
    else if (this.free < 1) return false;
    this.#used++;
    return true;
  }
}

/** The error of a request the limiter did not grant for want of subrequests: nothing was sent. */
export function subrequestLimitError(budget: SubrequestBudget | undefined, cause?: unknown): HtxError {
  const limit = budget
    ? `this invocation's subrequest limit (${budget.limit}, option subrequests) has ${budget.free} left, ` +
      `fewer than the ${SUBREQUESTS_PER_REQUEST} one more request needs (acquire, the HTX request, release)`
    : "Cloudflare's subrequest limit of this invocation is reached (Too many subrequests)";
  return new HtxError(
    `Rate-limit slot not granted: ${limit}; this request was not sent. Cancel the rest in another invocation.`,
    false,
    cause === undefined ? {} : { cause },
  );
}

/** Whether a failed `fetch` failed because the invocation ran out of subrequests. */
export function isSubrequestLimit(error: unknown): boolean {
  return /too many subrequests/i.test(String((error as Error)?.message ?? error));
}

/**
 * One caller's share of the budget: it reserves an `acquire`, its HTX request and its `release`
 * before it asks, so that a granted slot can always be used and given back.
 */
export class SubrequestTicket {
  readonly #budget: SubrequestBudget | undefined;
  /** Reserved and unused: [first ask, the HTX request, the release]. */
  #ask = true;
  #request = true;
  #release = true;
  #pinned = false;

  /** @throws the limit error when the budget cannot cover one more request. */
  constructor(budget: SubrequestBudget | undefined) {
    this.#budget = budget;
    if (budget && !budget.reserve(SUBREQUESTS_PER_REQUEST)) throw subrequestLimitError(budget);
  }

  /** Pays for one call to the object (an ask, a report): the reserved ask first; throws when none is left. */
  call(): void {
    if (!this.#budget) return;
    const reserved = this.#ask;
    this.#ask = false;
    if (!this.#budget.use(reserved)) {
      this.close();
      throw subrequestLimitError(this.#budget);
    }
  }

  /** Pays for a call only if the budget allows (a probe, a forget): false when it does not. */
  spare(): boolean {
    if (!this.#budget) return true;
    if (this.#request) {
      this.#request = false;
      return this.#budget.use(true);
    }
    return this.#budget.use(false);
  }

  /** The slot is granted: its HTX request is about to be made. */
  sent(): void {
    if (this.#request) this.#budget?.use(true);
    this.#request = false;
    if (this.#ask) this.#budget?.unreserve(1);
    this.#ask = false;
  }

  /** Pays for the release call, from its reservation. */
  released(): void {
    if (this.#release) this.#budget?.use(true);
    this.#release = false;
  }

  /** Keeps the release's reservation past `close()`: a slot may still be granted to a caller who left. */
  pinRelease(): void {
    this.#pinned = true;
  }

  /** Gives back whatever is still reserved (the slot came from elsewhere, or nothing was granted). */
  close(): void {
    const release = this.#release && !this.#pinned;
    this.#budget?.unreserve(Number(this.#ask) + Number(this.#request) + Number(release));
    this.#ask = this.#request = false;
    if (release) this.#release = false;
  }

  /** No late grant came: the pinned release's reservation goes back. */
  dropRelease(): void {
    if (this.#release) this.#budget?.unreserve(1);
    this.#release = false;
  }
}
