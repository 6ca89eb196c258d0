/**
 * The sweep: `POST /v1/order/orders/batchCancelOpenOrders` (Trade permission, 50 per 2 s per
 * UID on its own budget; up to 100 orders a call by criteria: `account-id`, up to 10 comma-
 * separated `symbol`s, `side`, `size` ≤ 100; it answers counts only, `success-count`,
 * `failed-count` and `next-id`, −1 when no order is left; docs/htx-notes.md). It runs beside
 * the cancels by id, doubling what HTX lets the kill switch cancel a second. Its counts carry no
 * ids, so what became of each order still comes from the listings (src/kill-switch/ledger.ts).
 */
import * as v from "valibot";
import type { HtxError } from "../core/errors.ts";
import { mayHaveBeenApplied } from "../cancel/attempt.ts";
import { neverSent } from "../cancel/signed-request.ts";
import { isKeyRefusal } from "../http/answers.ts";
import { HtxAbortError } from "../http/request-errors.ts";
import { childSignal } from "../core/child-signal.ts";
import { readListingAnswer } from "../listing/answer.ts";
import type { ListingScope, OpenOrdersQuery } from "../listing/open-orders.ts";
import { type ListingSetup, signedGet } from "../listing/signed-get.ts";

const SWEEP_PATH = "/v1/order/orders/batchCancelOpenOrders";
/** HTX's largest `size` for one sweep call. */
const SWEEP_SIZE = 100;
/** HTX's most symbols in one sweep call. */
export const SWEEP_SYMBOLS = 10;
/** Sweep calls in flight per group: enough to keep its budget (25 a second) busy at a 50 ms round trip and a busy HTX. */
const SWEEPERS = 4;

const SweepAnswerSchema = v.looseObject({
  status: v.literal("ok"),
  data: v.looseObject({
    "success-count": v.number(),
    "failed-count": v.optional(v.number()),
    "next-id": v.optional(v.union([v.number(), v.string()])),
  }),
});
const SWEEP_ANSWER = { name: "batch cancel by criteria", schema: SweepAnswerSchema, idFields: new Set(["next-id"]) };

/** One sweep call's criteria: an account, and up to ten symbols or every symbol. */
export interface SweepGroup {
  accountId: string;
  symbols?: string[];
}

/** The groups of a query: per account, its symbols in tens (or one group for every symbol). */
export function sweepGroups(accountIds: readonly string[], query: OpenOrdersQuery): SweepGroup[] {
  return accountIds.flatMap((accountId) => {
    if (!query.symbols) return [{ accountId }];
    const groups: SweepGroup[] = [];
    for (let i = 0; i < query.symbols.length; i += SWEEP_SYMBOLS) {
      groups.push({ accountId, symbols: query.symbols.slice(i, i + SWEEP_SYMBOLS) });
    }
    return groups;
  });
}

/** The scopes a group's sweep may cancel orders in (for the ledger). */
export function groupScopes(group: SweepGroup): ListingScope[] {
  return group.symbols
    ? group.symbols.map((symbol) => ({ accountId: group.accountId, symbol }))
    : [{ accountId: group.accountId }];
}

/** What a sweep of one round came to. */
export interface SweepTally {
  /** Orders HTX said it cancelled. */
  cancelled: number;
  /** Requests sent. */
  requests: number;
  /** Sweep calls that failed, after their retries. */
  errors: HtxError[];
}

async function sweepOnce(setup: ListingSetup, group: SweepGroup, side: string | undefined, signal: AbortSignal) {
  const body: Record<string, string | number> = { "account-id": group.accountId, size: SWEEP_SIZE };
  if (group.symbols) body.symbol = group.symbols.join(",");
  if (side !== undefined) body.side = side;
  const request = {
    endpoint: "batchCancelOpenOrders" as const,
    path: SWEEP_PATH,
    params: [],
    body: JSON.stringify(body),
  };
  const answer = await signedGet(setup, request, (r, ctx) => readListingAnswer(r, ctx, SWEEP_ANSWER), signal);
  const nextId = Number(answer.data["next-id"] ?? -1);
  return { cancelled: answer.data["success-count"], more: nextId !== -1 && answer.data["success-count"] > 0 };
}

/**
 * Sweeps one group until HTX says none is left (`next-id` −1, or nothing cancelled), a call
 * fails, or `signal` aborts. `onApplied` is told when a call cancelled orders, or may have (its
 * answer was lost): the ledger then calls orders of the group's scopes found closed "possibly by
 * this call".
 */
export async function sweepGroup(
  setup: ListingSetup,
  group: SweepGroup,
  side: string | undefined,
  signal: AbortSignal,
  onApplied: (cancelled: number) => void,
  onRefused: (error: HtxError) => void,
): Promise<SweepTally> {
  const tally: SweepTally = { cancelled: 0, requests: 0, errors: [] };
  let more = true;
  const sweeper = async (own: AbortSignal) => {
    while (more && !own.aborted) {
      tally.requests++;
      try {
        const once = await sweepOnce(setup, group, side, own);
        if (once.cancelled > 0) onApplied(once.cancelled);
        tally.cancelled += once.cancelled;
        if (!once.more) more = false;
      } catch (error) {
        if (!signal.aborted) tally.errors.push(error as HtxError);
        // An abort after a request left (in flight, or waiting to ask again) may have swept orders,
        // unless it came of HTX refusing the key: then nothing the key sent was applied.
        const sent = !neverSent(error) && !(error instanceof HtxAbortError && isKeyRefusal(error.cause as HtxError));
        if (mayHaveBeenApplied({ error: error as HtxError, sent })) onApplied(0);
        more = false;
        // A refused key stops the kill switch at once (src/kill-switch/round.ts).
        if (isKeyRefusal(error as HtxError)) onRefused(error as HtxError);
      }
    }
  };
  // Each sweeper on its own signal: groups' sweepers at once must not each add listeners to the shared one.
  await Promise.all(Array.from({ length: SWEEPERS }, async () => {
    const own = childSignal(signal);
    try {
      await sweeper(own.signal);
    } finally {
      own.dispose();
    }
  }));
  return tally;
}
