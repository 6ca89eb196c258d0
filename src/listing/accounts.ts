/**
 * `HtxAccountError`, apart from the account lookup itself (src/listing/spot-account.ts), which
 * is loaded with the kill switch on first use: the error class is exported by the package and
 * must not bring the listings along.
 */
import { HtxError } from "../core/errors.ts";

/** The UID has no spot account, or it is locked: nothing can be listed or cancelled through it. */
export class HtxAccountError extends HtxError {
  /** Always `"HtxAccountError"`. */
  override name = "HtxAccountError" as const;
  /** `"no-spot-account"` or `"locked"`. */
  readonly reason: "no-spot-account" | "locked";
  /** The spot account's id, when there is one. */
  readonly accountId?: string;

  /**
   * Creates the error.
   * @param message What is wrong and what to do.
   * @param reason Which of the two it is.
   * @param accountId The locked account's id.
   */
  constructor(message: string, reason: "no-spot-account" | "locked", accountId?: string) {
    super(message, false);
    this.reason = reason;
    if (accountId !== undefined) this.accountId = accountId;
  }
}
