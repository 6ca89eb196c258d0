/**
 * What a client is built from on first use (or `ready()`): its signing key, the cancel engine
 * and the listings' limiters, from the options `configureClient` checked when the client was
 * made. The kill switch makes its listings' setup from these (src/kill-switch/on-demand.ts).
 * Loaded on demand (src/cancel/on-demand.ts), so that `import { HtxClient }` stays small.
 */
import { HtxInputError } from "../core/errors.ts";
import { createSigningKey, readScreenedKey, type SigningKey } from "../signing/keys.ts";
import { type RateLimiter, SlidingWindowLimiter } from "../limits/limiter.ts";
import { redactCause } from "../core/redact.ts";
import { BATCH_CANCEL_PATH } from "../core/endpoints.ts";
import { createEndpointSigner } from "../signing/sign.ts";
import { ServerClock } from "../http/clock.ts";
import { unrefTimer } from "../core/timers.ts";
import type { CancelEngine } from "./engine.ts";
import type { ClientConfig, LimiterChoice } from "./options.ts";
import { SignatureTimeout, signingError } from "../signing/signing-error.ts";

/** A client, built: its engine and key, and the limiters of the listings, which share both. */
export interface ClientSetup {
  /** What `batchCancel` runs its ids through. */
  engine: CancelEngine;
  /**
   * The client's signing key, imported once and shared by the cancels and the listings. Its
   * `ready()` resolves once the key is usable, and rejects with `HtxInputError` when it never
   * will be (an Ed25519 key on a runtime whose Web Crypto lacks Ed25519).
   */
  key: SigningKey;
  /** HTX's origin, e.g. `https://api.huobi.pro`. */
  origin: string;
  /** The kill switch's listing endpoints, each on its own budget; absent where limiting is off. */
  listingLimiters: {
    openOrders: RateLimiter | undefined;
    accounts: RateLimiter | undefined;
    batchCancelOpenOrders: RateLimiter | undefined;
  };
  /** The dead man's switch's endpoint, on its own budget; absent where limiting is off. */
  cancelAllAfterLimiter: RateLimiter | undefined;
}

/**
 * The client's signing key, imported once. An Ed25519 key is read in full here (the constructor
 * only screened it); a failing HMAC backend is reported as such, its text redacted.
 * @throws {HtxInputError} for a key that cannot sign.
 */
function signingKey(config: ClientConfig): SigningKey {
  const credentials = readScreenedKey(config.credentials);
  try {
    const key = createSigningKey(credentials, { hmac: config.hmac });
    return config.hmac && key.method === "HmacSHA256" ? timeBounded(key, config.timeoutMs) : key;
  } catch (cause) {
    // An Ed25519 key's own refusals (no Web Crypto at all) say what to do and hold no key.
    if (cause instanceof HtxInputError) throw cause;
    const secrets = credentials.method === "HmacSHA256" ? [credentials.accessKey, credentials.secretKey] : [];
    throw new HtxInputError("hmac.keyed(secret) threw: this HMAC backend cannot be used here.", {
      cause: redactCause(cause, secrets),
    });
  }
}

/**
 * `key`, whose signatures that come asynchronously fail after `timeoutMs`: an HMAC backend of the
 * caller's (an HSM that stops answering) must not hold a call without a signal for ever. Only for
 * a backend the caller passed: the built-in ones do not hang, and a timer per request costs.
 */
function timeBounded(key: SigningKey, timeoutMs: number): SigningKey {
  const sign = (text: string) => {
    const signature = key.sign(text);
    if (typeof signature === "string") return signature;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SignatureTimeout(timeoutMs)), timeoutMs);
      unrefTimer(timer); // a call that gave up (its abort, a deadline) must not hold the process open
    });
    return Promise.race([signature, late]).finally(() => clearTimeout(timer));
  };
  return Object.freeze({ ...key, sign });
}

/**
 * The signer of the endpoint. A signature that fails (an HMAC backend that throws, a runtime
 * whose Web Crypto lacks Ed25519) fails the request before it is sent, saying why, redacted.
 */
function endpointSigner(origin: string, accessKey: string, key: SigningKey, secrets: readonly string[]) {
  const sign = createEndpointSigner("POST", `${origin}${BATCH_CANCEL_PATH}`, accessKey, key);
  return async (epochMs: number): Promise<string> => {
    try {
      return await sign(epochMs);
    } catch (cause) {
      throw signingError(cause, key.method, secrets, "the request", "these ids were not sent");
    }
  };
}

function limiterOf(choice: LimiterChoice): RateLimiter | undefined {
  if (choice === undefined) return undefined;
  return "limiter" in choice ? choice.limiter : new SlidingWindowLimiter(choice.window);
}

/**
 * Builds the client's key, engine and listing limiters; sends nothing.
 * @throws {HtxInputError} for a key that cannot sign (an Ed25519 key the screen let through
 *   that the full reader refuses, an HMAC backend whose `keyed` throws or returns no function).
 */
export function buildClient(config: ClientConfig): ClientSetup {
  const { origin, fetch, now, timeoutMs, limits } = config;
  const { accessKey } = config.credentials;
  const key = signingKey(config);
  const secrets = [accessKey, ...key.redactables()];
  const engine: CancelEngine = {
    sign: endpointSigner(origin, accessKey, key, secrets),
    fetch,
    clock: new ServerClock({ now, fetch, origin, timeoutMs }),
    limiter: limiterOf(limits.batchCancel),
    timeoutMs,
    accessKey,
    secrets,
    retry: config.retry,
    syncTime: config.syncTime,
  };
  const listingLimiters = {
    openOrders: limiterOf(limits.openOrders),
    accounts: limiterOf(limits.accounts),
    batchCancelOpenOrders: limiterOf(limits.batchCancelOpenOrders),
  };
  return { engine, key, origin, listingLimiters, cancelAllAfterLimiter: limiterOf(limits.cancelAllAfter) };
}
