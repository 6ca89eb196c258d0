/**
 * PEM text (RFC 7468) to bytes, with web APIs only (`atob`). Lenient where key files travel
 * badly (CRLF, indentation, surrounding whitespace, a one-line secret whose newlines became
 * `\n` escapes or spaces), strict about everything else. A flaw is named by a number: the words
 * for each are in the full key parse (src/signing/keys/private-key.ts), which loads on first use, except
 * for text with no armour at all, which the screen refuses at once. Neither ever shows the text.
 */

/** One decoded PEM block. */
export interface PemBlock {
  /** The label between `BEGIN ` and `-----`, e.g. `PRIVATE KEY`. */
  readonly label: string;
  /** The DER bytes the body encodes. */
  readonly bytes: Uint8Array;
  /** The body's lines as written (whitespace trimmed), so a redactor can find any of them. */
  readonly lines: readonly string[];
}

// Why text is not one well-formed PEM block: numbers, which a bundler inlines, so that the
// screen that loads with the client carries no words; the full parse (private-key.ts) holds them.
/** No `-----BEGIN …-----` line: not PEM at all. */
export const NO_BEGIN = 0;
/** A BEGIN line without its END line. */
export const NO_END = 1;
/** More than one block. */
export const SEVERAL_BLOCKS = 2;
/** Text other than whitespace around the block. */
export const TEXT_OUTSIDE = 3;
/** BEGIN and END labels that differ. */
export const LABELS_DIFFER = 4;
/** RFC 1421 headers in the body (a legacy encrypted key). */
export const HEADERS = 5;
/** A body that is not canonical, padded, non-empty base64. */
export const BAD_BASE64 = 6;

/** A rule PEM text broke: one of the constants above. */
export type PemFlaw =
  | typeof NO_BEGIN
  | typeof NO_END
  | typeof SEVERAL_BLOCKS
  | typeof TEXT_OUTSIDE
  | typeof LABELS_DIFFER
  | typeof HEADERS
  | typeof BAD_BASE64;

/** Thrown for text that is not one well-formed PEM block; `flaw` says which rule broke. */
export class PemError extends Error {
  /** Always `"PemError"`. */
  override name = "PemError" as const;
  /** The rule broken. */
  readonly flaw: PemFlaw;
  /** How many PEM blocks the text holds. */
  readonly blocks: number;

  /**
   * @param flaw The rule broken.
   * @param blocks How many PEM blocks the text holds.
   */
  constructor(flaw: PemFlaw, blocks: number) {
    super(`PEM flaw ${flaw}`);
    this.flaw = flaw;
    this.blocks = blocks;
  }
}

/** The words for text with no PEM armour, which the screen refuses at once. */
export const NO_BEGIN_WORDS =
  "it has no -----BEGIN …----- line (pass the PEM text itself, not a file name or bare base64)";

const BLOCK = /-----BEGIN ([^\r\n-]{1,64})-----([\s\S]*?)-----END ([^\r\n-]{1,64})-----/g;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes text that holds exactly one PEM block and nothing else but whitespace. */
export function decodePem(text: string): PemBlock {
  // A PEM kept in a one-line secret (.env, CI variables) often arrives with literal `\n`
  // escapes; base64 has no backslash, so turning them back into newlines changes nothing else.
  const unescaped = text.replace(/\\r\\n|\\n/g, "\n");
  const blocks = [...unescaped.matchAll(BLOCK)];
  const fail = (flaw: PemFlaw) => new PemError(flaw, blocks.length);
  if (blocks.length === 0) throw fail(/-----BEGIN /.test(unescaped) ? NO_END : NO_BEGIN);
  if (blocks.length > 1) throw fail(SEVERAL_BLOCKS);
  const [whole, label, body, endLabel] = blocks[0]! as unknown as [string, string, string, string];
  if (unescaped.replace(whole, "").trim() !== "") throw fail(TEXT_OUTSIDE);
  if (label !== endLabel) throw fail(LABELS_DIFFER);
  // Legacy OpenSSL encryption puts `Proc-Type:`/`DEK-Info:` headers in the body.
  if (body.includes(":")) throw fail(HEADERS);
  const lines = body.split(/\s+/).filter((line) => line !== "");
  const base64 = lines.join("");
  if (!base64 || !BASE64.test(base64)) throw fail(BAD_BASE64);
  return { label, bytes: Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)), lines };
}
