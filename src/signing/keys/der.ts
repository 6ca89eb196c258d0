/**
 * The little of DER (ITU-T X.690) that telling key files apart needs: definite lengths, bounds
 * checked, nothing trailing. A read error names the rule broken by a number: the words for each
 * are in the full key parse (src/signing/keys/private-key.ts), which loads on first use, not here, where
 * the screen that loads with the client would carry them too. Neither ever shows the bytes.
 */

/** One DER element: its tag byte and its content bytes (a view, not a copy). */
export interface DerElement {
  /** The identifier octet, e.g. `0x30` SEQUENCE, `0x02` INTEGER, `0x04` OCTET STRING. */
  readonly tag: number;
  /** The content octets. */
  readonly content: Uint8Array;
}

// The tags key structures are told apart by (constants, so that a bundler inlines them).
/** INTEGER's tag. */
export const INTEGER = 0x02;
/** BIT STRING's tag. */
export const BIT_STRING = 0x03;
/** OCTET STRING's tag. */
export const OCTET_STRING = 0x04;
/** OBJECT IDENTIFIER's tag. */
export const OID = 0x06;
/** SEQUENCE's tag (constructed). */
export const SEQUENCE = 0x30;

// Why bytes are not an Ed25519 PKCS#8 key: numbers, which a bundler inlines, so that the screen
// that loads with the client carries no words; the full parse (private-key.ts) holds the words.
/** The bytes end inside an element's tag and length. */
export const HEADER_CUT = 0;
/** A multi-byte tag. */
export const LONG_TAG = 1;
/** An indefinite length, or one of more than 3 octets. */
export const BAD_LENGTH = 2;
/** The bytes end inside a length. */
export const LENGTH_CUT = 3;
/** A length in more octets than it needs. */
export const NON_MINIMAL = 4;
/** An element longer than the bytes left. */
export const TRUNCATED = 5;
/** Bytes after the element that should be the whole. */
export const TRAILING = 6;
/** An OBJECT IDENTIFIER with no content. */
export const OID_EMPTY = 7;
/** An OBJECT IDENTIFIER arc beyond 2^53. */
export const OID_ARC = 8;
/** An OBJECT IDENTIFIER whose last arc is unfinished. */
export const OID_CUT = 9;
/** The outer element is not a SEQUENCE. */
export const NOT_SEQUENCE = 10;
/** A SEQUENCE that is no PKCS#8 private key (and no other key structure this module names). */
export const NOT_PKCS8 = 11;
/** A PKCS#8 version other than 0 (v1) or 1 (v2). */
export const VERSION = 12;
/** An AlgorithmIdentifier that does not start with an OBJECT IDENTIFIER. */
export const NO_ALGORITHM = 13;
/** Ed25519 with algorithm parameters (RFC 8410 has none). */
export const PARAMETERS = 14;
/** A PKCS#8 field after the private key that is neither attributes nor the public key. */
export const UNKNOWN_FIELDS = 15;
/** An Ed25519 private key that is not a 32-byte OCTET STRING. */
export const SEED = 16;

/** A rule bytes broke: one of the constants above. */
export type DerFlaw =
  | typeof HEADER_CUT
  | typeof LONG_TAG
  | typeof BAD_LENGTH
  | typeof LENGTH_CUT
  | typeof NON_MINIMAL
  | typeof TRUNCATED
  | typeof TRAILING
  | typeof OID_EMPTY
  | typeof OID_ARC
  | typeof OID_CUT
  | typeof NOT_SEQUENCE
  | typeof NOT_PKCS8
  | typeof VERSION
  | typeof NO_ALGORITHM
  | typeof PARAMETERS
  | typeof UNKNOWN_FIELDS
  | typeof SEED;

/** Thrown for bytes that are not a well-formed key structure; `flaw` says which rule broke. */
export class DerError extends Error {
  /** Always `"DerError"`. */
  override name = "DerError" as const;
  /** The rule broken. */
  readonly flaw: DerFlaw;

  /** @param flaw The rule broken. */
  constructor(flaw: DerFlaw) {
    super(`DER flaw ${flaw}`);
    this.flaw = flaw;
  }
}

/** Reads the element starting at `offset`; returns it and the offset just past it. */
function readElement(bytes: Uint8Array, offset: number): { element: DerElement; end: number } {
  if (offset + 2 > bytes.length) throw new DerError(HEADER_CUT);
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(LONG_TAG);
  let length = bytes[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    // 0x80 is BER's indefinite length; more than 3 length octets is no key file (16 MiB).
    if (octets === 0 || octets > 3) throw new DerError(BAD_LENGTH);
    if (start + octets > bytes.length) throw new DerError(LENGTH_CUT);
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[start + i]!;
    if (length < 0x80 || bytes[start] === 0) throw new DerError(NON_MINIMAL);
    start += octets;
  }
  const end = start + length;
  if (end > bytes.length) throw new DerError(TRUNCATED);
  return { element: { tag, content: bytes.subarray(start, end) }, end };
}

/** Reads bytes that must be exactly one element, nothing before or after it. */
export function readDer(bytes: Uint8Array): DerElement {
  const { element, end } = readElement(bytes, 0);
  if (end !== bytes.length) throw new DerError(TRAILING);
  return element;
}

/** The elements inside a constructed element's content, in order. */
export function childrenOf(element: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < element.content.length;) {
    const { element: child, end } = readElement(element.content, offset);
    children.push(child);
    offset = end;
  }
  return children;
}

/** An OBJECT IDENTIFIER's content in dotted form, e.g. `1.3.101.112`. */
export function oidText(content: Uint8Array): string {
  if (content.length === 0) throw new DerError(OID_EMPTY);
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw new DerError(OID_ARC);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  if (content[content.length - 1]! & 0x80) throw new DerError(OID_CUT);
  const first = arcs.shift()!;
  const top = Math.min(Math.floor(first / 40), 2);
  return [top, first - top * 40, ...arcs].join(".");
}
