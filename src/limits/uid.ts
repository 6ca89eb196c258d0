/**
 * The UID that names a shared budget: HTX counts each endpoint's limit per UID, across every key
 * of the account (https://huobiapi.github.io/docs/spot/v1/en/#rate-limiting-rule), so every
 * process of a fleet must name the same budget for the same account.
 */
import { HtxInputError } from "../core/errors.ts";

/**
 * The UID as its digits without leading zeros (`"12345678"`, `12345678` or a bigint). Anything
 * else is refused, never trimmed: " 123" and "123" must never name two budgets.
 * @param owner How to name the caller in the message, e.g. `"redisRateLimiter"`.
 * @throws {HtxInputError} saying what to pass.
 */
export function normalizeUid(owner: string, uid: unknown): string {
  const digits = typeof uid === "bigint" || (typeof uid === "number" && Number.isSafeInteger(uid))
    ? String(uid)
    : typeof uid === "string"
    ? uid
    : "";
  if (!/^[0-9]{1,20}$/.test(digits) || /^0+$/.test(digits)) {
    throw new HtxInputError(
      `${owner}: uid must be your HTX UID as digits (e.g. "12345678" or 12345678), ` +
        "with no spaces or other characters.",
    );
  }
  return digits.replace(/^0+/, "");
}
