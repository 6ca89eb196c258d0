/**
 * What `cancelAllOpen` and `listOpenOrders` load on their first call: the kill switch's checks,
 * its deadline and the account lookup. The listings, the sweep and their answer schemas (valibot)
 * load next, while the account lookup is in flight. A client that only cancels by id loads none.
 */
import type { ClientSetup } from "../cancel/build.ts";
import { loadOnDemand } from "../core/load-on-demand.ts";
import { SpotAccount } from "../listing/spot-account.ts";
import type { OpenOrder } from "../listing/open-orders.ts";
import { type CancelAllOpenResult, type KillSwitchSetup, runKillSwitch } from "./run.ts";
import { validateRunOptions } from "../cancel/run-options.ts";
import { validateFilter, validateKillSwitchOptions } from "./validate.ts";

const loadListings = loadOnDemand(() => import("../listing/open-orders.ts"), "The open-order listing's module");

/**
 * The kill switch of one client: its engine, its listings and sweep (the client's key, engine and
 * their limiters), and its spot accounts, looked up once.
 */
export function createKillSwitch({ engine, key, origin, listingLimiters }: ClientSetup): KillSwitchSetup {
  const listing = { origin, host: new URL(origin).host, key, engine, limiters: listingLimiters };
  return { engine, listing, spotAccount: new SpotAccount(listing) };
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

/** `HtxClient.listOpenOrders` of a client's kill switch: every open order the filter selects. */
export async function listOpenOrders(
  killSwitch: KillSwitchSetup,
  filter: unknown,
  options: unknown,
): Promise<{ accountId: string; orders: OpenOrder[] }> {
  const valid = validateFilter(filter);
  const { signal = new AbortController().signal } = validateRunOptions(options, "listOpenOrders");
  const listings = loadListings();
  listings.catch(() => {}); // awaited below, unless the lookup failed first
  const accountIds = valid.accountId === undefined ? await killSwitch.spotAccount.ids(signal) : [valid.accountId];
  const orders = await (await listings).listAllOpenOrders(killSwitch.listing, accountIds, valid, signal);
  return { accountId: accountIds[0]!, orders };
}
