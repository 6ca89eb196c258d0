/**
 * The part of reading an Ed25519 private key that `new HtxClient` runs at once. The full parse
 * (src/signing/keys/private-key.ts) loads on first use; this screen is small so that it can load with
 * the client. It refuses every value that is certainly not an Ed25519 private key, with the very
 * message the full parse gives (both throw from the functions below), and lets through what only
 * the full parse can judge. Key kinds are told apart by their structure (RFC 5208, RFC 8410,
 * RFC 5280); messages say which kind was given and what to pass, and never show key material.
 *
 * Decided here: a value of the wrong type; text with no PEM armour; a PEM block labelled other
 * than `PRIVATE KEY` (public key, certificate, encrypted PKCS#8, OpenSSH, RSA/EC/DSA, any other
 * label); 32 raw bytes; DER, bare or in a `PRIVATE KEY` block, that is a public key or
 * certificate, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC or PKCS#8 of another algorithm; a
 * `CryptoKey`, checked in full (another algorithm, a public key, no "sign" usage).
 *
 * Left to the full parse: damaged structure, that is PEM armour that is not one clean block (no
 * END line, several blocks, text around it, labels that differ, headers, bad base64; a block's
 * label is judged only once its body decodes) and DER that breaks before its kind is known or
 * is no key structure at all (no bytes, truncated, bad lengths, trailing bytes, an unknown
 * version, a bad object identifier); and, in an Ed25519 PKCS#8, what follows the algorithm
 * (parameters, unknown fields, the seed's size).
 */
import { HtxInputError } from "../../core/errors.ts";
import { describe } from "../../core/checks.ts";
import {
  BIT_STRING,
  childrenOf,
  type DerElement,
  DerError,
  INTEGER,
  NO_ALGORITHM,
  NOT_PKCS8,
  NOT_SEQUENCE,
  OCTET_STRING,
  OID,
  oidText,
  readDer,
  SEQUENCE,
  VERSION,
} from "./der.ts";
import { decodePem, NO_BEGIN, NO_BEGIN_WORDS, type PemBlock, PemError } from "./pem.ts";

const CREATE = "create one with `openssl genpkey -algorithm ed25519`";
const ENCRYPTED = "an encrypted PKCS#8 key: decrypt it first (`openssl pkey -in key.pem -out plain.pem`)";

// Maps, not objects: a PEM label such as "constructor" must not find Object.prototype's.
/** Other algorithms' OIDs, named in the message that refuses them. */
const OTHER_KINDS = new Map([
  ["1.2.840.113549.1.1.1", "an RSA key"],
  ["1.2.840.113549.1.1.10", "an RSA-PSS key"],
  ["1.2.840.10045.2.1", "an EC key"],
  ["1.2.840.10040.4.1", "a DSA key"],
  ["1.3.101.110", "an X25519 key (for key agreement, not signing)"],
  ["1.3.101.111", "an X448 key (for key agreement, not signing)"],
  ["1.3.101.113", "an Ed448 key"],
]);

/** PEM labels that are not a PKCS#8 private key, with what they are. */
const OTHER_LABELS = new Map([
  ["RSA PRIVATE KEY", "an RSA key"],
  ["EC PRIVATE KEY", "an EC key"],
  ["DSA PRIVATE KEY", "a DSA key"],
  ["ENCRYPTED PRIVATE KEY", ENCRYPTED],
  ["OPENSSH PRIVATE KEY", "an OpenSSH key file, which Web Crypto cannot read"],
]);

/**
 * @internal Every `Ed25519PrivateKey`, added by its constructor: how the screen and the parse
 * know a checked key without the screen importing its class.
 */
export const ED25519_KEYS: WeakSet<object> = new WeakSet();

function refuse(what: string): never {
  throw new HtxInputError(`privateKey is ${what}: HTX's Ed25519 method needs an Ed25519 private key; ${CREATE}.`);
}

function refusePublic(): never {
  throw new HtxInputError(
    "privateKey: this is a public key; pass the private key (PEM `-----BEGIN PRIVATE KEY-----`). " +
      "HTX holds the public half; requests are signed with the private one.",
  );
}

/** @internal The refusal of PEM text that is not one clean block, given the flaw's words. */
export function invalidPem(words: string): HtxInputError {
  return new HtxInputError(`privateKey is not a valid PEM private key: ${words}.`);
}

/**
 * @internal The one PEM block of `text`, when it is labelled `PRIVATE KEY`; refuses text with
 * no armour and every other label, by name.
 * @throws {PemError} for damaged armour or body (the full parse says which).
 */
export function privateKeyBlock(text: string): PemBlock {
  let block;
  try {
    block = decodePem(text);
  } catch (error) {
    if (error instanceof PemError && error.flaw === NO_BEGIN) throw invalidPem(NO_BEGIN_WORDS);
    throw error;
  }
  const { label } = block;
  if (label.includes("PUBLIC KEY") || label === "CERTIFICATE") refusePublic();
  const other = OTHER_LABELS.get(label);
  if (other) refuse(other);
  if (label !== "PRIVATE KEY") {
    const shown = /^[A-Z0-9 ]{1,40}$/.test(label) ? `a PEM "${label}" block` : "a PEM block of another kind";
    refuse(`${shown}, not "PRIVATE KEY" (PKCS#8)`);
  }
  return block;
}

/** @internal A PKCS#8 structure read up to its algorithm, which is Ed25519. */
export interface Pkcs8Fields {
  /** What follows the algorithm's OID in its AlgorithmIdentifier (RFC 8410: nothing). */
  readonly parameters: readonly DerElement[];
  /** The privateKey OCTET STRING. */
  readonly privateKey: DerElement;
  /** The optional fields after it: [0] attributes, [1] public key. */
  readonly rest: readonly DerElement[];
}

/**
 * @internal Reads DER bytes as far as telling their kind needs; refuses every kind but an
 * Ed25519 PKCS#8 private key, by name.
 * @throws {DerError} for structure that breaks first (the full parse says where).
 */
export function ed25519Pkcs8(bytes: Uint8Array): Pkcs8Fields {
  if (bytes.length === 32) {
    refuse(
      "32 raw bytes, which could be either half of a key pair; pass the private key as PKCS#8 (PEM text or " +
        "DER bytes)",
    );
  }
  const top = readDer(bytes);
  if (top.tag !== SEQUENCE) throw new DerError(NOT_SEQUENCE);
  const [first, second, third, ...rest] = childrenOf(top);
  if (first?.tag === SEQUENCE) {
    // SubjectPublicKeyInfo is { algorithm, BIT STRING }; a certificate ends in its signature BIT STRING.
    if (second?.tag === BIT_STRING || (third?.tag === BIT_STRING && rest.length === 0)) refusePublic();
    if (second?.tag === OCTET_STRING) refuse(ENCRYPTED);
  }
  if (first?.tag !== INTEGER) throw new DerError(NOT_PKCS8);
  if (second?.tag === INTEGER) refuse("an RSA key (PKCS#1)");
  if (second?.tag === OCTET_STRING) refuse("an EC key (SEC1)");
  if (second?.tag !== SEQUENCE || third?.tag !== OCTET_STRING) throw new DerError(NOT_PKCS8);
  if (first.content.length !== 1 || first.content[0]! > 1) throw new DerError(VERSION);
  const [algorithm, ...parameters] = childrenOf(second);
  if (algorithm?.tag !== OID) throw new DerError(NO_ALGORITHM);
  const oid = oidText(algorithm.content);
  if (oid !== "1.3.101.112") refuse(OTHER_KINDS.get(oid) ?? `a key of another algorithm (OID ${oid})`);
  return { parameters, privateKey: third, rest };
}

/** @internal The bytes of an `ArrayBuffer` or a view of one (a view, not a copy); else `undefined`. */
export function derBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

/** A `CryptoKey` from any realm (a worker's, a test environment's), recognised by its shape. */
function isCryptoKey(value: unknown): value is CryptoKey {
  const key = value as Partial<CryptoKey> | null;
  return typeof key === "object" && key !== null && typeof key.type === "string" && Array.isArray(key.usages) &&
    typeof key.algorithm === "object";
}

/**
 * @internal `value` when it is a private Ed25519 `CryptoKey` that can sign. Every other value
 * is refused here: the last of the forms a private key may take.
 */
export function ed25519CryptoKey(value: unknown): CryptoKey {
  if (!isCryptoKey(value)) {
    throw new HtxInputError(
      "privateKey must be PEM text (`-----BEGIN PRIVATE KEY-----`), DER bytes (Uint8Array or ArrayBuffer) or an " +
        `Ed25519 CryptoKey (got ${describe(value, { emptyString: true, objectTag: true })}).`,
    );
  }
  const name = String((value.algorithm as { name?: unknown } | undefined)?.name);
  if (name !== "Ed25519") {
    refuse(`a CryptoKey for ${/^[A-Za-z0-9-]{1,32}$/.test(name) ? name : "another algorithm"}, not Ed25519`);
  }
  if (value.type === "public") refusePublic();
  if (value.type !== "private" || !value.usages.includes("sign")) {
    throw new HtxInputError(
      'privateKey is an Ed25519 CryptoKey that cannot sign: import the private key with usages ["sign"].',
    );
  }
  return value;
}

/**
 * Refuses, synchronously and with exactly the message `parsePrivateKey` would give, every value
 * that is certainly not an Ed25519 private key; lets through what only the full parse can judge
 * (see this module's comment for which is which).
 * @throws {HtxInputError} naming what was given and what to pass.
 */
export function screenPrivateKey(value: unknown): void {
  if (ED25519_KEYS.has(value as object)) return;
  try {
    if (typeof value === "string" && value !== "") {
      ed25519Pkcs8(privateKeyBlock(value).bytes);
    } else {
      const bytes = derBytes(value);
      if (bytes) ed25519Pkcs8(bytes);
      else ed25519CryptoKey(value);
    }
  } catch (error) {
    if (!(error instanceof PemError || error instanceof DerError)) throw error;
  }
}
