/**
 * The @noble/hashes HMAC-SHA256, in its own module so that runtimes which never use it (Node,
 * Bun and Workers have a native HMAC) do not load or parse it: src/signing/hmac.ts imports it on first
 * use of `nobleHmac`.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

/**
 * A signer pre-keyed with `secret`: the inner and outer pads are hashed once, and each text
 * clones that state. Synchronous pure JS.
 */
export function nobleKeyed(secret: Uint8Array): (text: Uint8Array) => Uint8Array {
  const prepared = hmac.create(sha256, secret);
  return (text) => prepared.clone().update(text).digest();
}
