/**
 * Signing with an Ed25519 private key through Web Crypto (`{ name: "Ed25519" }`): Node 20+,
 * Deno, Bun and Cloudflare Workers. HTX signs the same Signature V2 text as for HmacSHA256,
 * with plain Ed25519 (no pre-hash): 64 bytes, sent as padded base64 (docs/htx-notes.md, "Ed25519 keys").
 *
 * What fails when: a runtime without `crypto.subtle` fails synchronously, here. Web Crypto has
 * no synchronous way to ask whether it supports Ed25519, so the import starts here and a
 * runtime that lacks the algorithm is reported by `ready()` and by every `sign()`, as an
 * `HtxInputError`, before anything is signed or sent.
 */
import { HtxInputError } from "../../core/errors.ts";
import { toBase64 } from "../hmac.ts";
import { redactCause } from "../../core/redact.ts";
import type { SigningKey } from "./signing-key.ts";
import type { Ed25519PrivateKey } from "./private-key.ts";

const ED25519 = { name: "Ed25519" } as const;
const RUNTIMES = "use Node 20+, Deno, Bun or Cloudflare Workers, or an HmacSHA256 secretKey";
const utf8 = /* @__PURE__ */ new TextEncoder();

async function importKey(subtle: SubtleCrypto, privateKey: Ed25519PrivateKey): Promise<CryptoKey> {
  const data = privateKey.keyData();
  if ("cryptoKey" in data) return data.cryptoKey;
  try {
    // Non-extractable: once imported, not even this module can read the key back out.
    return await subtle.importKey("pkcs8", data.pkcs8, ED25519, false, ["sign"]);
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    const cause = redactCause(error, privateKey.redactables());
    if (name === "NotSupportedError") {
      throw new HtxInputError(`This runtime's Web Crypto does not support Ed25519: ${RUNTIMES}.`, { cause });
    }
    throw new HtxInputError(`Web Crypto refused the Ed25519 private key (${name}).`, { cause });
  }
}

/**
 * A {@link SigningKey} for an Ed25519 private key, imported once, non-extractable.
 * @throws {HtxInputError} when the runtime has no Web Crypto at all.
 */
export function ed25519SigningKey(privateKey: Ed25519PrivateKey): SigningKey {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new HtxInputError(`Ed25519 keys need Web Crypto (crypto.subtle), which this runtime lacks: ${RUNTIMES}.`);
  }
  const imported = importKey(subtle, privateKey);
  // Reported through ready() and sign(); a key nobody has used yet must not crash the process.
  imported.catch(() => {});
  return Object.freeze({
    method: "Ed25519" as const,
    ready: async () => {
      await imported;
    },
    sign: async (text: string) =>
      toBase64(new Uint8Array(await subtle.sign(ED25519, await imported, utf8.encode(text)))),
    redactables: () => privateKey.redactables(),
  });
}
