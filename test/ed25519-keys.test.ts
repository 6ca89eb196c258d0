/**
 * Ed25519 private keys (issue 14): every wrong key, wrong form and malformed input is refused
 * with an HtxInputError that says which, before anything is signed; no error or object shows
 * the key; the key lists every spelling a redactor must hide.
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HtxInputError } from "../mod.ts";
import { createSigningKey, validateCredentials } from "../src/signing/keys.ts";
import { parsePrivateKey } from "../src/signing/keys/private-key.ts";
import { redactText } from "../src/core/redact.ts";
import { derOf, pemOf, TEST_KEY, withPublicKey } from "./fixtures-ed25519/vectors.ts";
import { everyRendering, KEYS, leaks } from "./helpers.ts";

const pkcs8Pem = (key: KeyObject) => key.export({ type: "pkcs8", format: "pem" }) as string;
const pkcs8Der = (key: KeyObject) => new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ed25519 = createPrivateKey(TEST_KEY.pem);
const der = derOf(TEST_KEY.pem);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** The test key as text in every spelling, computed here with node:crypto, not by the module. */
const seed = Buffer.from(ed25519.export({ format: "jwk" }).d!, "base64url");
const KEY_SPELLINGS = [
  b64(der),
  seed.toString("base64"),
  seed.toString("base64url"),
  seed.toString("hex"),
  seed.toString("hex").toUpperCase(),
];

/** Text a refused input is made of, which its error must not repeat. */
function materialOf(input: unknown): string[] {
  if (typeof input === "string") {
    return input.replace(/-----[^-]*-----/g, " ").replace(/\\n/g, " ").split(/\s+/).filter((s) => s.length >= 12);
  }
  if (input instanceof Uint8Array) {
    return [b64(input), Buffer.from(input).toString("hex")].filter((s) => s.length >= 12);
  }
  return [];
}

/** A DER element: tag, short length, content. */
const tlv = (tag: number, ...content: number[]) => [tag, content.length, ...content];
const ED25519_ALGORITHM = tlv(0x30, ...tlv(0x06, 0x2b, 0x65, 0x70));
const pkcs8 = (version: number, algorithm: number[], key: number[]) =>
  Uint8Array.from(tlv(0x30, ...tlv(0x02, version), ...algorithm, ...tlv(0x04, ...key)));
const SEED = [...seed];

const REFUSED: [string, () => unknown, RegExp][] = [
  // Keys of another kind, by name.
  [
    "an RSA key, PKCS#8 PEM",
    () => pkcs8Pem(rsa.privateKey),
    /privateKey is an RSA key: .*openssl genpkey -algorithm ed25519/,
  ],
  ["an RSA key, PKCS#8 DER", () => pkcs8Der(rsa.privateKey), /privateKey is an RSA key/],
  ["an RSA key, PKCS#1 PEM", () => rsa.privateKey.export({ type: "pkcs1", format: "pem" }), /an RSA key/],
  [
    "an RSA key, PKCS#1 DER",
    () => new Uint8Array(rsa.privateKey.export({ type: "pkcs1", format: "der" })),
    /an RSA key \(PKCS#1\)/,
  ],
  ["an EC key, PKCS#8 PEM", () => pkcs8Pem(ec.privateKey), /privateKey is an EC key/],
  ["an EC key, SEC1 PEM", () => ec.privateKey.export({ type: "sec1", format: "pem" }), /an EC key/],
  ["an EC key, SEC1 DER", () => new Uint8Array(ec.privateKey.export({ type: "sec1", format: "der" })), /an EC key/],
  ["an X25519 key", () => pkcs8Pem(generateKeyPairSync("x25519").privateKey), /an X25519 key \(for key agreement/],
  ["an Ed448 key", () => pkcs8Pem(generateKeyPairSync("ed448").privateKey), /an Ed448 key/],
  // The public half instead of the private one.
  ["the public key, SPKI PEM", () => TEST_KEY.publicPem, /this is a public key; pass the private key/],
  ["the public key, SPKI DER", () => derOf(TEST_KEY.publicPem), /this is a public key; pass the private key/],
  [
    "the public key in a PRIVATE KEY block",
    () => TEST_KEY.publicPem.replace(/PUBLIC/g, "PRIVATE"),
    /this is a public key; pass the private key/,
  ],
  [
    "the raw 32-byte public key",
    () => Buffer.from(TEST_KEY.publicRaw, "base64"),
    /32 raw bytes, which could be either/,
  ],
  // Forms Web Crypto cannot read.
  [
    "an encrypted PKCS#8 PEM",
    () => ed25519.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" }),
    /an encrypted PKCS#8 key: decrypt it first/,
  ],
  [
    "an encrypted PKCS#8 DER",
    () => new Uint8Array(ed25519.export({ type: "pkcs8", format: "der", cipher: "aes-256-cbc", passphrase: "pw" })),
    /an encrypted PKCS#8 key/,
  ],
  [
    "a legacy encrypted RSA PEM (Proc-Type headers)",
    () => rsa.privateKey.export({ type: "pkcs1", format: "pem", cipher: "aes-128-cbc", passphrase: "pw" }),
    /not a valid PEM private key: it has PEM headers/,
  ],
  ["an OpenSSH key file", () => pemOf(b64(der), "OPENSSH PRIVATE KEY"), /an OpenSSH key file/],
  ["a certificate request", () => pemOf(b64(der), "CERTIFICATE REQUEST"), /a PEM "CERTIFICATE REQUEST" block/],
  // Malformed text.
  ["an empty string", () => "", /must be PEM text .*got an empty string/],
  ["base64 without PEM armour", () => b64(der), /not a valid PEM private key: it has no -----BEGIN/],
  ["a PEM without its END line", () => TEST_KEY.pem.replace(/-----END.*/, ""), /no matching END line/],
  ["a PEM whose body is not base64", () => pemOf("MC4CAQAw!!!!"), /its body is not valid base64/],
  ["a PEM with mismatched labels", () => TEST_KEY.pem.replace("END PRIVATE", "END PUBLIC"), /labels differ/],
  ["two PEM blocks", () => TEST_KEY.pem + TEST_KEY.pem, /it holds 2 PEM blocks/],
  ["a PEM with text around it", () => `key: ${TEST_KEY.pem}`, /text outside the PEM block/],
  // Malformed DER.
  ["truncated DER", () => der.subarray(0, 40), /not a valid DER key: .*truncated/],
  ["truncated DER in a PEM", () => pemOf(b64(der.subarray(0, 40))), /its PEM body is not a valid DER key/],
  ["DER with bytes after it", () => Uint8Array.from([...der, 0]), /bytes follow the end/],
  ["DER with an indefinite length", () => Uint8Array.from([0x30, 0x80, ...der.subarray(2), 0, 0]), /indefinite/],
  ["a PKCS#8 version 2", () => pkcs8(2, ED25519_ALGORITHM, tlv(0x04, ...SEED)), /unknown PKCS#8 version/],
  [
    "Ed25519 with algorithm parameters",
    () => pkcs8(0, tlv(0x30, ...tlv(0x06, 0x2b, 0x65, 0x70), 0x05, 0x00), tlv(0x04, ...SEED)),
    /has parameters/,
  ],
  ["a 31-byte Ed25519 key", () => pkcs8(0, ED25519_ALGORITHM, tlv(0x04, ...SEED.slice(1))), /not a 32-byte/],
  ["three random bytes", () => Uint8Array.from([1, 2, 3]), /not a valid DER key/],
  // Not a key at all.
  ["a number", () => 42, /must be PEM text .*DER bytes .*CryptoKey \(got a number\)/],
  ["null", () => null, /\(got null\)/],
  ["an array of bytes", () => [...der], /\(got an array\)/],
  ["a plain object", () => ({ key: TEST_KEY.pem }), /\(got an object\)/],
  // CryptoKeys that cannot do the job.
  [
    "an HMAC CryptoKey",
    () => crypto.subtle.importKey("raw", new Uint8Array(32), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
    /a CryptoKey for HMAC, not Ed25519/,
  ],
  [
    "a public Ed25519 CryptoKey",
    () => crypto.subtle.importKey("spki", derOf(TEST_KEY.publicPem), { name: "Ed25519" }, false, ["verify"]),
    /this is a public key/,
  ],
  [
    "a private Ed25519 CryptoKey without the sign usage",
    () => ({ type: "private", algorithm: { name: "Ed25519" }, usages: [], extractable: false }),
    /cannot sign: import the private key with usages \["sign"\]/,
  ],
];

describe("Ed25519 private keys that are refused", () => {
  it.each(REFUSED)("%s: an HtxInputError that says which, showing no key material", async (_, make, message) => {
    const privateKey = await make();
    let error: unknown;
    try {
      createSigningKey({ accessKey: KEYS.accessKey, privateKey });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HtxInputError);
    expect((error as Error).message).toMatch(message);
    expect(leaks(everyRendering(error), [...KEY_SPELLINGS, ...materialOf(privateKey)])).toEqual([]);
  });

  it("refuses a secretKey and a privateKey together", () => {
    expect(() => validateCredentials({ ...KEYS, privateKey: TEST_KEY.pem })).toThrow(
      /Pass either secretKey \(HmacSHA256\) or privateKey \(Ed25519\), not both/,
    );
  });
});

describe("no key material in any rendering", () => {
  it.each([
    ["the checked private key", () => parsePrivateKey(TEST_KEY.pem)],
    ["the validated credentials", () => validateCredentials({ accessKey: "a", privateKey: der })],
    ["the signing key", () => createSigningKey({ accessKey: "a", privateKey: TEST_KEY.pem })],
  ])("%s shows none of the key's spellings", (_, make) => {
    expect(leaks(everyRendering(make()), KEY_SPELLINGS)).toEqual([]);
  });
});

describe("what a redactor is given", () => {
  it.each([
    ["PEM text", TEST_KEY.pem],
    ["DER bytes", der],
    ["a PKCS#8 v2 PEM, its body wrapped over two lines", pemOf(b64(withPublicKey(TEST_KEY.pem)))],
    ["PKCS#8 v2 DER", withPublicKey(TEST_KEY.pem)],
  ])("given %s, redactables() hide every spelling of the key", (_, privateKey) => {
    const key = createSigningKey({ accessKey: "a", privateKey });
    const dump = [
      TEST_KEY.pem,
      typeof privateKey === "string" ? privateKey : b64(privateKey),
      JSON.stringify(ed25519.export({ format: "jwk" })),
      ...KEY_SPELLINGS,
    ].join("\n");
    expect(leaks(redactText(dump, key.redactables()), KEY_SPELLINGS)).toEqual([]);
  });

  it("lists each line of a wrapped PEM body, so a line logged alone is hidden too", () => {
    const pem = pemOf(b64(withPublicKey(TEST_KEY.pem)));
    const lines = pem.split("\n").filter((line) => line && !line.startsWith("-----"));
    expect(lines).toHaveLength(2);
    const redactables = createSigningKey({ accessKey: "a", privateKey: pem }).redactables();
    for (const line of lines) expect(redactText(`log: ${line}`, redactables)).toBe("log: [REDACTED]");
  });

  it("a caller's CryptoKey has no material to hide; an HMAC key hides its secret", async () => {
    const cryptoKey = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
    expect(createSigningKey({ accessKey: "a", privateKey: cryptoKey }).redactables()).toEqual([]);
    expect(createSigningKey(KEYS).redactables()).toEqual([KEYS.secretKey]);
  });
});

describe("a runtime whose Web Crypto cannot sign Ed25519", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it("without crypto.subtle: refused when the key is created", () => {
    vi.stubGlobal("crypto", {});
    expect(() => createSigningKey({ accessKey: "a", privateKey: TEST_KEY.pem })).toThrow(
      /Ed25519 keys need Web Crypto \(crypto.subtle\), which this runtime lacks/,
    );
  });

  it("without the Ed25519 algorithm: ready() and sign() reject with HtxInputError, nothing unhandled", async () => {
    vi.spyOn(crypto.subtle, "importKey").mockRejectedValue(
      new DOMException("Unrecognized algorithm name", "NotSupportedError"),
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const key = createSigningKey({ accessKey: "a", privateKey: TEST_KEY.pem });
      await new Promise((resolve) => setTimeout(resolve, 20)); // nobody has asked yet
      expect(unhandled).toEqual([]);
      await expect(key.ready()).rejects.toThrow(HtxInputError);
      await expect(key.ready()).rejects.toThrow(/This runtime's Web Crypto does not support Ed25519/);
      await expect(Promise.resolve().then(() => key.sign("text"))).rejects.toThrow(/does not support Ed25519/);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("when Web Crypto refuses the key for another reason, says so without showing it", async () => {
    vi.spyOn(crypto.subtle, "importKey").mockRejectedValue(new DOMException(`bad key ${b64(der)}`, "DataError"));
    const key = createSigningKey({ accessKey: "a", privateKey: TEST_KEY.pem });
    const error = await key.ready().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HtxInputError);
    expect((error as Error).message).toBe("Web Crypto refused the Ed25519 private key (DataError).");
    expect(leaks(everyRendering(error), KEY_SPELLINGS)).toEqual([]);
  });
});
