/**
 * The kill switch of one client: its listings signed with the client's key (the one key
 * `configureClient` imported, shared with the cancels), each endpoint on its own budget, beside
 * the client's cancel engine.
 */
import { type ClientSetup, rateLimiter } from "../cancel/options.ts";
import type { RateLimitOption } from "../listing/rate-limits.ts";
import { SpotAccount } from "../listing/accounts.ts";
import type { ListingSetup } from "../listing/signed-get.ts";
import type { KillSwitchSetup } from "./run.ts";

/**
 * Builds the kill switch of a client that `configureClient` has already set up.
 * @throws {HtxInputError} for a listing endpoint's rate limit that is not valid.
 */
export function createKillSwitch(rateLimit: RateLimitOption | undefined, setup: ClientSetup): KillSwitchSetup {
  const { origin, engine, key } = setup;
  const { timeoutMs } = engine;
  const listing: ListingSetup = {
    origin,
    host: new URL(origin).host,
    key,
    engine,
    limiters: {
      openOrders: rateLimiter(rateLimit, "openOrders", timeoutMs).limiter,
      accounts: rateLimiter(rateLimit, "accounts", timeoutMs).limiter,
    },
  };
  return { engine, listing, spotAccount: new SpotAccount(listing) };
}
