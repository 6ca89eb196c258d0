/**
 * An Ed25519 private key as a caller may hold it (PEM PKCS#8 text, DER bytes, or a Web Crypto
 * `CryptoKey`), read in full. The kind of key is decided by src/signing/keys/screen.ts, whose functions
 * `new HtxClient` runs at once (`screenPrivateKey`) and this parse runs as its first steps, so
 * both refuse a value with the same message; this module reads the rest of the structure, says
 * in words what is damaged, and keeps the key. Messages never show key material.
 */
import { HtxInputError } from "../../core/errors.ts";
import { toBase64 } from "../hmac.ts";
import {
  BAD_LENGTH,
  DerError,
  type DerFlaw,
  HEADER_CUT,
  LENGTH_CUT,
  LONG_TAG,
  NO_ALGORITHM,
  NON_MINIMAL,
  NOT_PKCS8,
  NOT_SEQUENCE,
  OCTET_STRING,
  OID_ARC,
  OID_CUT,
  OID_EMPTY,
  PARAMETERS,
  readDer,
  SEED,
  TRAILING,
  TRUNCATED,
  UNKNOWN_FIELDS,
  VERSION,
} from "./der.ts";
import {
  BAD_BASE64,
  HEADERS,
  LABELS_DIFFER,
  NO_BEGIN,
  NO_BEGIN_WORDS,
  NO_END,
  PemError,
  SEVERAL_BLOCKS,
  TEXT_OUTSIDE,
} from "./pem.ts";
import {
  derBytes,
  ED25519_KEYS,
  ed25519CryptoKey,
  ed25519Pkcs8,
  invalidPem,
  type Pkcs8Fields,
  privateKeyBlock,
} from "./screen.ts";

/** The forms of an Ed25519 private key this module takes. */
export type PrivateKeyInput = string | Uint8Array | ArrayBuffer | CryptoKey;

/** What Web Crypto needs to sign: canonical PKCS#8 bytes, or the caller's own `CryptoKey`. */
export type Ed25519KeyData = { readonly pkcs8: Uint8Array<ArrayBuffer> } | { readonly cryptoKey: CryptoKey };

/** PKCS#8 v1 of an Ed25519 key up to its 32-byte seed (RFC 8410, section 7). */
const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

/**
 * What each DER flaw means, in the words of the message that refuses the bytes. Kept here, in
 * the parse that loads on first use, not in der.ts, which the screen loads with the client.
 */
const DER_WORDS: Record<DerFlaw, string> = {
  [HEADER_CUT]: "it ends inside an element header",
  [LONG_TAG]: "it uses a multi-byte tag, which no key structure has",
  [BAD_LENGTH]: "it has an indefinite or oversized length",
  [LENGTH_CUT]: "it ends inside a length",
  [NON_MINIMAL]: "it has a non-minimal length (BER, not DER)",
  [TRUNCATED]: "an element is longer than the bytes given (truncated?)",
  [TRAILING]: "bytes follow the end of the structure",
  [OID_EMPTY]: "it has an empty object identifier",
  [OID_ARC]: "it has an object identifier arc that is too large",
  [OID_CUT]: "it has a truncated object identifier",
  [NOT_SEQUENCE]: "it does not start with a SEQUENCE",
  [NOT_PKCS8]: "it is not a PKCS#8 private key",
  [VERSION]: "it has an unknown PKCS#8 version",
  [NO_ALGORITHM]: "its algorithm is not an object identifier",
  [PARAMETERS]: "its Ed25519 algorithm identifier has parameters",
  [UNKNOWN_FIELDS]: "it has unknown fields after the private key",
  [SEED]: "its Ed25519 private key is not a 32-byte OCTET STRING",
};

/** What a PEM flaw means, in the words of the message that refuses the text (kept here, as DER_WORDS). */
function pemWords({ flaw, blocks }: PemError): string {
  return {
    [NO_BEGIN]: NO_BEGIN_WORDS,
    [NO_END]: "its BEGIN line has no matching END line",
    [SEVERAL_BLOCKS]: `it holds ${blocks} PEM blocks; pass only the private key's`,
    [TEXT_OUTSIDE]: "it has text outside the PEM block",
    [LABELS_DIFFER]: "its BEGIN and END labels differ",
    [HEADERS]: "it has PEM headers (an encrypted legacy key file)",
    [BAD_BASE64]: "its body is not valid base64",
  }[flaw];
}

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
    ED25519_KEYS.add(this);
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

/** The 32-byte seed of an Ed25519 PKCS#8 structure whose kind the screen has read. */
function ed25519Seed({ parameters, privateKey, rest }: Pkcs8Fields): Uint8Array {
  // RFC 8410, section 3: the parameters are absent. Optional fields: [0] attributes, [1] public key.
  if (parameters.length > 0) throw new DerError(PARAMETERS);
  if (rest.some((field) => field.tag !== 0xa0 && field.tag !== 0x81 && field.tag !== 0xa1)) {
    throw new DerError(UNKNOWN_FIELDS);
  }
  const seed = readDer(privateKey.content);
  if (seed.tag !== OCTET_STRING || seed.content.length !== 32) throw new DerError(SEED);
  return seed.content.slice(); // a copy: the caller's bytes may change after this returns
}

function fromPem(text: string): Ed25519PrivateKey {
  let block;
  try {
    block = privateKeyBlock(text);
  } catch (error) {
    if (error instanceof PemError) throw invalidPem(pemWords(error));
    throw error;
  }
  return fromDer(block.bytes, "its PEM body", [block.lines.join(""), ...block.lines]);
}

function fromDer(bytes: Uint8Array, where: string, seen: readonly string[]): Ed25519PrivateKey {
  try {
    return Ed25519PrivateKey.fromSeed(ed25519Seed(ed25519Pkcs8(bytes)), [...seen, toBase64(bytes)]);
  } catch (error) {
    if (error instanceof DerError) {
      throw new HtxInputError(`privateKey: ${where} is not a valid DER key: ${DER_WORDS[error.flaw]}.`);
    }
    throw error;
  }
}

/**
 * Checks an Ed25519 private key and returns it ready for the signer. Synchronous: the structure
 * and the kind of key are checked here; whether the runtime's Web Crypto can use Ed25519 is
 * known only when the import settles (see `ed25519SigningKey`).
 * @throws {HtxInputError} for anything but an Ed25519 private key, naming what was given.
 */
export function parsePrivateKey(value: unknown): Ed25519PrivateKey {
  if (ED25519_KEYS.has(value as object)) return value as Ed25519PrivateKey;
  if (typeof value === "string" && value !== "") return fromPem(value);
  const bytes = derBytes(value);
  if (bytes) return fromDer(bytes, "the DER", []);
  return Ed25519PrivateKey.fromCryptoKey(ed25519CryptoKey(value));
}
