/**
 * HTX Signature Version 2 (HmacSHA256), one small pure step per function.
 * Rules: https://huobiapi.github.io/docs/spot/v1/en/#authentication and the project's HTX
 * reference, which also lists the known-answer vectors the tests use.
 */
import { defaultHmac, type HmacBackend, toBase64 } from "./hmac.ts";
import { validateCredentials, validateTimestamp } from "./input.ts";

/** `YYYY-MM-DDThh:mm:ss` in UTC: no milliseconds, no `Z` (HTX rejects both). */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

/**
 * RFC 3986 percent-encoding of UTF-8 with upper-case hex: only `A-Z a-z 0-9 - _ . ~` stay as
 * they are. `encodeURIComponent` also leaves `! ' ( ) *`, which HTX's servers encode.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Encodes each pair, sorts by encoded name in ASCII order (upper before lower case), joins with `&`. */
export function canonicalQuery(params: Iterable<readonly [string, string]>): string {
  const encoded = [...params].map(([k, v]) => [percentEncode(k), percentEncode(v)] as const);
  encoded.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return encoded.map(([k, v]) => `${k}=${v}`).join("&");
}

/**
 * The text HTX signs: `METHOD\nhost\npath\nquery`. The host is lower case and exactly the one
 * the request goes to, port included when the URL names one (a wrong host is the most common
 * "Verification failure" other clients hit).
 */
export function preSignedText(method: string, host: string, path: string, query: string): string {
  return `${method.toUpperCase()}\n${host.toLowerCase()}\n${path}\n${query}`;
}

/** The four parameters HTX requires on every signed request. */
export function authParams(accessKey: string, epochMs: number): [string, string][] {
  return [
    ["AccessKeyId", accessKey],
    ["SignatureMethod", "HmacSHA256"],
    ["SignatureVersion", "2"],
    ["Timestamp", formatTimestamp(epochMs)],
  ];
}

/** Signs requests to one fixed endpoint: returns its signed URL for a time. */
export type EndpointSigner = (epochMs: number) => Promise<string>;

/**
 * A signer for one endpoint without query parameters of its own, such as batchcancel. Its
 * canonical query is always `AccessKeyId=…&SignatureMethod=HmacSHA256&SignatureVersion=2`
 * (they sort before `Timestamp`) followed by the timestamp, so everything but the timestamp is
 * encoded once, and the secret is prepared once.
 */
export function createEndpointSigner(
  method: string,
  url: string,
  accessKey: string,
  secretKey: string,
  backend: HmacBackend = defaultHmac,
): EndpointSigner {
  const target = new URL(url);
  const fixed = canonicalQuery(authParams(accessKey, 0).filter(([name]) => name !== "Timestamp"));
  const textPrefix = preSignedText(method, target.host, target.pathname, `${fixed}&Timestamp=`);
  const urlPrefix = `${target.origin}${target.pathname}?${fixed}&Timestamp=`;
  const mac = backend.keyed(secretKey);
  // The timestamp changes once a second: encode it once per second, not once per request. The
  // cache is one immutable pair, read once per call into a local: concurrent calls straddling a
  // second boundary each keep the timestamp they signed, whatever the cache holds after the
  // await (reading the shared value again there once sent URLs whose signature did not match).
  let cached = { second: Number.NaN, encoded: "" };
  return async (epochMs) => {
    const second = Math.floor(epochMs / 1000);
    if (cached.second !== second) cached = { second, encoded: percentEncode(formatTimestamp(epochMs)) };
    const timestamp = cached.encoded;
    const signature = toBase64(await mac(textPrefix + timestamp));
    return `${urlPrefix}${timestamp}&Signature=${encodeBase64Param(signature)}`;
  };
}

const BASE64_ESCAPES: Record<string, string> = { "+": "%2B", "/": "%2F", "=": "%3D" };

/** Percent-encodes base64, whose only reserved characters are `+`, `/` and `=`. */
function encodeBase64Param(base64: string): string {
  return base64.replace(/[+/=]/g, (c) => BASE64_ESCAPES[c]!);
}

/** Arguments of {@link signUrl}. */
export interface SignUrlOptions {
  /** HTTP method, e.g. `"POST"`. */
  method: string;
  /** The full URL the request goes to; its own query parameters are signed too. */
  url: string | URL;
  /** The API key's AccessKeyId. */
  accessKey: string;
  /** The API key's secret. */
  secretKey: string;
  /** When the request is made: epoch milliseconds or a `Date` (sent to the second). */
  timestamp: number | Date;
  /** HMAC implementation; default {@link defaultHmac}. */
  hmac?: HmacBackend;
}

/**
 * Returns the full signed URL for one request (HTX Signature V2). Pure apart from the HMAC:
 * the timestamp is given, so the result is deterministic.
 *
 * @example
 * ```ts
 * const url = await signUrl({
 *   method: "POST",
 *   url: "https://api.huobi.pro/v1/order/orders/batchcancel",
 *   accessKey, secretKey, timestamp: Date.now(),
 * });
 * ```
 */
export async function signUrl(options: SignUrlOptions): Promise<string> {
  const { method, url, accessKey, secretKey, timestamp, hmac } = options;
  validateCredentials({ accessKey, secretKey });
  const epochMs = validateTimestamp(timestamp);
  const target = new URL(url);
  const params = [...target.searchParams].filter(([name]) => name !== "Signature");
  const query = canonicalQuery([...params, ...authParams(accessKey, epochMs)]);
  const text = preSignedText(method, target.host, target.pathname, query);
  const signature = toBase64(await (hmac ?? defaultHmac).keyed(secretKey)(text));
  return `${target.origin}${target.pathname}?${query}&Signature=${encodeBase64Param(signature)}`;
}
