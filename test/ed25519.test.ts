/**
 * Ed25519 signing (issue 14): HTX's public vector and this project's own, for every form a
 * private key may come in, each signature checked against node:crypto, an implementation
 * independent of the module's Web Crypto signer.
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signUrl } from "../mod.ts";
import { createSigningKey } from "../src/signing/keys.ts";
import type { PrivateKeyInput } from "../src/signing/keys/private-key.ts";
import { createEndpointSigner } from "../src/signing/sign.ts";
import { derOf, HTX_VECTOR, pemOf, SIGNING_TEXTS, TEST_KEY, withPublicKey } from "./fixtures-ed25519/vectors.ts";

const HTX_PEM = pemOf(HTX_VECTOR.pkcs8);
const BATCH_CANCEL = "https://api.huobi.pro/v1/order/orders/batchcancel";

/** node:crypto's Ed25519 signature of `text`, as standard base64. */
function expectedSignature(pem: string, text: string): string {
  return nodeSign(null, Buffer.from(text, "utf8"), createPrivateKey(pem)).toString("base64");
}

/** Every form of one key the module takes, made from its PEM. */
function forms(pem: string): [string, () => PrivateKeyInput | Promise<PrivateKeyInput>][] {
  const der = derOf(pem);
  return [
    ["PEM text", () => pem],
    ["PEM with CRLF, indentation and surrounding blank lines", () => `\r\n\t${pem.replace(/\n/g, "\r\n  ")}\r\n\n`],
    ["PEM kept in a one-line secret, newlines as \\n escapes", () => pem.trim().replace(/\n/g, "\\n")],
    ["PEM kept in a one-line secret, newlines as spaces", () => pem.trim().replace(/\n/g, " ")],
    ["DER as a Uint8Array", () => der],
    ["DER as an ArrayBuffer", () => der.slice().buffer],
    ["DER inside a larger buffer (a view with an offset)", () => {
      const big = new Uint8Array(der.length + 20);
      big.set(der, 7);
      return big.subarray(7, 7 + der.length);
    }],
    ["DER as a Node Buffer", () => Buffer.from(der)],
    ["PKCS#8 v2 DER, with the public key (RFC 8410)", () => withPublicKey(pem)],
    ["a non-extractable CryptoKey", () => crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"])],
  ];
}

const KEYS: [string, string][] = [["HTX's vector key", HTX_PEM], ["the project's test key", TEST_KEY.pem]];

describe("Ed25519 test material", () => {
  it("node:crypto reproduces HTX's public vector, so it can judge the module's signatures", () => {
    expect(expectedSignature(HTX_PEM, HTX_VECTOR.text)).toBe(HTX_VECTOR.signature);
    const x = createPublicKey(HTX_PEM).export({ format: "jwk" }).x!;
    expect(Buffer.from(x, "base64url").toString("base64")).toBe(HTX_VECTOR.publicKey);
  });

  it("the test key's public halves are the ones openssl printed", () => {
    const x = createPublicKey(TEST_KEY.pem).export({ format: "jwk" }).x!;
    expect(Buffer.from(x, "base64url").toString("base64")).toBe(TEST_KEY.publicRaw);
    expect(createPublicKey(TEST_KEY.pem).export({ format: "pem", type: "spki" })).toBe(TEST_KEY.publicPem);
  });
});

describe("an Ed25519 signing key", () => {
  it("signs HTX's public vector", async () => {
    const key = createSigningKey({ accessKey: "access", privateKey: HTX_PEM });
    expect(key.method).toBe("Ed25519");
    expect(await key.sign(HTX_VECTOR.text)).toBe(HTX_VECTOR.signature);
  });

  describe.each(KEYS)("%s", (_, pem) => {
    it.each(forms(pem))("given as %s, signs every text as node:crypto does", async (_, form) => {
      const key = createSigningKey({ accessKey: "access", privateKey: await form() });
      await key.ready();
      for (const text of SIGNING_TEXTS) expect(await key.sign(text)).toBe(expectedSignature(pem, text));
    });
  });

  it("gives 64-byte signatures as 88 characters of padded base64 that the public key verifies", async () => {
    const key = createSigningKey({ accessKey: "access", privateKey: TEST_KEY.pem });
    const signature = await key.sign(SIGNING_TEXTS[1]);
    expect(signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    const publicKey = createPublicKey(TEST_KEY.publicPem);
    expect(nodeVerify(null, Buffer.from(SIGNING_TEXTS[1]), publicKey, Buffer.from(signature, "base64"))).toBe(true);
  });

  it("keeps signing with the key it was given when the caller's DER bytes change afterwards", async () => {
    const der = derOf(TEST_KEY.pem);
    const key = createSigningKey({ accessKey: "access", privateKey: der });
    der.fill(0);
    expect(await key.sign(SIGNING_TEXTS[0])).toBe(expectedSignature(TEST_KEY.pem, SIGNING_TEXTS[0]));
  });
});

describe("signUrl with a privateKey", () => {
  it("signs with SignatureMethod=Ed25519, the signature percent-encoded after the query it signed", async () => {
    const url = await signUrl({
      method: "POST",
      url: BATCH_CANCEL,
      accessKey: "access",
      privateKey: TEST_KEY.pem,
      timestamp: new Date("2019-11-21T10:00:00Z"),
    });
    const signature = expectedSignature(TEST_KEY.pem, SIGNING_TEXTS[1]);
    expect(signature).toBe("FcjeQ6hQFRzxpbiTDi3AJQWi/jVL5IqLbiGFsgkZpN420kZ/IRC0oQe4pQS7l8xSZj86Oz69b+SYBTtphk5dBg==");
    expect(url).toBe(
      `${BATCH_CANCEL}?AccessKeyId=access&SignatureMethod=Ed25519&SignatureVersion=2` +
        `&Timestamp=2019-11-21T10%3A00%3A00&Signature=${encodeURIComponent(signature)}`,
    );
  });

  it("signs a GET's own query parameters, sorted with the auth parameters, on the host and port it names", async () => {
    const url = await signUrl({
      method: "GET",
      url: "http://127.0.0.1:8080/v1/order/openOrders?symbol=btcusdt",
      accessKey: "ключ",
      privateKey: derOf(TEST_KEY.pem),
      timestamp: Date.UTC(2099, 0, 1),
    });
    expect(new URL(url).searchParams.get("Signature")).toBe(expectedSignature(TEST_KEY.pem, SIGNING_TEXTS[3]));
  });
});

describe("the endpoint signer with an Ed25519 key (what HtxClient will use)", () => {
  it("signs exactly as signUrl does, at any time", async () => {
    const key = createSigningKey({ accessKey: "access", privateKey: TEST_KEY.pem });
    const sign = createEndpointSigner("POST", BATCH_CANCEL, "access", key);
    for (const time of [0, Date.UTC(2019, 10, 21, 10), Date.UTC(2026, 10, 26, 23, 59, 59, 999), Date.UTC(2099, 0, 1)]) {
      const expected = await signUrl({
        method: "POST",
        url: BATCH_CANCEL,
        accessKey: "access",
        privateKey: TEST_KEY.pem,
        timestamp: time,
      });
      expect(await sign(time)).toBe(expected);
    }
  });

  it("4,000 concurrent signatures over 4 second boundaries each verify for the URL they return", async () => {
    const key = createSigningKey({ accessKey: "access", privateKey: TEST_KEY.pem });
    const sign = createEndpointSigner("POST", BATCH_CANCEL, "access", key);
    const start = Date.UTC(2026, 10, 30, 12, 0, 0, 0);
    const times = Array.from({ length: 4000 }, (_, i) => start + (i % 4) * 1000 + ((i * 7) % 1000));
    const urls = await Promise.all(times.map((t) => sign(t)));
    const publicKey = createPublicKey(TEST_KEY.publicPem);
    const mismatched = urls.filter((signed) => {
      const url = new URL(signed);
      const query = url.search.slice(1).split("&").filter((pair) => !pair.startsWith("Signature=")).join("&");
      const text = Buffer.from(`POST\n${url.host}\n${url.pathname}\n${query}`);
      return !nodeVerify(null, text, publicKey, Buffer.from(url.searchParams.get("Signature")!, "base64"));
    });
    const wrongSecond = urls.filter((url, i) =>
      new URL(url).searchParams.get("Timestamp") !== new Date(times[i]!).toISOString().slice(0, 19)
    );
    expect({ mismatched: mismatched.length, wrongSecond: wrongSecond.length }).toEqual({
      mismatched: 0,
      wrongSecond: 0,
    });
    // 4,000 Web Crypto signatures and verifications: a correctness test, not a timing one, so it
    // gets room for a loaded machine (5 s was exceeded under load on 2 cores).
  }, 60_000);
});
