/**
 * An Ed25519 private key as a caller may hold it (PEM PKCS#8 text, DER bytes, or a Web Crypto
 * `CryptoKey`), checked synchronously so that a wrong key fails when the client is built, not
 * at the first cancel. Key kinds are told apart by their structure (RFC 5208, RFC 8410, RFC
 * 5280); messages say which kind was given and what to pass, and never show key material.
 */
import { HtxInputError } from "../errors.ts";
import { describe as describeValue } from "../input.ts";
import { childrenOf, DER, type DerElement, DerError, oidText, readDer } from "./der.ts";
import { decodePem, PemError } from "./pem.ts";
import { toBase64 } from "../hmac.ts";

/** The forms of an Ed25519 private key this module takes. */
export type PrivateKeyInput = string | Uint8Array | ArrayBuffer | CryptoKey;

/** What Web Crypto needs to sign: canonical PKCS#8 bytes, or the caller's own `CryptoKey`. */
export type Ed25519KeyData = { readonly pkcs8: Uint8Array<ArrayBuffer> } | { readonly cryptoKey: CryptoKey };

const ED25519_OID = "1.3.101.112";
/** PKCS#8 v1 of an Ed25519 key up to its 32-byte seed (RFC 8410, section 7). */
const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const CREATE = "create one with `openssl genpkey -algorithm ed25519`";

/** Other algorithms' OIDs, named in the message that refuses them. */
const OTHER_KINDS: Record<string, string> = {
  "1.2.840.113549.1.1.1": "an RSA key",
  "1.2.840.113549.1.1.10": "an RSA-PSS key",
  "1.2.840.10045.2.1": "an EC key",
  "1.2.840.10040.4.1": "a DSA key",
  "1.3.101.110": "an X25519 key (for key agreement, not signing)",
  "1.3.101.111": "an X448 key (for key agreement, not signing)",
  "1.3.101.113": "an Ed448 key",
};

/** PEM labels that are not a PKCS#8 private key, with what they are. */
const OTHER_LABELS: Record<string, string> = {
  "RSA PRIVATE KEY": "an RSA key",
  "EC PRIVATE KEY": "an EC key",
  "DSA PRIVATE KEY": "a DSA key",
};

/**
 * A checked Ed25519 private key. Its material sits in private fields, so inspecting, logging
 * or serialising it shows nothing; only the signer reads it, through {@link keyData}.
 */
export class Ed25519PrivateKey {
  readonly #data: Ed25519KeyData;
  readonly #redactables: readonly string[];

  /** Use {@link parsePrivateKey}: it checks the input first. */
  private constructor(data: Ed25519KeyData, redactables: readonly string[]) {
    this.#data = data;
    this.#redactables = redactables;
  }

  /** @internal A key from its 32-byte seed; `seen` are the texts the caller passed it as. */
  static fromSeed(seed: Uint8Array, seen: readonly string[]): Ed25519PrivateKey {
    const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + 32);
    pkcs8.set(PKCS8_PREFIX);
    pkcs8.set(seed, PKCS8_PREFIX.length);
    return new Ed25519PrivateKey({ pkcs8 }, spellings(pkcs8, seed, seen));
  }

  /** @internal A key the caller imported into Web Crypto: no material this module can see. */
  static fromCryptoKey(cryptoKey: CryptoKey): Ed25519PrivateKey {
    return new Ed25519PrivateKey({ cryptoKey }, []);
  }

  /** The key as Web Crypto takes it. PKCS#8 is always the minimal v1 form, which every runtime imports. */
  keyData(): Ed25519KeyData {
    return this.#data;
  }

  /** Every text the key's material may appear as, longest first, for `redactText`. */
  redactables(): string[] {
    return [...this.#redactables];
  }
}

/** How the key may be spelled in text: PEM body, DER and seed as base64, base64url and hex. */
function spellings(pkcs8: Uint8Array, seed: Uint8Array, seen: readonly string[]): string[] {
  const hex = [...seed].map((b) => b.toString(16).padStart(2, "0")).join("");
  const seed64 = toBase64(seed);
  const all = [
    ...seen,
    toBase64(pkcs8),
    seed64,
    seed64.replace(/=+$/, ""),
    seed64.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"), // JWK "d"
    hex,
    hex.toUpperCase(),
  ];
  // Short fragments (a PEM body's last line) would redact unrelated text and reveal little.
  return [...new Set(all.filter((s) => s.length >= 8))].sort((a, b) => b.length - a.length);
}

function refuse(what: string): never {
  throw new HtxInputError(`privateKey is ${what}: HTX's Ed25519 method needs an Ed25519 private key; ${CREATE}.`);
}

function refusePublic(): never {
  throw new HtxInputError(
    "privateKey: this is a public key; pass the private key (PEM `-----BEGIN PRIVATE KEY-----`). " +
      "HTX holds the public half; requests are signed with the private one.",
  );
}

/** The 32-byte seed of an Ed25519 PKCS#8 structure; refuses every other kind of key, by name. */
function ed25519Seed(top: DerElement): Uint8Array {
  if (top.tag !== DER.SEQUENCE) throw new DerError("it does not start with a SEQUENCE");
  const [first, second, third, ...rest] = childrenOf(top);
  if (first?.tag === DER.SEQUENCE) {
    // SubjectPublicKeyInfo is { algorithm, BIT STRING }; a certificate ends in its signature BIT STRING.
    if (second?.tag === DER.BIT_STRING || (third?.tag === DER.BIT_STRING && rest.length === 0)) refusePublic();
    if (second?.tag === DER.OCTET_STRING) {
      refuse("an encrypted PKCS#8 key: decrypt it first (`openssl pkey -in key.pem -out plain.pem`)");
    }
  }
  if (first?.tag !== DER.INTEGER) throw new DerError("it is not a PKCS#8 private key");
  if (second?.tag === DER.INTEGER) refuse("an RSA key (PKCS#1)");
  if (second?.tag === DER.OCTET_STRING) refuse("an EC key (SEC1)");
  if (second?.tag !== DER.SEQUENCE || third?.tag !== DER.OCTET_STRING) {
    throw new DerError("it is not a PKCS#8 private key");
  }
  if (first.content.length !== 1 || first.content[0]! > 1) throw new DerError("it has an unknown PKCS#8 version");
  const [algorithm, ...parameters] = childrenOf(second);
  if (algorithm?.tag !== DER.OID) throw new DerError("its algorithm is not an object identifier");
  const oid = oidText(algorithm.content);
  if (oid !== ED25519_OID) refuse(OTHER_KINDS[oid] ?? `a key of another algorithm (OID ${oid})`);
  // RFC 8410, section 3: the parameters are absent. Optional fields: [0] attributes, [1] public key.
  if (parameters.length > 0) throw new DerError("its Ed25519 algorithm identifier has parameters");
  if (rest.some((field) => field.tag !== 0xa0 && field.tag !== 0x81 && field.tag !== 0xa1)) {
    throw new DerError("it has unknown fields after the private key");
  }
  const seed = readDer(third.content);
  if (seed.tag !== DER.OCTET_STRING || seed.content.length !== 32) {
    throw new DerError("its Ed25519 private key is not a 32-byte OCTET STRING");
  }
  return seed.content.slice(); // a copy: the caller's bytes may change after this returns
}

function fromPem(text: string): Ed25519PrivateKey {
  let block;
  try {
    block = decodePem(text);
  } catch (error) {
    if (error instanceof PemError) {
      throw new HtxInputError(`privateKey is not a valid PEM private key: ${error.message}.`);
    }
    throw error;
  }
  if (block.label.includes("PUBLIC KEY") || block.label === "CERTIFICATE") refusePublic();
  if (block.label === "ENCRYPTED PRIVATE KEY") {
    refuse("an encrypted PKCS#8 key: decrypt it first (`openssl pkey -in key.pem -out plain.pem`)");
  }
  if (block.label === "OPENSSH PRIVATE KEY") refuse("an OpenSSH key file, which Web Crypto cannot read");
  const other = OTHER_LABELS[block.label];
  if (other) refuse(other);
  if (block.label !== "PRIVATE KEY") {
    const shown = /^[A-Z0-9 ]{1,40}$/.test(block.label)
      ? `a PEM "${block.label}" block`
      : "a PEM block of another kind";
    refuse(`${shown}, not "PRIVATE KEY" (PKCS#8)`);
  }
  return fromDer(block.bytes, "its PEM body", [block.lines.join(""), ...block.lines]);
}

function fromDer(bytes: Uint8Array, where: string, seen: readonly string[]): Ed25519PrivateKey {
  if (bytes.length === 32) {
    refuse(
      "32 raw bytes, which could be either half of a key pair; pass the private key as PKCS#8 (PEM text or " +
        "DER bytes)",
    );
  }
  try {
    return Ed25519PrivateKey.fromSeed(ed25519Seed(readDer(bytes)), [...seen, toBase64(bytes)]);
  } catch (error) {
    if (error instanceof DerError) {
      throw new HtxInputError(`privateKey: ${where} is not a valid DER key: ${error.message}.`);
    }
    throw error;
  }
}

function fromCryptoKey(key: CryptoKey): Ed25519PrivateKey {
  const name = String((key.algorithm as { name?: unknown } | undefined)?.name);
  if (name !== "Ed25519") {
    refuse(`a CryptoKey for ${/^[A-Za-z0-9-]{1,32}$/.test(name) ? name : "another algorithm"}, not Ed25519`);
  }
  if (key.type === "public") refusePublic();
  if (key.type !== "private" || !key.usages.includes("sign")) {
    throw new HtxInputError(
      'privateKey is an Ed25519 CryptoKey that cannot sign: import the private key with usages ["sign"].',
    );
  }
  return Ed25519PrivateKey.fromCryptoKey(key);
}

/** A `CryptoKey` from any realm (a worker's, a test environment's), recognised by its shape. */
function isCryptoKey(value: object): value is CryptoKey {
  const key = value as Partial<CryptoKey>;
  return typeof key.type === "string" && Array.isArray(key.usages) && typeof key.algorithm === "object";
}

/** What a value is, never what it holds: "an empty string", "a Map", "an object". */
function describe(value: unknown): string {
  return describeValue(value, { emptyString: true, objectTag: true });
}

/**
 * Checks an Ed25519 private key and returns it ready for the signer. Synchronous: the structure
 * and the kind of key are checked here; whether the runtime's Web Crypto can use Ed25519 is
 * known only when the import settles (see `ed25519SigningKey`).
 * @throws {HtxInputError} for anything but an Ed25519 private key, naming what was given.
 */
export function parsePrivateKey(value: unknown): Ed25519PrivateKey {
  if (value instanceof Ed25519PrivateKey) return value;
  if (typeof value === "string" && value !== "") return fromPem(value);
  if (value instanceof ArrayBuffer) return fromDer(new Uint8Array(value), "the DER", []);
  if (ArrayBuffer.isView(value)) {
    return fromDer(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), "the DER", []);
  }
  if (typeof value === "object" && value !== null && isCryptoKey(value)) return fromCryptoKey(value);
  throw new HtxInputError(
    "privateKey must be PEM text (`-----BEGIN PRIVATE KEY-----`), DER bytes (Uint8Array or ArrayBuffer) or an " +
      `Ed25519 CryptoKey (got ${describe(value)}).`,
  );
}
