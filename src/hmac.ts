/**
 * HMAC-SHA256 backends behind one small interface. A backend turns a secret into a keyed
 * signer once (per client), so the per-request cost is only the MAC of the text.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

/** Signs text with a key fixed in advance; returns the raw 32-byte MAC. */
export type KeyedHmac = (text: string) => Uint8Array | Promise<Uint8Array>;

/** A way to compute HMAC-SHA256. */
export interface HmacBackend {
  /** For README and benchmarks: `"webcrypto"` or `"noble"`. */
  readonly name: string;
  /** Prepares the key once; the returned function is called for every request. */
  keyed(secret: string): KeyedHmac;
}

const utf8 = new TextEncoder();

/**
 * Web Crypto (`crypto.subtle`): native everywhere, asynchronous. The key is imported once,
 * non-extractable, so not even this module can read the secret back out of it.
 */
export const webCryptoHmac: HmacBackend = {
  name: "webcrypto",
  keyed(secret) {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) throw new Error("crypto.subtle is not available in this runtime: use nobleHmac");
    const key = subtle.importKey(
      "raw",
      utf8.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    return async (text) => new Uint8Array(await subtle.sign("HMAC", await key, utf8.encode(text)));
  },
};

/**
 * HMAC with the @noble/hashes library, pre-keyed: the inner and outer pads are hashed once, and each request clones
 * that state. Synchronous pure JS; no await per request.
 */
export const nobleHmac: HmacBackend = {
  name: "noble",
  keyed(secret) {
    const prepared = hmac.create(sha256, utf8.encode(secret));
    return (text) => prepared.clone().update(utf8.encode(text)).digest();
  },
};

/** True inside Cloudflare Workers (workerd), which sets this user agent. */
function inWorkers(): boolean {
  return globalThis.navigator?.userAgent === "Cloudflare-Workers";
}

/**
 * The default backend, chosen per runtime by measurement (µs per signature of a signing text,
 * pre-keyed, after warm-up; `test/runtimes/` and README, "HMAC backends"): Workers get Web
 * Crypto (workerd 4.8 vs noble 9.5–11.6); Node (noble 6.8–7.2 vs 23–29), Deno (10.8 vs 29) and
 * Bun (11.0 vs 13.3) get noble, where an awaited `crypto.subtle.sign` costs more than the MAC.
 */
export const defaultHmac: HmacBackend = inWorkers() ? webCryptoHmac : nobleHmac;

/** Standard, padded base64 of bytes, with web APIs only (`btoa`). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
