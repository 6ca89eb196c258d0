/**
 * Redaction of credentials before anything leaves this module as text.
 *
 * A signed HTX URL is a credential: HTX does not sign the body, so anyone holding the URL can
 * replay it with any body until the timestamp expires (htx-reference.md, "Signature Version 2",
 * point 10). So every URL, body snippet or foreign error message we keep is passed through here.
 */

const REDACTED = "[REDACTED]";
const SIGNED_PARAM = /\b(AccessKeyId|Signature)=[^&\s"'<>]*/g;

/** Replaces the values of `AccessKeyId` and `Signature` query parameters, and any listed secret. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(SIGNED_PARAM, `$1=${REDACTED}`);
  for (const secret of secrets) {
    // Short strings would redact half the message for no gain; credentials are never that short.
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** A URL as it may be shown: credentials replaced, everything else intact. */
export function redactUrl(url: string | URL): string {
  return redactText(String(url));
}

/**
 * Returns `cause` as it is when nothing in its chain shows a secret or a signed parameter,
 * otherwise a plain copy whose message and stack are redacted (a foreign fetch may put the
 * signed URL in its error).
 */
export function redactCause(cause: unknown, secrets: readonly string[], depth = 0): unknown {
  if (!(cause instanceof Error) || depth > 4) {
    return typeof cause === "string" ? redactText(cause, secrets) : cause;
  }
  const clean = (s: string | undefined) => (s === undefined ? s : redactText(s, secrets));
  const inner = "cause" in cause ? redactCause(cause.cause, secrets, depth + 1) : undefined;
  if (
    clean(cause.message) === cause.message && clean(cause.stack) === cause.stack &&
    inner === (cause as { cause?: unknown }).cause
  ) {
    return cause;
  }
  const copy = new Error(clean(cause.message), inner === undefined ? undefined : { cause: inner });
  copy.name = cause.name;
  copy.stack = clean(cause.stack);
  return copy;
}
