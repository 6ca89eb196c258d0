/**
 * The signed parameters of a URL, redacted: all `redactUrl` (exported by mod.ts) needs, apart
 * from the rest of src/core/redact.ts (secrets in every encoding, foreign errors), which loads only
 * where an error is built.
 */

/** What stands in for a credential. */
export const REDACTED = "[REDACTED]";

/**
 * `AccessKeyId=…` and `Signature=…`, also with the `=` percent-encoded once or twice (a query
 * echoed inside another URL or a form body). The value ends where the parameter would: at `&`,
 * its encoded forms `%26` / `%2526`, whitespace, a quote or a tag.
 */
const SIGNED_PARAM = /(AccessKeyId|Signature)(=|%3D|%253D)(?:(?!%(?:25)?26)[^&\s"'<>])*/gi;

/** Replaces the values of `AccessKeyId` and `Signature` parameters, in any of their encodings. */
export function redactSignedParams(text: string): string {
  return text.replace(SIGNED_PARAM, `$1$2${REDACTED}`);
}

/** A URL as it may be shown: credentials replaced, everything else intact. */
export function redactUrl(url: string | URL): string {
  return redactSignedParams(String(url));
}
