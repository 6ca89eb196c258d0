/**
 * HTX Signature Version 2 (HmacSHA256 or Ed25519), one small pure step per function.
 * Rules: https://huobiapi.github.io/docs/spot/v1/en/#authentication and docs/htx-notes.md,
 * "Signing" (the tests' known-answer vectors are in test/sign.test.ts). Both methods sign the
 * same text; only `SignatureMethod` and the key differ (src/signing/keys.ts).
 */
import { HtxInputError } from "../core/errors.ts";
import { defaultHmac, type HmacBackend } from "./hmac.ts";
import { validateTimestamp } from "../core/input.ts";
import {
  createSigningKey,
  hmacSigningKey,
  type SignatureMethod,
  type SigningKey,
  validateCredentials,
} from "./keys.ts";
import type { PrivateKeyInput } from "./keys/private-key.ts";

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
export function authParams(
  accessKey: string,
  epochMs: number,
  method: SignatureMethod = "HmacSHA256",
): [string, string][] {
  return [
    ["AccessKeyId", accessKey],
    ["SignatureMethod", method],
    ["SignatureVersion", "2"],
    ["Timestamp", formatTimestamp(epochMs)],
  ];
}

/** Signs requests to one fixed endpoint: returns its signed URL for a time. */
export type EndpointSigner = (epochMs: number) => Promise<string>;

/**
 * A signer for one endpoint without query parameters of its own, such as batchcancel. Its
 * canonical query is always `AccessKeyId=…&SignatureMethod=…&SignatureVersion=2` (they sort
 * before `Timestamp`) followed by the timestamp, so everything but the timestamp is encoded
 * once, and the key is prepared once. `key` is a {@link SigningKey} (either method) or an
 * HmacSHA256 secret, signed with `backend`.
 */
export function createEndpointSigner(
  method: string,
  url: string,
  accessKey: string,
  key: string | SigningKey,
  backend: HmacBackend = defaultHmac,
): EndpointSigner {
  const target = new URL(url);
  const signer = typeof key === "string" ? hmacSigningKey(key, backend) : key;
  const fixed = canonicalQuery(authParams(accessKey, 0, signer.method).filter(([name]) => name !== "Timestamp"));
  const textPrefix = preSignedText(method, target.host, target.pathname, `${fixed}&Timestamp=`);
  const urlPrefix = `${target.origin}${target.pathname}?${fixed}&Timestamp=`;
  // The timestamp changes once a second: encode it once per second, not once per request. The
  // cache is one immutable pair, read once per call into a local: concurrent calls straddling a
  // second boundary each keep the timestamp they signed, whatever the cache holds after the
  // await (reading the shared value again there once sent URLs whose signature did not match).
  let cached = { second: Number.NaN, encoded: "" };
  return async (epochMs) => {
    const second = Math.floor(epochMs / 1000);
    if (cached.second !== second) cached = { second, encoded: percentEncode(formatTimestamp(epochMs)) };
    const timestamp = cached.encoded;
    const signature = await signer.sign(textPrefix + timestamp);
    return `${urlPrefix}${timestamp}&Signature=${encodeBase64Param(signature)}`;
  };
}

/**
 * Percent-encodes base64, whose only reserved characters are `+`, `/` and `=` (`%2B`, `%2F`,
 * `%3D`): what `encodeURIComponent` makes of them, natively, faster than a replace.
 */
function encodeBase64Param(base64: string): string {
  return encodeURIComponent(base64);
}

/** Where a request goes, for {@link signQuery}: `host` exactly as the request goes to it (port included). */
export interface QueryTarget {
  /** HTTP method, e.g. `"GET"`. */
  method: string;
  /** The scheme and host the URL starts with, e.g. `https://api.huobi.pro`. */
  origin: string;
  /** The host signed. */
  host: string;
  /** The path, e.g. `/v1/order/openOrders`. */
  path: string;
  /** The request's own query parameters (not the four of {@link authParams}). */
  params: Iterable<readonly [string, string]>;
}

/**
 * Signs one request whose query has parameters of its own: the signed URL, and the signature
 * (for the caller to redact). Throws whatever `key.sign` throws.
 */
export async function signQuery(
  key: SigningKey,
  target: QueryTarget,
  accessKey: string,
  epochMs: number,
): Promise<{ url: string; signature: string }> {
  const query = canonicalQuery([...target.params, ...authParams(accessKey, epochMs, key.method)]);
  const signature = await key.sign(preSignedText(target.method, target.host, target.path, query));
  return { url: `${target.origin}${target.path}?${query}&Signature=${encodeBase64Param(signature)}`, signature };
}

/** What {@link signUrl} signs, and when. */
export interface SignUrlRequest {
  /** HTTP method, e.g. `"POST"`. */
  method: string;
  /** The full URL the request goes to; its own query parameters are signed too. */
  url: string | URL;
  /** The API key's AccessKeyId. */
  accessKey: string;
  /** When the request is made: epoch milliseconds or a `Date` (sent to the second). */
  timestamp: number | Date;
  /** HMAC implementation for a `secretKey`; default {@link defaultHmac}. */
  hmac?: HmacBackend;
}

/**
 * Arguments of {@link signUrl}: the request, and exactly one of `secretKey` (HmacSHA256) or
 * `privateKey` (Ed25519: PEM PKCS#8 text, DER bytes or an Ed25519 private `CryptoKey`).
 */
export type SignUrlOptions =
  & SignUrlRequest
  & ({ secretKey: string; privateKey?: undefined } | { privateKey: PrivateKeyInput; secretKey?: undefined });

/** The URL to sign. @throws {HtxInputError} for anything `new URL` refuses. */
function requestUrl(url: unknown): URL {
  try {
    return new URL(url as string | URL);
  } catch {
    throw new HtxInputError('url must be an absolute URL, such as "https://api.huobi.pro/v1/order/openOrders".');
  }
}

/**
 * The body of the public `signUrl` (src/http/single-request.ts, which loads this module on first
 * use): the full signed URL for one request.
 */
export async function signUrl(options: SignUrlOptions): Promise<string> {
  const { method, url, timestamp, hmac } = options;
  const credentials = validateCredentials(options);
  const epochMs = validateTimestamp(timestamp);
  const key = createSigningKey(credentials, { hmac });
  const { origin, host, pathname, searchParams } = requestUrl(url);
  const params = [...searchParams].filter(([name]) => name !== "Signature");
  const signed = await signQuery(key, { method, origin, host, path: pathname, params }, credentials.accessKey, epochMs);
  return signed.url;
}
