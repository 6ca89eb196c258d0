/**
 * HMAC-SHA256 backends behind one small interface. A backend turns a secret into a keyed
 * signer once (per client), so the per-request cost is only the MAC of the text.
 */

/** Signs text with a key fixed in advance; returns the raw 32-byte MAC. */
export type KeyedHmac = (text: string) => Uint8Array | Promise<Uint8Array>;

/** A way to compute HMAC-SHA256. */
export interface HmacBackend {
  /** For README and benchmarks: `"webcrypto"` or `"noble"`. */
  readonly name: string;
  /** Prepares the key once; the returned function is called for every request. */
  keyed(secret: string): KeyedHmac;
}

const utf8 = /* @__PURE__ */ new TextEncoder();

/**
 * Web Crypto (`crypto.subtle`): native everywhere, asynchronous. The key is imported once,
 * non-extractable, so not even this module can read the secret back out of it.
 */
export const webCryptoHmac: HmacBackend = {
  name: "webcrypto",
  keyed(secret) {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) throw new Error("crypto.subtle is not available in this runtime: use nobleHmac");
    const key = subtle.importKey(
      "raw",
      utf8.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    return async (text) => new Uint8Array(await subtle.sign("HMAC", await key, utf8.encode(text)));
  },
};

/**
 * HMAC with the @noble/hashes library, pre-keyed: the inner and outer pads are hashed once, and each request clones
 * that state. Pure JS, loaded on first use (src/signing/hmac-noble.ts): signatures made before it has loaded are
 * asynchronous, later ones synchronous, with no await per request.
 */
export const nobleHmac: HmacBackend = {
  name: "noble",
  keyed(secret) {
    let keyed: ((text: Uint8Array) => Uint8Array) | undefined;
    const loading = import("./hmac-noble.ts").then(({ nobleKeyed }) => {
      keyed = nobleKeyed(utf8.encode(secret));
      return keyed;
    });
    // Reported by the first signature that awaits it, not as an unhandled rejection.
    loading.catch(() => {});
    return (text) => keyed ? keyed(utf8.encode(text)) : loading.then((mac) => mac(utf8.encode(text)));
  },
};

/** The part of `node:crypto` the native backend uses. */
interface NodeCryptoLike {
  createSecretKey(key: Uint8Array): unknown;
  createHmac(algorithm: "sha256", key: unknown): { update(text: string): { digest(): Uint8Array } };
}

/**
 * `node:crypto`, where the runtime offers it without a static `node:` import
 * (`process.getBuiltinModule`: Node 20.16+, and runtimes that follow Node); else undefined.
 */
function nodeCrypto(): NodeCryptoLike | undefined {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return runtime?.getBuiltinModule?.("node:crypto") as NodeCryptoLike | undefined;
  } catch {
    return undefined;
  }
}

/**
 * The runtime's native HMAC through `node:crypto`, found by feature detection, so this module
 * still imports nothing from `node:`. Synchronous and the fastest where it exists.
 */
export const nativeHmac: HmacBackend = {
  name: "node:crypto",
  keyed(secret) {
    const crypto = nodeCrypto();
    if (!crypto) throw new Error("node:crypto is not reachable in this runtime: use nobleHmac or webCryptoHmac");
    // A KeyObject, made once: the secret is not converted again for every request.
    const key = crypto.createSecretKey(utf8.encode(secret));
    return (text) => crypto.createHmac("sha256", key).update(text).digest();
  },
};

/** True inside Cloudflare Workers (workerd), which sets this user agent. */
function inWorkers(): boolean {
  return globalThis.navigator?.userAgent === "Cloudflare-Workers";
}

/**
 * The default backend, chosen per runtime by measurement (docs/performance.md, "HMAC backends
 * per runtime", written by `npm run bench`): Workers get Web Crypto (native there; no
 * node:crypto without nodejs_compat), Deno gets noble (its Node layer costs more than the MAC),
 * Node and Bun get their native HMAC; anything else gets noble.
 */
export const defaultHmac: HmacBackend = {
  get name() {
    return runtimeHmac().name;
  },
  keyed: (secret) => runtimeHmac().keyed(secret),
};

let chosen: HmacBackend | undefined;

/**
 * The runtime's backend, chosen on first use rather than at import: finding node:crypto loads
 * it, which costs Node about 6 ms of start-up that a process signing nothing need not pay.
 */
function runtimeHmac(): HmacBackend {
  return chosen ??= inWorkers() ? webCryptoHmac : "Deno" in globalThis || !nodeCrypto() ? nobleHmac : nativeHmac;
}

/** Standard, padded base64 of bytes, with web APIs only (`btoa`). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
