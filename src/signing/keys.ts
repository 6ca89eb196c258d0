/**
 * The signing key behind every signed request: an HmacSHA256 secret or an Ed25519 private key,
 * behind one interface, so the Signature V2 code (src/signing/sign.ts) does not care which.
 */
import { describe } from "../core/checks.ts";
import { screenCredentials, type ScreenedCredentials, type ValidCredentials } from "./credentials.ts";
import { HtxInputError } from "../core/errors.ts";
import { parsePrivateKey } from "./keys/private-key.ts";
import { defaultHmac, type HmacBackend, type KeyedHmac, toBase64 } from "./hmac.ts";
import { ed25519SigningKey } from "./keys/ed25519.ts";
import type { SigningKey } from "./keys/signing-key.ts";

export type { SignatureMethod, SigningKey } from "./keys/signing-key.ts";

/** Options of {@link createSigningKey}. */
export interface SigningKeyOptions {
  /** HMAC implementation for a `secretKey`; default `defaultHmac`. Ignored for a `privateKey`. */
  hmac?: HmacBackend;
}

/** The base64 of a MAC, without an extra await when the backend is synchronous. */
function base64Of(mac: ReturnType<KeyedHmac>): string | Promise<string> {
  return "then" in mac ? mac.then(toBase64) : toBase64(mac);
}

/** A {@link SigningKey} for an HmacSHA256 secret; the backend prepares the secret once. */
export function hmacSigningKey(secretKey: string, backend: HmacBackend = defaultHmac): SigningKey {
  const mac = backend.keyed(secretKey);
  if (typeof mac !== "function") {
    throw new HtxInputError(`hmac.keyed(secret) must return a function that signs text, got ${describe(mac)}.`);
  }
  return Object.freeze({
    method: "HmacSHA256" as const,
    ready: () => Promise.resolve(),
    sign: (text: string) => base64Of(mac(text)),
    redactables: () => [secretKey],
  });
}

/**
 * The signing key of `{ accessKey, secretKey }` (HmacSHA256) or `{ accessKey, privateKey }`
 * (Ed25519), or of what `validateCredentials` returned for them. Everything that can be
 * checked synchronously is checked here; see {@link SigningKey.ready} for the rest.
 * @throws {HtxInputError} for credentials that are not exactly one valid form.
 */
export function createSigningKey(credentials: unknown, options: SigningKeyOptions = {}): SigningKey {
  const valid = validateCredentials(credentials);
  return valid.method === "Ed25519"
    ? ed25519SigningKey(valid.privateKey)
    : hmacSigningKey(valid.secretKey, options.hmac ?? defaultHmac);
}

/**
 * Checks credentials (or ones this function already returned) and tells which method they sign
 * with. An Ed25519 key is parsed and its kind checked here, synchronously.
 * @throws {HtxInputError} unless `accessKey` is a non-empty string and exactly one of a valid
 * `secretKey` or `privateKey` is given.
 */
export function validateCredentials(credentials: unknown): ValidCredentials {
  return readScreenedKey(screenCredentials(credentials));
}

/**
 * Credentials that `screenCredentials` already checked, with an Ed25519 key read in full (the
 * client screens when it is built and reads on first use, without screening again).
 * @throws {HtxInputError} for an Ed25519 key whose structure the full reader refuses.
 */
export function readScreenedKey(screened: ScreenedCredentials): ValidCredentials {
  if (screened.method === "HmacSHA256") return screened;
  return { method: "Ed25519", accessKey: screened.accessKey, privateKey: parsePrivateKey(screened.privateKey) };
}
