/**
 * How a Worker and the {@link HtxRateLimitObject} talk: plain `fetch` to a made-up origin.
 * `fetch` rather than RPC (`extends DurableObject`): RPC needs the `cloudflare:workers` module,
 * which Node and Deno cannot load, and this module must import everywhere (docs/cloudflare.md).
 */

/** Never reached over the network: the Durable Object stub routes it to the object. */
export const OBJECT_ORIGIN = "https://htx-rate-limit.internal";

/** How long the object holds an `acquire` open before asking the caller to ask again. */
export const LONG_POLL_MS = 2000;

/** The object's answer to `POST /acquire`. */
export interface AcquireAnswer {
  /** The granted slot's id, to pass to `/release`. */
  slot?: string;
  /** No slot within the long poll (or the waiter was forgotten): ask again. */
  retry?: boolean;
  /** The object refuses its own settings (bad vars): what to fix. Sent with status 500. */
  refused?: string;
  /**
   * The object cannot serve this request: it was asked for another endpoint's budget (status
   * 400), or its storage fails (status 503). Nothing was granted.
   */
  error?: string;
}

/** The object's answer to `GET /status`. */
export interface StatusAnswer {
  /** The endpoint whose budget the object keeps. */
  endpoint: string;
  /** Requests per window. */
  limit: number;
  /** Window length in ms. */
  intervalMs: number;
  /** A slot whose release never comes is freed this long after its grant. */
  maxHoldMs: number;
  /** Slots that still count against the limit (in flight, or answered less than a window ago). */
  busy: number;
  /** Slots granted whose release has not come, and has not expired. */
  inFlight: number;
  /** Callers waiting in a long poll. */
  waiting: number;
}
