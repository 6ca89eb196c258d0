/**
 * Who is calling, checked as HTX's gateway does: Signature V2 over every query parameter (a
 * GET's business parameters included), with the key's own method (HmacSHA256 with its secret,
 * Ed25519 with its public key), a known AccessKeyId, the timestamp window, then the
 * key's IP binding and permission for the endpoint. Each refusal is `api-signature-not-valid`
 * or `login-required`, told apart only by err-msg, as HTX does (docs/htx-notes.md, "Answers").
 */
import { MSG } from "./answers.ts";
import type { KeyPermission, SimulatedAccount } from "./types.ts";
import { ed25519PublicKeySpki } from "./public-key.ts";
import {
  canonicalText,
  constantTimeEqual,
  expectedSignature,
  importEd25519PublicKey,
  importHmacKey,
  parseHtxTimestamp,
  readSignedQuery,
  verifyEd25519,
} from "./verify-signature.ts";

/** Why a request is refused, and the envelope that says so. */
export interface Refusal {
  /** The `stats.rejections` key. */
  reason: string;
  errCode: string;
  errMsg: string;
}

/** The API keys the simulator knows and how strict it is about time. */
export interface KeyRing {
  /** By AccessKeyId. */
  keys: Map<string, SimulatedAccount>;
  /** Imported keys (HMAC secrets, Ed25519 public keys) by AccessKeyId, on first use. */
  imported: Map<string, Promise<CryptoKey>>;
  now: () => number;
  /** Largest accepted distance between Timestamp and the clock, either way. */
  timestampWindowMs: number;
}

/** The request's signed parameters (everything but `Signature`), once it is authenticated. */
export interface Caller {
  key: SimulatedAccount;
  params: Map<string, string>;
}

const refusal = (reason: string, errCode: string, errMsg: string): Refusal => ({ reason, errCode, errMsg });
const AUTH_PARAMS = ["AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp"];

/** Verifies Signature V2 over the raw query and the host the request went to. */
export async function authenticate(request: Request, url: URL, ring: KeyRing): Promise<Caller | Refusal> {
  const rawQuery = request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "";
  const query = readSignedQuery(rawQuery.split("#")[0]!);
  // HTX's handling of a repeated parameter is undocumented; a gateway that keeps one copy
  // would accept `AccessKeyId=bogus&…real…`. The strict reading refuses it.
  if (query?.duplicate !== undefined) {
    return refusal("duplicate-parameter", "api-signature-not-valid", MSG.badSignature);
  }
  const p = query?.params;
  if (!query || !p || AUTH_PARAMS.some((name) => !p.get(name)) || !query.signature) {
    return refusal("missing-auth", "login-required", MSG.missingAuth);
  }
  const key = ring.keys.get(p.get("AccessKeyId")!);
  if (!key) return refusal("unknown-key", "api-signature-not-valid", MSG.unknownKey);
  // A key signs with one method: an HMAC signature for an Ed25519 key is refused, and the reverse.
  const ed25519 = key.publicKey !== undefined;
  if (p.get("SignatureMethod") !== (ed25519 ? "Ed25519" : "HmacSHA256") || p.get("SignatureVersion") !== "2") {
    return refusal("bad-signature", "api-signature-not-valid", ed25519 ? MSG.badMethodEd25519 : MSG.badMethod);
  }
  const sentAt = parseHtxTimestamp(p.get("Timestamp")!);
  if (sentAt === undefined || Math.abs(ring.now() - sentAt) > ring.timestampWindowMs) {
    return refusal("stale-timestamp", "api-signature-not-valid", MSG.stale);
  }
  let imported = ring.imported.get(key.accessKey);
  if (!imported) ring.imported.set(key.accessKey, imported = importVerifier(key));
  const text = canonicalText(request.method, url.host, url.pathname, p);
  const valid = ed25519
    ? await verifyEd25519(await imported, text, query.signature)
    : constantTimeEqual(await expectedSignature(await imported, text), query.signature);
  if (!valid) return refusal("bad-signature", "api-signature-not-valid", MSG.badSignature);
  return { key, params: p };
}

/** The key a signature is checked with: the HMAC secret, or the Ed25519 public key (checked by resolveOptions). */
function importVerifier(key: SimulatedAccount): Promise<CryptoKey> {
  if (key.publicKey === undefined) return importHmacKey(key.secretKey);
  return importEd25519PublicKey(ed25519PublicKeySpki(key.publicKey) as Uint8Array<ArrayBuffer>);
}

/** The key's IP binding and permission for an endpoint that needs `needs`. */
export function checkAccess(key: SimulatedAccount, needs: KeyPermission, clientIp: string): Refusal | undefined {
  if (key.allowedIps?.length && !key.allowedIps.includes(clientIp)) {
    return refusal("ip-not-allowed", "api-signature-not-valid", `${MSG.badIp}${clientIp}`);
  }
  if (!(key.permissions ?? ["read", "trade"]).includes(needs)) {
    return refusal("permission", "api-signature-not-valid", MSG.permission);
  }
  return undefined;
}

/** Tells a refusal from an authenticated caller. */
export function isRefusal(value: Caller | Refusal): value is Refusal {
  return "reason" in value;
}
