/**
 * Which budget a Durable Object guards: one per UID and HTX endpoint, since HTX counts each
 * endpoint's limit on its own (https://huobiapi.github.io/docs/spot/v1/en/#rate-limiting-rule:
 * per UID per endpoint, shared by every key of the UID).
 */
import { HtxInputError } from "../core/errors.ts";
import { DEFAULT_ENDPOINT_LIMITS } from "../limits/endpoint-budgets.ts";

/** HTX's published limits of the endpoints this module calls, per UID: `DEFAULT_ENDPOINT_LIMITS` by endpoint name. */
export const HTX_ENDPOINT_BUDGETS: {
  /** `POST /v1/order/orders/batchcancel`: 50 per 2 s. */
  readonly "batch-cancel": typeof DEFAULT_ENDPOINT_LIMITS.batchCancel;
  /** `GET /v1/order/openOrders`: 50 per 2 s, its own budget. */
  readonly "open-orders": typeof DEFAULT_ENDPOINT_LIMITS.openOrders;
  /** `GET /v1/account/accounts`: 100 per 2 s. */
  readonly "accounts": typeof DEFAULT_ENDPOINT_LIMITS.accounts;
  /** `POST /v1/order/orders/batchCancelOpenOrders`: 50 per 2 s, its own budget. */
  readonly "batch-cancel-open-orders": typeof DEFAULT_ENDPOINT_LIMITS.batchCancelOpenOrders;
} = {
  "batch-cancel": DEFAULT_ENDPOINT_LIMITS.batchCancel,
  "open-orders": DEFAULT_ENDPOINT_LIMITS.openOrders,
  "accounts": DEFAULT_ENDPOINT_LIMITS.accounts,
  "batch-cancel-open-orders": DEFAULT_ENDPOINT_LIMITS.batchCancelOpenOrders,
};

/** An HTX endpoint with its own rate-limit budget. */
export type HtxEndpoint = keyof typeof HTX_ENDPOINT_BUDGETS;

/** A UID, normalised: its digits without leading zeros. */
export function normalizeUid(uid: unknown): string {
  const digits = typeof uid === "bigint" || (typeof uid === "number" && Number.isSafeInteger(uid))
    ? String(uid)
    : typeof uid === "string"
    ? uid
    : "";
  // Refused rather than trimmed: " 123" and "123" must never name two objects.
  if (!/^[0-9]{1,20}$/.test(digits) || /^0+$/.test(digits)) {
    throw new HtxInputError(
      'durableObjectLimiter: uid must be your HTX UID as digits (e.g. "12345678" or 12345678), ' +
        "with no spaces or other characters.",
    );
  }
  return digits.replace(/^0+/, "");
}

/** The endpoint, checked against {@link HTX_ENDPOINT_BUDGETS}. */
export function checkedEndpoint(endpoint: unknown): HtxEndpoint {
  if (typeof endpoint === "string" && Object.hasOwn(HTX_ENDPOINT_BUDGETS, endpoint)) return endpoint as HtxEndpoint;
  throw new HtxInputError(
    `durableObjectLimiter: endpoint must be one of ${Object.keys(HTX_ENDPOINT_BUDGETS).join(", ")}.`,
  );
}

/**
 * The object's name. Batch cancel keeps the name of earlier versions (`htx-uid-<uid>`), so that a
 * rolling upgrade never splits that budget between an old object and a new one.
 */
export function objectName(uid: string, endpoint: HtxEndpoint): string {
  return endpoint === "batch-cancel" ? `htx-uid-${uid}` : `htx-uid-${uid}/${endpoint}`;
}

/**
 * The endpoint an object guards, read from its name ({@link objectName}'s inverse); undefined for
 * a name this module never gives. The name is fixed by whoever asked for the object, so a request
 * can never change which budget an object keeps.
 */
export function endpointOfName(name: string): HtxEndpoint | undefined {
  const match = /^htx-uid-[1-9][0-9]{0,19}(?:\/(.+))?$/.exec(name);
  if (!match) return undefined;
  const endpoint = match[1];
  if (endpoint === undefined) return "batch-cancel"; // the name earlier versions gave it
  return endpoint !== "batch-cancel" && Object.hasOwn(HTX_ENDPOINT_BUDGETS, endpoint)
    ? endpoint as HtxEndpoint
    : undefined;
}
