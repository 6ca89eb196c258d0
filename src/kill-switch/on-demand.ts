/**
 * What `cancelAllOpen` and `listOpenOrders` load on their first call: the kill switch, the
 * listings and their answer schemas. A client that only cancels by id never loads them.
 */
import type { CancelEngine } from "../cancel/engine.ts";
import type { ListingSetup } from "../listing/signed-get.ts";
import { SpotAccount } from "../listing/spot-account.ts";
import type { KillSwitchSetup } from "./run.ts";

export { listAllOpenOrders } from "../listing/open-orders.ts";
export { validateFilter, validateKillSwitchOptions } from "./validate.ts";
export { runKillSwitch } from "./run.ts";

/** The kill switch of one client: its engine, its listings, and its spot account, looked up once. */
export function createKillSwitch(engine: CancelEngine, listing: ListingSetup): KillSwitchSetup {
  return { engine, listing, spotAccount: new SpotAccount(listing) };
}
