/**
 * The public half of a simulated Ed25519 API key, read with the simulator's own few lines (not
 * the client's key parser, src/keys/, so a bug in one is not mirrored in the other). HTX keeps
 * only this half; the simulator does too. Forms: SPKI PEM, as `openssl pkey -pubout` prints it,
 * or the raw 32 bytes as base64 (docs/htx-notes.md, "Ed25519 keys": HTX does not document which
 * form its key page takes).
 */

/** SubjectPublicKeyInfo of an Ed25519 key up to its 32 bytes (RFC 8410, section 4). */
const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
/** PKCS#8 of an Ed25519 key, as far as every form has it: a private key given by mistake. */
const PKCS8_START = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
const PEM = /^-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\s]*)-----END \1-----$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64Bytes(text: string): Uint8Array | undefined {
  return BASE64.test(text) ? Uint8Array.from(atob(text), (c) => c.charCodeAt(0)) : undefined;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

/**
 * The SPKI DER of an Ed25519 public key given as SPKI PEM or raw base64, or why it is not one
 * (a message for `createHtxSimulator`'s error; it never shows the key).
 */
export function ed25519PublicKeySpki(publicKey: unknown): Uint8Array<ArrayBuffer> | string {
  if (typeof publicKey !== "string" || publicKey.trim() === "") return "must be a non-empty string";
  const text = publicKey.trim();
  const pem = PEM.exec(text);
  if (pem) {
    if (pem[1]!.includes("PRIVATE")) return "is a private key: give the simulator the public half only";
    const der = base64Bytes(pem[2]!.replace(/\s+/g, ""));
    if (pem[1] !== "PUBLIC KEY" || !der) return "must be a PEM PUBLIC KEY block (SPKI)";
    if (der.length !== SPKI_PREFIX.length + 32 || !startsWith(der, SPKI_PREFIX)) {
      return "is not an Ed25519 public key (SPKI)";
    }
    return Uint8Array.from(der);
  }
  const raw = base64Bytes(text);
  if (raw && startsWith(raw, PKCS8_START)) return "is a private key: give the simulator the public half only";
  if (raw?.length !== 32) return "must be SPKI PEM or the raw 32-byte public key as base64";
  return Uint8Array.from([...SPKI_PREFIX, ...raw]);
}
