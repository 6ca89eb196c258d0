/**
 * What a signature that failed says, for cancels and listings alike: which backend failed and,
 * for our own refusal (an `HtxInputError` from the key, e.g. a runtime whose Web Crypto lacks
 * Ed25519), why; the cause redacted. Nothing is sent after it.
 */
import { HtxError, HtxInputError } from "../core/errors.ts";
import type { SignatureMethod } from "./keys.ts";
import { redactCause } from "../core/redact.ts";

/**
 * The error of a signature that failed.
 * @param what what was being signed, e.g. `"the request"`.
 * @param notSent what was therefore not sent, e.g. `"these ids were not sent"`.
 */
export function signingError(
  cause: unknown,
  method: SignatureMethod,
  secrets: readonly string[],
  what: string,
  notSent: string,
): HtxError {
  if (cause instanceof SignatureTimeout) {
    // Retryable: nothing was sent, and a backend that stalled once may answer the next time.
    return new HtxError(
      `Signing ${what} failed (the HMAC backend did not answer within timeoutMs, ${cause.timeoutMs} ms); ${notSent}.`,
      true,
    );
  }
  const backend = method === "Ed25519" ? "Ed25519 through Web Crypto" : "the HMAC backend threw";
  // Our own refusal is safe to show and says what to do.
  const why = cause instanceof HtxInputError ? `${backend}: ${cause.message}` : backend;
  return new HtxError(`Signing ${what} failed (${why}); ${notSent}.`, false, { cause: redactCause(cause, secrets) });
}

/** What a signature that did not come within the client's `timeoutMs` rejects with; {@link signingError} says so. */
export class SignatureTimeout extends Error {
  override readonly name = "SignatureTimeout";

  constructor(readonly timeoutMs: number) {
    super(`No signature within ${timeoutMs} ms.`);
  }
}
