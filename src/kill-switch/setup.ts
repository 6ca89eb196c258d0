/**
 * The listings of one client, set up when the client is built: signed with the client's key
 * (the one key `configureClient` imported, shared with the cancels), each endpoint on its own
 * budget, its rate-limit options checked then and there. The kill switch itself is loaded on
 * first use (src/kill-switch/on-demand.ts).
 */
import { type ClientSetup, rateLimiter } from "../cancel/options.ts";
import type { RateLimitOption } from "../listing/rate-limits.ts";
import type { ListingSetup } from "../listing/signed-get.ts";

/**
 * The listing setup of a client that `configureClient` has already set up.
 * @throws {HtxInputError} for a listing endpoint's rate limit that is not valid.
 */
export function createListingSetup(rateLimit: RateLimitOption | undefined, setup: ClientSetup): ListingSetup {
  const { origin, engine, key } = setup;
  const { timeoutMs } = engine;
  return {
    origin,
    host: new URL(origin).host,
    key,
    engine,
    limiters: {
      openOrders: rateLimiter(rateLimit, "openOrders", timeoutMs).limiter,
      accounts: rateLimiter(rateLimit, "accounts", timeoutMs).limiter,
    },
  };
}
