/**
 * The screen `new HtxClient` runs on an Ed25519 private key before the full parse has loaded
 * (src/signing/keys/screen.ts). It never disagrees with the full parse: what it refuses, the parse refuses
 * with the same HtxInputError message; what the parse accepts, it lets through. And it decides at
 * once every value that is the wrong kind of key, so a client is never built with one.
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bundleSize } from "../bench/bundle-size.mjs";
import { HtxInputError } from "../mod.ts";
import { Ed25519PrivateKey, parsePrivateKey } from "../src/signing/keys/private-key.ts";
import { screenPrivateKey } from "../src/signing/keys/screen.ts";
import { derOf, HTX_VECTOR, pemOf, TEST_KEY, withPublicKey } from "./fixtures-ed25519/vectors.ts";

/** What a function did with a value: returned, or threw `error`. */
type Verdict = { accepted: true } | { accepted: false; error: unknown };

function verdict(run: () => unknown): Verdict {
  try {
    run();
    return { accepted: true };
  } catch (error) {
    return { accepted: false, error };
  }
}

/** The message of an HtxInputError, or a description that can never equal one. */
function inputErrorMessage(error: unknown): string {
  return error instanceof HtxInputError ? error.message : `not an HtxInputError: ${String(error)}`;
}

/**
 * The screen's contract for one value: if it refuses, the parse refuses with an HtxInputError
 * of the same message; if the parse accepts, the screen lets the value through.
 */
function expectScreenAgrees(value: unknown): void {
  const screen = verdict(() => screenPrivateKey(value));
  const parse = verdict(() => parsePrivateKey(value));
  if (!screen.accepted) {
    expect(screen.error).toBeInstanceOf(HtxInputError);
    expect(parse.accepted ? "parse accepted it" : inputErrorMessage(parse.error)).toBe(
      inputErrorMessage(screen.error),
    );
  }
  if (parse.accepted) expect(screen).toEqual({ accepted: true });
}

// Keys of every kind, made here with node:crypto.
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const pkcs8Der = (key: KeyObject) => new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
const spkiDer = (key: KeyObject) => new Uint8Array(key.export({ type: "spki", format: "der" }));
const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ed25519 = createPrivateKey(TEST_KEY.pem);
const der = derOf(TEST_KEY.pem);
const OTHER_ALGORITHMS: [string, KeyObject][] = [
  ["RSA", rsa.privateKey],
  ["RSA-PSS", generateKeyPairSync("rsa-pss", { modulusLength: 1024 }).privateKey],
  ["EC", ec.privateKey],
  ["DSA", generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 }).privateKey],
  ["X25519", generateKeyPairSync("x25519").privateKey],
  ["X448", generateKeyPairSync("x448").privateKey],
  ["Ed448", generateKeyPairSync("ed448").privateKey],
];
const ENCRYPTION = { cipher: "aes-256-cbc", passphrase: "pw" } as const;
const encryptedPem = ed25519.export({ type: "pkcs8", format: "pem", ...ENCRYPTION });
const encryptedDer = new Uint8Array(ed25519.export({ type: "pkcs8", format: "der", ...ENCRYPTION }));

/** A DER element of any length. */
function tlv(tag: number, content: ArrayLike<number>): Uint8Array {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Uint8Array.from([tag, ...length, ...Array.from(content)]);
}
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));
const seed = der.subarray(16);

const ED25519_OID = [0x2b, 0x65, 0x70];

/** A PKCS#8 structure built field by field: by default the test key, as PKCS#8 v1. */
function pkcs8({ version = 0, oid = ED25519_OID, parameters = [] as Uint8Array[], key = tlv(0x04, seed) } = {}) {
  return tlv(0x30, concat(tlv(0x02, [version]), tlv(0x30, concat(tlv(0x06, oid), ...parameters)), tlv(0x04, key)));
}

/** A certificate's outline: { tbsCertificate, signatureAlgorithm, signature BIT STRING } (RFC 5280). */
const certificate = tlv(
  0x30,
  concat(
    tlv(0x30, concat(tlv(0x02, [1]), tlv(0x30, tlv(0x06, ED25519_OID)), derOf(TEST_KEY.publicPem))),
    tlv(0x30, tlv(0x06, ED25519_OID)),
    tlv(0x03, [0, ...new Uint8Array(64)]),
  ),
);

const notAKey = (got: string) =>
  new RegExp(`^privateKey must be PEM text .*, DER bytes .* or an Ed25519 CryptoKey \\(got ${got}\\)\\.$`);
const PUBLIC = /^privateKey: this is a public key; pass the private key/;
const ENCRYPTED = /^privateKey is an encrypted PKCS#8 key: decrypt it first/;
const refused = (what: string) =>
  new RegExp(`^privateKey is ${what}.*: HTX's Ed25519 method needs an Ed25519 private key; create one with`);

/** Every value the screen must refuse at once, and the message it refuses it with. */
const DECIDED_AT_ONCE: [string, () => unknown, RegExp][] = [
  // Wrong types.
  ["null", () => null, notAKey("null")],
  ["undefined", () => undefined, notAKey("undefined")],
  ["a number", () => 42, notAKey("a number")],
  ["NaN", () => NaN, notAKey("a number")],
  ["a boolean", () => true, notAKey("a boolean")],
  ["a bigint", () => 10n, notAKey("a bigint")],
  ["a symbol", () => Symbol("key"), notAKey("a symbol")],
  ["a function", () => () => TEST_KEY.pem, notAKey("a function")],
  ["an empty string", () => "", notAKey("an empty string")],
  ["a plain object", () => ({ pem: TEST_KEY.pem }), notAKey("an object")],
  ["a Map", () => new Map([["key", TEST_KEY.pem]]), notAKey("a Map")],
  ["a Set", () => new Set([TEST_KEY.pem]), notAKey("a Set")],
  ["an array of bytes", () => [...der], notAKey("an array")],
  ["a SharedArrayBuffer", () => new SharedArrayBuffer(48), notAKey("a SharedArrayBuffer")],
  ["a KeyObject", () => ed25519, notAKey("a KeyObject")],
  ["an object dressed as a checked key", () => Object.create(Ed25519PrivateKey.prototype), notAKey("an object")],
  // Text with no PEM armour.
  ["base64 DER without armour", () => b64(der), /not a valid PEM private key: it has no -----BEGIN/],
  ["a file name", () => "./htx-ed25519.pem", /it has no -----BEGIN/],
  ["whitespace", () => " \n\t", /it has no -----BEGIN/],
  ["an END line alone", () => "-----END PRIVATE KEY-----", /it has no -----BEGIN/],
  // PEM labels of every other kind.
  ["an Ed25519 public key PEM", () => TEST_KEY.publicPem, PUBLIC],
  ["an RSA public key PEM (SPKI)", () => rsa.publicKey.export({ type: "spki", format: "pem" }), PUBLIC],
  ["an RSA public key PEM (PKCS#1)", () => rsa.publicKey.export({ type: "pkcs1", format: "pem" }), PUBLIC],
  ["a certificate PEM", () => pemOf(b64(certificate), "CERTIFICATE"), PUBLIC],
  ["an encrypted PKCS#8 PEM", () => encryptedPem, ENCRYPTED],
  ["an OpenSSH key file", () => pemOf(b64(der), "OPENSSH PRIVATE KEY"), refused("an OpenSSH key file")],
  ["an RSA key, PKCS#1 PEM", () => rsa.privateKey.export({ type: "pkcs1", format: "pem" }), refused("an RSA key")],
  ["an EC key, SEC1 PEM", () => ec.privateKey.export({ type: "sec1", format: "pem" }), refused("an EC key")],
  ["a DSA PRIVATE KEY block", () => pemOf(b64(der), "DSA PRIVATE KEY"), refused("a DSA key")],
  [
    "a certificate request",
    () => pemOf(b64(der), "CERTIFICATE REQUEST"),
    refused('a PEM "CERTIFICATE REQUEST" block, not "PRIVATE KEY" \\(PKCS#8\\)'),
  ],
  ["a lower-case label", () => pemOf(b64(der), "private key"), refused("a PEM block of another kind")],
  ...["constructor", "toString", "__proto__"].map((label): [string, () => unknown, RegExp] => [
    `a block labelled ${label}`,
    () => pemOf(b64(der), label),
    refused("a PEM block of another kind"),
  ]),
  // Raw bytes and DER of every other kind.
  ["32 raw bytes", () => new Uint8Array(32), refused("32 raw bytes, which could be either half")],
  ["32 raw bytes as an ArrayBuffer", () => new ArrayBuffer(32), refused("32 raw bytes")],
  ["32 raw bytes in a PRIVATE KEY block", () => pemOf(b64(seed)), refused("32 raw bytes")],
  ["an Ed25519 public key, SPKI DER", () => derOf(TEST_KEY.publicPem), PUBLIC],
  ["an RSA public key, SPKI DER", () => spkiDer(rsa.publicKey), PUBLIC],
  ["an EC public key, SPKI DER", () => spkiDer(ec.publicKey), PUBLIC],
  ["a public key in a PRIVATE KEY block", () => TEST_KEY.publicPem.replace(/PUBLIC/g, "PRIVATE"), PUBLIC],
  ["a certificate, DER", () => certificate, PUBLIC],
  ["a certificate in a PRIVATE KEY block", () => pemOf(b64(certificate)), PUBLIC],
  ["an encrypted PKCS#8 DER", () => encryptedDer, ENCRYPTED],
  [
    "an RSA key, PKCS#1 DER",
    () => new Uint8Array(rsa.privateKey.export({ type: "pkcs1", format: "der" })),
    refused("an RSA key \\(PKCS#1\\)"),
  ],
  [
    "an EC key, SEC1 DER",
    () => new Uint8Array(ec.privateKey.export({ type: "sec1", format: "der" })),
    refused("an EC key \\(SEC1\\)"),
  ],
  ...OTHER_ALGORITHMS.flatMap(([name, key]): [string, () => unknown, RegExp][] => {
    const what = refused(`an? ${name} key`);
    return [
      [`an ${name} key, PKCS#8 PEM`, () => key.export({ type: "pkcs8", format: "pem" }), what],
      [`an ${name} key, PKCS#8 DER`, () => pkcs8Der(key), what],
    ];
  }),
  [
    "PKCS#8 of an unknown algorithm, DER",
    () => pkcs8({ oid: [0x2a, 0x03, 0x04] }),
    refused("a key of another algorithm \\(OID 1\\.2\\.3\\.4\\)"),
  ],
  [
    "PKCS#8 of an unknown algorithm, PEM",
    () => pemOf(b64(pkcs8({ oid: [0x81, 0x00, 0x01] }))),
    refused("a key of another algorithm \\(OID 2\\.48\\.1\\)"),
  ],
  // CryptoKeys that cannot sign with Ed25519.
  [
    "an HMAC CryptoKey",
    () => crypto.subtle.importKey("raw", new Uint8Array(32), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
    refused("a CryptoKey for HMAC, not Ed25519"),
  ],
  [
    "an ECDSA private CryptoKey",
    async () => (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"])).privateKey,
    refused("a CryptoKey for ECDSA, not Ed25519"),
  ],
  [
    "an X25519 private CryptoKey",
    async () =>
      ((await crypto.subtle.generateKey({ name: "X25519" }, false, ["deriveBits"])) as CryptoKeyPair).privateKey,
    refused("a CryptoKey for X25519, not Ed25519"),
  ],
  [
    "a CryptoKey-shaped object naming no algorithm",
    () => ({ type: "private", algorithm: { name: "<b>x</b>" }, usages: ["sign"] }),
    refused("a CryptoKey for another algorithm, not Ed25519"),
  ],
  [
    "a public Ed25519 CryptoKey",
    () => crypto.subtle.importKey("spki", derOf(TEST_KEY.publicPem), { name: "Ed25519" }, false, ["verify"]),
    PUBLIC,
  ],
  [
    "a private Ed25519 CryptoKey without the sign usage",
    () => ({ type: "private", algorithm: { name: "Ed25519" }, usages: [], extractable: false }),
    /^privateKey is an Ed25519 CryptoKey that cannot sign/,
  ],
  [
    "a secret Ed25519 CryptoKey-shaped object",
    () => ({ type: "secret", algorithm: { name: "Ed25519" }, usages: ["sign"] }),
    /^privateKey is an Ed25519 CryptoKey that cannot sign/,
  ],
];

describe("what the screen refuses at once", () => {
  it.each(DECIDED_AT_ONCE)("%s: refused with the full parse's message", async (_, make, message) => {
    const value = await make();
    const error = verdict(() => screenPrivateKey(value));
    expect(error.accepted).toBe(false);
    expect(inputErrorMessage((error as { error: unknown }).error)).toMatch(message);
    expectScreenAgrees(value);
  });
});

/** Every form of an Ed25519 private key the parse accepts. */
const ACCEPTED: [string, () => unknown][] = [
  ["the test key's PEM", () => TEST_KEY.pem],
  ["HTX's vector key as PEM", () => pemOf(HTX_VECTOR.pkcs8)],
  [
    "a fresh key from node:crypto",
    () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }),
  ],
  ["PEM with CRLF and indentation", () => `\r\n\t${TEST_KEY.pem.replace(/\n/g, "\r\n  ")}\r\n\n`],
  ["PEM with \\n escapes", () => TEST_KEY.pem.trim().replace(/\n/g, "\\n")],
  ["PEM on one line with spaces", () => TEST_KEY.pem.trim().replace(/\n/g, " ")],
  ["DER as a Uint8Array", () => der],
  ["DER as an ArrayBuffer", () => der.slice().buffer],
  ["DER as a Node Buffer", () => Buffer.from(der)],
  ["DER as a DataView", () => new DataView(der.slice().buffer)],
  ["DER in a view with an offset", () => concat(new Uint8Array(7), der).subarray(7)],
  ["PKCS#8 v2 DER, with the public key", () => withPublicKey(TEST_KEY.pem)],
  ["PKCS#8 v2 PEM", () => pemOf(b64(withPublicKey(TEST_KEY.pem)))],
  ["a non-extractable CryptoKey", () => crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"])],
  ["a key the parse already checked", () => parsePrivateKey(TEST_KEY.pem)],
  [
    "a key checked from a CryptoKey",
    async () => parsePrivateKey(await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"])),
  ],
];

describe("what the screen lets through", () => {
  it.each(ACCEPTED)("%s: accepted by the parse and let through", async (_, make) => {
    const value = await make();
    expect(() => parsePrivateKey(value)).not.toThrow();
    expect(() => screenPrivateKey(value)).not.toThrow();
  });

  /** Damaged structure that only the full parse reads far enough to refuse (the module comment's list). */
  const LEFT_TO_THE_PARSE: [string, () => unknown, RegExp][] = [
    ["a PEM without its END line", () => TEST_KEY.pem.replace(/-----END.*/, ""), /no matching END line/],
    ["two PEM blocks", () => TEST_KEY.pem + TEST_KEY.publicPem, /it holds 2 PEM blocks/],
    ["text around the PEM", () => `key: ${TEST_KEY.pem}`, /text outside the PEM block/],
    ["labels that differ", () => TEST_KEY.pem.replace("END PRIVATE", "END PUBLIC"), /labels differ/],
    [
      "a legacy encrypted RSA PEM (headers)",
      () => rsa.privateKey.export({ type: "pkcs1", format: "pem", cipher: "aes-128-cbc", passphrase: "pw" }),
      /it has PEM headers/,
    ],
    ["bad base64 in a PRIVATE KEY block", () => pemOf("MC4CAQAw!!!!"), /its body is not valid base64/],
    ["bad base64 in a PUBLIC KEY block", () => pemOf("MCow!!!!", "PUBLIC KEY"), /its body is not valid base64/],
    ["no bytes", () => new Uint8Array(0), /the DER is not a valid DER key: it ends inside an element header/],
    ["truncated DER", () => der.subarray(0, 40), /truncated/],
    ["truncated DER of an RSA key", () => pkcs8Der(rsa.privateKey).subarray(0, 100), /truncated/],
    ["DER with a byte after it", () => concat(der, new Uint8Array(1)), /bytes follow the end/],
    [
      "an indefinite length",
      () => concat(Uint8Array.from([0x30, 0x80]), der.subarray(2), new Uint8Array(2)),
      /indefinite/,
    ],
    [
      "PKCS#8 version 2",
      () => pkcs8({ version: 2 }),
      /unknown PKCS#8 version/,
    ],
    ["a truncated OID", () => pkcs8({ oid: [0x2b, 0xe5] }), /truncated object identifier/],
    [
      "Ed25519 with parameters",
      () => pkcs8({ parameters: [tlv(0x05, [])] }),
      /has parameters/,
    ],
    [
      "unknown fields after the key",
      () => tlv(0x30, concat(der.subarray(2), tlv(0x04, [1]))),
      /unknown fields/,
    ],
    ["a 31-byte Ed25519 seed", () => pkcs8({ key: tlv(0x04, seed.subarray(1)) }), /not a 32-byte/],
  ];

  it.each(LEFT_TO_THE_PARSE)("%s: let through; the parse refuses it", (_, make, message) => {
    const value = make();
    expect(() => screenPrivateKey(value)).not.toThrow();
    expect(() => parsePrivateKey(value)).toThrow(HtxInputError);
    expect(() => parsePrivateKey(value)).toThrow(message);
  });
});

/** DER trees of the kinds key files are made of, with random leaves and OIDs near the known ones. */
const KNOWN_OIDS = [
  ED25519_OID,
  [0x2b, 0x65, 0x71], // Ed448
  [0x2b, 0x65, 0x6e], // X25519
  [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01], // RSA
  [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01], // EC
];
const oidContent = fc.oneof(
  fc.constantFrom(...KNOWN_OIDS),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 10 }),
);
const leaf = fc.oneof(
  fc.tuple(fc.constantFrom(0x02, 0x03, 0x04, 0x05, 0x80, 0x81, 0xa0, 0xa1), fc.uint8Array({ maxLength: 40 }))
    .map(([tag, content]) => tlv(tag, content)),
  fc.constantFrom(tlv(0x02, [0]), tlv(0x02, [1]), tlv(0x04, seed), tlv(0x04, tlv(0x04, seed))),
  oidContent.map((oid) => tlv(0x06, oid)),
);
const { tree } = fc.letrec<{ tree: Uint8Array }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("tree"), { maxLength: 5 }).map((children) => tlv(0x30, concat(...children))),
  ),
}));
/** PKCS#8-shaped structures: the skeleton right, the parts drawn at random. */
const pkcs8Like = fc.tuple(
  fc.constantFrom(tlv(0x02, [0]), tlv(0x02, [1]), tlv(0x02, [2]), tlv(0x02, [0, 0])),
  fc.tuple(oidContent, fc.array(leaf, { maxLength: 1 })).map(([oid, params]) =>
    tlv(0x30, concat(tlv(0x06, oid), ...params))
  ),
  fc.oneof(fc.constant(tlv(0x04, tlv(0x04, seed))), leaf),
  fc.array(leaf, { maxLength: 2 }),
).map(([version, algorithm, key, rest]) => tlv(0x30, concat(version, algorithm, key, ...rest)));
const LABELS = ["PRIVATE KEY", "PUBLIC KEY", "CERTIFICATE", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "X"];
const armored = (bytes: fc.Arbitrary<Uint8Array>) =>
  fc.tuple(bytes, fc.constantFrom(...LABELS)).map(([body, label]) => pemOf(b64(body), label));

/** Real keys of every kind, as DER: the bytes that truncations and mutations start from. */
const REAL_KEYS: [string, Uint8Array][] = [
  ["Ed25519 PKCS#8", der],
  ["Ed25519 PKCS#8 v2", withPublicKey(TEST_KEY.pem)],
  ["Ed25519 SPKI", derOf(TEST_KEY.publicPem)],
  ["encrypted PKCS#8", encryptedDer],
  ["RSA PKCS#1", new Uint8Array(rsa.privateKey.export({ type: "pkcs1", format: "der" }))],
  ["EC SEC1", new Uint8Array(ec.privateKey.export({ type: "sec1", format: "der" }))],
  ["a certificate", certificate],
  ...OTHER_ALGORITHMS.map(([name, key]): [string, Uint8Array] => [`${name} PKCS#8`, pkcs8Der(key)]),
];

describe("the screen never disagrees with the full parse", () => {
  it("on any JavaScript value", () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }),
        expectScreenAgrees,
      ),
      { numRuns: 500 },
    );
  });

  it("on random bytes, as a Uint8Array and as an ArrayBuffer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        expectScreenAgrees(bytes);
        expectScreenAgrees(bytes.slice().buffer);
      }),
      { numRuns: 500 },
    );
  });

  it("on random text, with and without PEM armour", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), armored(fc.uint8Array({ maxLength: 80 })), fc.string().map((s) => `${TEST_KEY.pem}${s}`)),
        expectScreenAgrees,
      ),
      { numRuns: 500 },
    );
  });

  it("on DER trees and PKCS#8-shaped structures, bare and in PEM armour", () => {
    fc.assert(
      fc.property(fc.oneof(tree, pkcs8Like), (bytes) => expectScreenAgrees(bytes)),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(armored(fc.oneof(tree, pkcs8Like)), expectScreenAgrees), { numRuns: 300 });
  });

  it.each(REAL_KEYS)("on every truncation of %s, bare and in a PRIVATE KEY block", (_, bytes) => {
    for (let length = 0; length <= bytes.length; length++) {
      expectScreenAgrees(bytes.subarray(0, length));
      expectScreenAgrees(pemOf(b64(bytes.subarray(0, length))));
    }
  });

  it.each(REAL_KEYS)("on single-byte changes to %s, bare and in a PRIVATE KEY block", (_, bytes) => {
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }), (index, byte) => {
        const changed = bytes.slice();
        changed[index] = byte;
        expectScreenAgrees(changed);
        expectScreenAgrees(pemOf(b64(changed)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("what the screen loads", () => {
  /** Today's size (2,585 B, most of it HtxInputError, describe() and the refusals' words), with headroom. */
  const BUDGET_GZIP_BYTES = 2_700;

  it(`loads neither the full parse nor anything heavy, in at most ${BUDGET_GZIP_BYTES} bytes gzip`, async () => {
    const { initial, inputs } = await bundleSize(`export { screenPrivateKey } from "./src/signing/keys/screen.ts";`);
    expect(Object.keys(inputs).filter((name) => /private-key|hmac|redact|valibot|@noble/.test(name))).toEqual([]);
    expect(initial.gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  }, 30_000);
});
