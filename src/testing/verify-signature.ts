/**
 * The simulator's own Signature V2 check, written apart from the client's signer on purpose
 * (its own encoder, its own HMAC call), so a bug in one is not mirrored in the other. It works
 * from the raw query string and the host the request was sent to, as HTX's gateway does.
 */

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const utf8 = new TextEncoder();

/** RFC 3986 encoding byte by byte, upper-case hex. */
function encode(value: string): string {
  let out = "";
  for (const char of value) {
    if (UNRESERVED.test(char)) {
      out += char;
      continue;
    }
    for (const byte of utf8.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/** The signed query parameters, decoded, and the Signature apart. */
export interface SignedQuery {
  params: Map<string, string>;
  signature: string | undefined;
  /** The first parameter name that came more than once, if any. */
  duplicate?: string;
}

/** Splits a raw query string (`a=1&b=2`) into decoded parameters; undefined if it cannot be decoded. */
export function readSignedQuery(rawQuery: string): SignedQuery | undefined {
  const params = new Map<string, string>();
  let signature: string | undefined;
  let duplicate: string | undefined;
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    const name = decode(at < 0 ? pair : pair.slice(0, at));
    const value = decode(at < 0 ? "" : pair.slice(at + 1));
    if (name === undefined || value === undefined) return undefined;
    if (params.has(name) || (name === "Signature" && signature !== undefined)) duplicate ??= name;
    if (name === "Signature") signature = value;
    else params.set(name, value);
  }
  return { params, signature, ...(duplicate === undefined ? {} : { duplicate }) };
}

/** Imports an account's secret for HMAC-SHA256, once per account. */
export function importHmacKey(secretKey: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", utf8.encode(secretKey), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** The text Signature V2 signs: method, host, path and the encoded, sorted parameters. */
export function canonicalText(method: string, host: string, path: string, params: Map<string, string>): string {
  const pairs = [...params].map(([k, v]) => `${encode(k)}=${encode(v)}`);
  pairs.sort((a, b) => {
    const ka = a.slice(0, a.indexOf("="));
    const kb = b.slice(0, b.indexOf("="));
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return [method.toUpperCase(), host.toLowerCase(), path, pairs.join("&")].join("\n");
}

/** HMAC-SHA256 of the canonical text, base64. */
export async function expectedSignature(key: CryptoKey, text: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(text)));
  return btoa(String.fromCharCode(...mac));
}

/** Imports an account's Ed25519 public key (SPKI DER, checked by `ed25519PublicKeySpki`). */
export function importEd25519PublicKey(spki: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("spki", spki, { name: "Ed25519" }, false, ["verify"]);
}

/** A 64-byte Ed25519 signature is 88 characters of padded base64, nothing else. */
const ED25519_SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;

/** Whether `signature` (base64) is the key's Ed25519 signature of the text; any other length is not. */
export function verifyEd25519(key: CryptoKey, text: string, signature: string): Promise<boolean> {
  if (!ED25519_SIGNATURE.test(signature)) return Promise.resolve(false);
  const bytes = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
  return crypto.subtle.verify({ name: "Ed25519" }, key, bytes, utf8.encode(text));
}

/** Compares two strings in time that depends only on their length. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Parses HTX's `YYYY-MM-DDThh:mm:ss` (UTC); undefined for any other form. */
export function parseHtxTimestamp(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
