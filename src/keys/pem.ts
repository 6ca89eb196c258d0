/**
 * PEM text (RFC 7468) to bytes, with web APIs only (`atob`). Lenient where key files travel
 * badly (CRLF, indentation, surrounding whitespace, a one-line secret whose newlines became
 * `\n` escapes or spaces), strict about everything else. Errors name the flaw, never the text.
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

/** Thrown for text that is not one well-formed PEM block; the message names the flaw only. */
export class PemError extends Error {
  /** Always `"PemError"`. */
  override name = "PemError" as const;
}

const BLOCK = /-----BEGIN ([^\r\n-]{1,64})-----([\s\S]*?)-----END ([^\r\n-]{1,64})-----/g;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 to bytes; `undefined` unless it is canonical, padded base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Decodes text that holds exactly one PEM block and nothing else but whitespace. */
export function decodePem(text: string): PemBlock {
  // A PEM kept in a one-line secret (.env, CI variables) often arrives with literal `\n`
  // escapes; base64 has no backslash, so turning them back into newlines changes nothing else.
  const unescaped = text.replace(/\\r\\n|\\n/g, "\n");
  const blocks = [...unescaped.matchAll(BLOCK)];
  if (blocks.length === 0) {
    throw new PemError(
      /-----BEGIN /.test(unescaped)
        ? "its BEGIN line has no matching END line"
        : "it has no -----BEGIN …----- line (pass the PEM text itself, not a file name or bare base64)",
    );
  }
  if (blocks.length > 1) throw new PemError(`it holds ${blocks.length} PEM blocks; pass only the private key's`);
  const [whole, label, body, endLabel] = blocks[0]! as unknown as [string, string, string, string];
  if (unescaped.replace(whole, "").trim() !== "") throw new PemError("it has text outside the PEM block");
  if (label !== endLabel) throw new PemError("its BEGIN and END labels differ");
  // Legacy OpenSSL encryption puts `Proc-Type:`/`DEK-Info:` headers in the body.
  if (body.includes(":")) throw new PemError("it has PEM headers (an encrypted legacy key file)");
  const lines = body.split(/\s+/).filter((line) => line !== "");
  const bytes = fromBase64(lines.join(""));
  if (!bytes || bytes.length === 0) throw new PemError("its body is not valid base64");
  return { label, bytes, lines };
}
