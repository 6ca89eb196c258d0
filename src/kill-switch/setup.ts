/**
 * The kill switch of one client: its listings signed with the client's key, each endpoint on its
 * own budget, beside the client's cancel engine.
 */
import { type ClientSetup, type HtxClientOptions, rateLimiter } from "../cancel/options.ts";
import { createSigningKey } from "../keys.ts";
import { SpotAccount } from "../listing/accounts.ts";
import type { ListingSetup } from "../listing/signed-get.ts";
import type { KillSwitchSetup } from "./run.ts";

/** Builds the kill switch of a client whose options `configureClient` has already checked. */
export function createKillSwitch(options: HtxClientOptions, { origin, engine }: ClientSetup): KillSwitchSetup {
  const { timeoutMs } = engine;
  const listing: ListingSetup = {
    origin,
    host: new URL(origin).host,
    accessKey: engine.accessKey,
    key: createSigningKey(options, { hmac: options.hmac }),
    engine,
    limiters: {
      openOrders: rateLimiter(options.rateLimit, "openOrders", timeoutMs).limiter,
      accounts: rateLimiter(options.rateLimit, "accounts", timeoutMs).limiter,
    },
  };
  return { engine, listing, spotAccount: new SpotAccount(listing) };
}
