/**
 * What the kill switch needs and what it returns: the types its light half (./run.ts) and its
 * rounds (./until-empty.ts) share.
 */
import type { HtxError } from "../core/errors.ts";
import type { CancelEngine } from "../cancel/engine.ts";
import type { BatchCancelResult } from "../cancel/outcome.ts";
import type { SpotAccount } from "../listing/spot-account.ts";
import type { OpenOrder } from "../listing/open-orders.ts";
import type { ListingSetup } from "../listing/signed-get.ts";

/** What the kill switch's rounds need, fixed per client. */
export interface RoundsSetup {
  /** The cancel engine `batchCancel` uses. */
  engine: CancelEngine;
  /** How to list (and sweep). */
  listing: ListingSetup;
  /** The spot accounts, looked up once per client. */
  spotAccount: SpotAccount;
}

/** What `cancelAllOpen` found and did: every order seen, in the three lists of `batchCancel`. */
export interface CancelAllOpenResult extends BatchCancelResult {
  /** Every order any listing showed (cut-short listings too), as first listed, in first-seen order. */
  orders: OpenOrder[];
  /**
   * What the final listing showed (open or `cancelling`); empty when `confirmedEmpty`. Without a
   * complete final listing, also every order seen whose cancel was neither accepted nor found closed.
   */
  stillOpen: OpenOrder[];
  /** `true` only when a round that sent nothing read every page of every scope and found nothing. */
  confirmedEmpty: boolean;
  /** The (first) account whose orders were listed. */
  accountId: string;
  /** Every account listed: each working spot account, or `filter.accountId`. */
  accountIds: string[];
  /** Listings made (each: every page of every scope). */
  listings: number;
  /** Why listings or sweeps fell short, oldest first (each retried first). */
  listingErrors: HtxError[];
  /** Orders the sweep (`batchCancelOpenOrders`) said it cancelled; 0 with `sweep: false`. */
  swept: number;
  /** Whether the deadline passed before the book was confirmed empty. */
  deadlineReached: boolean;
  /** Set when HTX refused a request for the key (authentication or permission): the kill switch stopped there. */
  refusedForKey?: HtxError;
}
