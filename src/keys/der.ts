/**
 * The little of DER (ITU-T X.690) that telling key files apart needs: definite lengths, bounds
 * checked, nothing trailing. Read errors say where the structure broke, never what bytes it held.
 */

/** One DER element: its tag byte and its content bytes (a view, not a copy). */
export interface DerElement {
  /** The identifier octet, e.g. `0x30` SEQUENCE, `0x02` INTEGER, `0x04` OCTET STRING. */
  readonly tag: number;
  /** The content octets. */
  readonly content: Uint8Array;
}

/** Tags this module reads. */
export const DER = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

/** Thrown for bytes that are not well-formed DER; the message names the flaw only. */
export class DerError extends Error {
  /** Always `"DerError"`. */
  override name = "DerError" as const;
}

/** Reads the element starting at `offset`; returns it and the offset just past it. */
function readElement(bytes: Uint8Array, offset: number): { element: DerElement; end: number } {
  if (offset + 2 > bytes.length) throw new DerError("it ends inside an element header");
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("it uses a multi-byte tag, which no key structure has");
  let length = bytes[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    // 0x80 is BER's indefinite length; more than 3 length octets is no key file (16 MiB).
    if (octets === 0 || octets > 3) throw new DerError("it has an indefinite or oversized length");
    if (start + octets > bytes.length) throw new DerError("it ends inside a length");
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[start + i]!;
    if (length < 0x80 || bytes[start] === 0) throw new DerError("it has a non-minimal length (BER, not DER)");
    start += octets;
  }
  const end = start + length;
  if (end > bytes.length) throw new DerError("an element is longer than the bytes given (truncated?)");
  return { element: { tag, content: bytes.subarray(start, end) }, end };
}

/** Reads bytes that must be exactly one element, nothing before or after it. */
export function readDer(bytes: Uint8Array): DerElement {
  const { element, end } = readElement(bytes, 0);
  if (end !== bytes.length) throw new DerError("bytes follow the end of the structure");
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
  if (content.length === 0) throw new DerError("it has an empty object identifier");
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw new DerError("it has an object identifier arc that is too large");
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  if (content[content.length - 1]! & 0x80) throw new DerError("it has a truncated object identifier");
  const first = arcs.shift()!;
  const top = Math.min(Math.floor(first / 40), 2);
  return [top, first - top * 40, ...arcs].join(".");
}
