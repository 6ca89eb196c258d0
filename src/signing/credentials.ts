/**
 * The two forms of HTX API credentials, checked before anything is signed: an AccessKeyId with
 * either its HmacSHA256 secret or an Ed25519 private key, never both. Messages say what to fix
 * and describe values without echoing them.
 */
import { HtxInputError } from "../core/errors.ts";
import { describe } from "../core/checks.ts";
import type { Ed25519PrivateKey, PrivateKeyInput } from "./keys/private-key.ts";
import { derBytes, screenPrivateKey } from "./keys/screen.ts";

/** An API key signed with HmacSHA256: its AccessKeyId and secret. */
export interface HmacCredentials {
  /** The API key's AccessKeyId. */
  accessKey: string;
  /** The API key's secret. */
  secretKey: string;
  /** Absent: one key, one method. */
  privateKey?: undefined;
}

/** An API key signed with Ed25519: its AccessKeyId and the private key whose public half HTX holds. */
export interface Ed25519Credentials {
  /** The API key's AccessKeyId. */
  accessKey: string;
  /** PEM PKCS#8 text (`-----BEGIN PRIVATE KEY-----`), its DER bytes, or an Ed25519 private `CryptoKey`. */
  privateKey: PrivateKeyInput;
  /** Absent: one key, one method. */
  secretKey?: undefined;
}

/** Credentials in either form. */
export type Credentials = HmacCredentials | Ed25519Credentials;

/** Credentials after {@link validateCredentials}, tagged with the `SignatureMethod` they sign with. */
export type ValidCredentials =
  | { readonly method: "HmacSHA256"; readonly accessKey: string; readonly secretKey: string }
  | { readonly method: "Ed25519"; readonly accessKey: string; readonly privateKey: Ed25519PrivateKey };

/**
 * Reads one field; a getter or Proxy trap that throws is an input error. What it threw is not
 * kept: it comes from code that holds the secrets, and nothing here knows them yet to redact.
 */
function field(from: unknown, name: string): unknown {
  try {
    return (from as Record<string, unknown> | null | undefined)?.[name];
  } catch {
    throw new HtxInputError(`${name} could not be read: reading it threw.`);
  }
}

/** A non-empty string that UTF-8 can encode (HMAC keys and AccessKeyIds are signed as UTF-8). */
function text(name: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new HtxInputError(`${name} must be a non-empty string (got ${describe(value)}).`);
  }
  if (/[\uD800-\uDFFF]/.test(value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))) {
    throw new HtxInputError(`${name} contains an unpaired surrogate: it cannot be UTF-8 encoded.`);
  }
  return value;
}

/**
 * Credentials after {@link screenCredentials}: the method is known and everything but the
 * structure of an Ed25519 key is checked; `validateCredentials` (src/signing/keys.ts) reads the key in full.
 */
export type ScreenedCredentials =
  | Extract<ValidCredentials, { method: "HmacSHA256" }>
  | { readonly method: "Ed25519"; readonly accessKey: string; readonly privateKey: unknown };

/**
 * Checks credentials synchronously and cheaply, for `new HtxClient`: the fields, which method,
 * and that an Ed25519 key is the right kind of key (src/signing/keys/screen.ts); a damaged key of the
 * right kind is left to `validateCredentials` (src/signing/keys.ts), which the client runs on first use.
 * @throws {HtxInputError} unless `accessKey` is a non-empty string and exactly one of a valid
 * `secretKey` or a `privateKey` of the right kind is given.
 */
export function screenCredentials(credentials: unknown): ScreenedCredentials {
  const [accessKey, secretKey, privateKey] = ["accessKey", "secretKey", "privateKey"].map((n) => field(credentials, n));
  const validAccessKey = text("accessKey", accessKey);
  if (privateKey === undefined) {
    return { method: "HmacSHA256", accessKey: validAccessKey, secretKey: text("secretKey", secretKey) };
  }
  if (secretKey !== undefined) {
    throw new HtxInputError(
      "Pass either secretKey (HmacSHA256) or privateKey (Ed25519), not both: an API key signs with one method.",
    );
  }
  screenPrivateKey(privateKey);
  // Key bytes are copied now: the key is read in full only on first use, and by then the caller
  // may have wiped or reused the buffer (another account's key in it would sign every request).
  return { method: "Ed25519", accessKey: validAccessKey, privateKey: derBytes(privateKey)?.slice() ?? privateKey };
}
