/**
 * What `cancelAllOpen` and `listOpenOrders` load on their first call: the kill switch's checks,
 * its deadline and the account lookup. The listings, the sweep and their answer schemas (valibot)
 * load next, while the account lookup is in flight. A client that only cancels by id loads none.
 */
import type { ClientSetup } from "../cancel/build.ts";
import type { loadOnDemand } from "../core/load-on-demand.ts";
import { SpotAccount } from "../listing/spot-account.ts";
import type { OpenOrder } from "../listing/open-orders.ts";
import { type CancelAllOpenResult, type KillSwitchSetup, runKillSwitch } from "./run.ts";
import { validateFilter, validateKillSwitchOptions } from "./validate.ts";

/**
 * The kill switch of one client: its engine, its listings and sweep (the client's key, engine and
 * their limiters), and its spot accounts, looked up once.
 * @param onDemand The client's `loadOnDemand` (src/core/load-on-demand.ts), passed in rather than
 *   imported: a module this half shared with the import would be a chunk of its own in a
 *   bundler's split, and cost the import's budget (test/size-budget.test.ts).
 */
export function createKillSwitch(
  { engine, key, origin, listingLimiters }: ClientSetup,
  onDemand: typeof loadOnDemand,
): KillSwitchSetup {
  const loadRounds = onDemand(() => import("./until-empty.ts"), "The kill switch's rounds");
  const listing = { origin, host: new URL(origin).host, key, engine, limiters: listingLimiters };
  // The answer's reader loads with the rounds, while the lookup is in flight.
  const readAccounts: ConstructorParameters<typeof SpotAccount>[1] = async (response, ctx) =>
    (await loadRounds()).readAccountsAnswer(response, ctx);
  return { engine, listing, spotAccount: new SpotAccount(listing, readAccounts), loadRounds };
}

/**
 * `HtxClient.cancelAllOpen` of a client's kill switch: the filter and options checked, then the
 * kill switch run (src/kill-switch/run.ts).
 */
export async function cancelAllOpen(
  killSwitch: KillSwitchSetup,
  filter: unknown,
  options: unknown,
): Promise<CancelAllOpenResult> {
  const valid = validateFilter(filter);
  return await runKillSwitch(killSwitch, valid, validateKillSwitchOptions(options, valid));
}

/** `HtxClient.listOpenOrders` of a client's kill switch: see ./until-empty.ts. */
export async function listOpenOrders(
  killSwitch: KillSwitchSetup,
  filter: unknown,
  options: unknown,
): Promise<{ accountId: string; orders: OpenOrder[] }> {
  return await (await killSwitch.loadRounds()).listOpenOrders(killSwitch, filter, options);
}
