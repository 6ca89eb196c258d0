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
 * @noble/hashes, pre-keyed: the inner and outer pads are hashed once, and each request clones
 * that state. Synchronous pure JS; no await per request.
 */
export const nobleHmac: HmacBackend = {
  name: "noble",
  keyed(secret) {
    const prepared = hmac.create(sha256, utf8.encode(secret));
    return (text) => prepared.clone().update(utf8.encode(text)).digest();
  },
};

/**
 * The default: noble on every runtime. Measured here (bench/hmac.bench.ts, Node 20): a
 * pre-keyed noble MAC of a signing text is several times faster than an awaited
 * `crypto.subtle.sign`, whose cost is mostly the promise round trip, and it needs no async key
 * import. Pass `hmac: webCryptoHmac` where native code is preferred (Workers' CPU billing).
 */
export const defaultHmac: HmacBackend = nobleHmac;

/** Standard, padded base64 of bytes, with web APIs only (`btoa`). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
