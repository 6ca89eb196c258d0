import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type HmacBackend, HtxInputError, nativeHmac, nobleHmac, signUrl, webCryptoHmac } from "../mod.ts";
import { toBase64 } from "../src/signing/hmac.ts";
import {
  canonicalQuery,
  createEndpointSigner,
  formatTimestamp,
  percentEncode,
  preSignedText,
} from "../src/signing/sign.ts";

/** The known-answer vectors of htx-reference.md, each reproduced independently there. */
const VECTORS = [
  [
    "secret",
    "GET\napi.huobi.pro\n/v1/account/history\naccount-id=1&currency=btcusdt",
    "HUP3n78npIuTzVKyjEOrPictRKEUTRoYs7Ld5y38hmA=",
  ],
  [
    "secret",
    "GET\napi.huobi.pro\n/v1/account/accounts\nAccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00",
    "rWnLcMt3XBAsmXoNHtTQVpvMbH/cE1PXFwQAGeYwt3s=",
  ],
  [
    "secret",
    "GET\napi.huobi.pro\n/v1/account/history\nAccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00&account-id=123&currency=btc",
    "SGZYJ9Ub/hFerEBbSWsCxl8Djk+LRBgEZOB4fLc4T9Q=",
  ],
  [
    "12345-67890-12345-67890",
    "GET\napi.huobi.pro\n/v1/account/accounts\nAccessKeyId=abcdefg-hijklmn-opqrst-uvwxyz&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2020-04-01T12%3A34%3A56",
    "3IUZcEak4IIRrh7/idFrP2Jj77MaWGXR/oQbe9gL4+I=",
  ],
  [
    "456",
    "GET\nhost\n/url\nAccessKeyId=123&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=123",
    "Hhiaq8xYQPiBZOyWV37MdQutLo4f0ZOHiJtG3p+nILc=",
  ],
  [
    "secret",
    "POST\napi.huobi.pro\n/v1/order/orders/batchcancel\nAccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00",
    "9yf9+1LJD8Bv0r1iDtdZJ9dDiW6LKmryEYi7+EtOEE4=",
  ],
  [
    "secret",
    "POST\napi-aws.huobi.pro\n/v1/order/orders/batchcancel\nAccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00",
    "bhdKz16UUS6l8hQq7oEjDMdYxethSit942niaTt6yVI=",
  ],
] as const;

/** Vectors whose whole URL can be rebuilt, to drive signUrl end to end. */
const URL_VECTORS = [
  {
    accessKey: "access",
    secret: "secret",
    method: "GET",
    url: "https://api.huobi.pro/v1/account/accounts",
    time: "2019-11-21T10:00:00Z",
    signature: VECTORS[1][2],
  },
  {
    accessKey: "access",
    secret: "secret",
    method: "GET",
    url: "https://api.huobi.pro/v1/account/history?currency=btc&account-id=123",
    time: "2019-11-21T10:00:00Z",
    signature: VECTORS[2][2],
  },
  {
    accessKey: "abcdefg-hijklmn-opqrst-uvwxyz",
    secret: "12345-67890-12345-67890",
    method: "GET",
    url: "https://api.huobi.pro/v1/account/accounts",
    time: "2020-04-01T12:34:56Z",
    signature: VECTORS[3][2],
  },
  {
    accessKey: "access",
    secret: "secret",
    method: "POST",
    url: "https://api.huobi.pro/v1/order/orders/batchcancel",
    time: "2019-11-21T10:00:00Z",
    signature: VECTORS[5][2],
  },
  {
    accessKey: "access",
    secret: "secret",
    method: "POST",
    url: "https://API-AWS.huobi.pro/v1/order/orders/batchcancel",
    time: "2019-11-21T10:00:00Z",
    signature: VECTORS[6][2],
  },
];

const BACKENDS: HmacBackend[] = [webCryptoHmac, nobleHmac, nativeHmac];

function nodeHmac(secret: string, text: string): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(text, "utf8").digest("base64");
}

describe.each(BACKENDS)("the $name HMAC backend", (backend) => {
  it.each(VECTORS)("signs the known-answer vector with secret %j", async (secret, text, signature) => {
    expect(toBase64(await backend.keyed(secret)(text))).toBe(signature);
  });

  it.each(URL_VECTORS)("signUrl reproduces $signature for $method $url", async (vector) => {
    const signed = await signUrl({
      method: vector.method,
      url: vector.url,
      accessKey: vector.accessKey,
      secretKey: vector.secret,
      timestamp: new Date(vector.time),
      hmac: backend,
    });
    expect(new URL(signed).searchParams.get("Signature")).toBe(vector.signature);
  });

  it.each([
    ["non-ASCII secret", "sécret-ключ-秘密", "POST\napi.huobi.pro\n/v1/order/orders/batchcancel\nx=1"],
    ["emoji secret (astral plane)", "🔑secret🚀", "GET\nhost\n/url\na=b"],
    ["secret longer than the SHA-256 block", "k".repeat(200), "GET\nhost\n/url\na=b"],
    ["non-ASCII text", "secret", "GET\nhost\n/pfad\nname=%C3%BCber"],
  ])("agrees with node:crypto for a %s", async (_, secret, text) => {
    expect(toBase64(await backend.keyed(secret)(text))).toBe(nodeHmac(secret, text));
  });

  it("reuses one prepared key for many texts", async () => {
    const mac = backend.keyed("secret");
    expect(toBase64(await mac(VECTORS[5][1]))).toBe(VECTORS[5][2]);
    expect(toBase64(await mac(VECTORS[6][1]))).toBe(VECTORS[6][2]);
    expect(toBase64(await mac(VECTORS[5][1]))).toBe(VECTORS[5][2]);
  });
});

describe("Signature V2 steps", () => {
  it("formats the timestamp as YYYY-MM-DDThh:mm:ss in UTC, without milliseconds or Z", () => {
    expect(formatTimestamp(Date.UTC(2019, 10, 21, 10, 0, 0, 999))).toBe("2019-11-21T10:00:00");
    expect(formatTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe("2026-01-02T03:04:05");
  });

  it("percent-encodes UTF-8 with upper-case hex, space as %20, leaving only unreserved characters", () => {
    expect(percentEncode("2019-11-21T10:00:00")).toBe("2019-11-21T10%3A00%3A00");
    expect(percentEncode("a b+c/d=e")).toBe("a%20b%2Bc%2Fd%3De");
    expect(percentEncode("AZaz09-_.~")).toBe("AZaz09-_.~");
    expect(percentEncode("!'()*")).toBe("%21%27%28%29%2A");
    expect(percentEncode("ü€")).toBe("%C3%BC%E2%82%AC");
  });

  it("sorts encoded names in ASCII order, upper case before lower case", () => {
    expect(canonicalQuery([["b", "1"], ["a", "2"], ["B", "3"], ["Timestamp", "x"], ["AccessKeyId", "k"]]))
      .toBe("AccessKeyId=k&B=3&Timestamp=x&a=2&b=1");
  });

  it("builds the text as METHOD\\nhost\\npath\\nquery with a lower-case host and no trailing newline", () => {
    expect(preSignedText("post", "API.Huobi.PRO", "/v1/x", "a=1")).toBe("POST\napi.huobi.pro\n/v1/x\na=1");
  });

  it("signs the host with its port when the URL names one", async () => {
    const signed = await signUrl({
      method: "POST",
      url: "http://127.0.0.1:8080/v1/order/orders/batchcancel",
      accessKey: "access",
      secretKey: "secret",
      timestamp: new Date("2019-11-21T10:00:00Z"),
    });
    const text = "POST\n127.0.0.1:8080\n/v1/order/orders/batchcancel\n" +
      "AccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00";
    expect(new URL(signed).searchParams.get("Signature")).toBe(nodeHmac("secret", text));
  });

  it("appends the Signature percent-encoded, after the sorted query it signed", async () => {
    const signed = await signUrl({
      ...URL_VECTORS[3]!,
      secretKey: "secret",
      timestamp: new Date(URL_VECTORS[3]!.time),
    });
    expect(signed).toBe(
      "https://api.huobi.pro/v1/order/orders/batchcancel?AccessKeyId=access&SignatureMethod=HmacSHA256" +
        "&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00&Signature=9yf9%2B1LJD8Bv0r1iDtdZJ9dDiW6LKmryEYi7%2BEtOEE4%3D",
    );
  });

  it("refuses empty credentials and invalid timestamps with HtxInputError", async () => {
    const base = { method: "GET", url: "https://api.huobi.pro/x", accessKey: "a", secretKey: "s", timestamp: 0 };
    await expect(signUrl({ ...base, secretKey: "" })).rejects.toThrow(HtxInputError);
    await expect(signUrl({ ...base, accessKey: "" })).rejects.toThrow(/accessKey must be a non-empty string/);
    await expect(signUrl({ ...base, timestamp: Number.NaN })).rejects.toThrow(/timestamp/);
    await expect(signUrl({ ...base, timestamp: new Date("nope") })).rejects.toThrow(HtxInputError);
    await expect(signUrl({ ...base, url: "x" })).rejects.toThrow(HtxInputError);
    await expect(signUrl({ ...base, url: "/v1/order/openOrders" })).rejects.toThrow(/url must be an absolute URL/);
  });
});

describe("the endpoint signer (what HtxClient uses)", () => {
  it.each([
    ["https://api.huobi.pro", "access", "secret"],
    ["https://API-AWS.huobi.pro", "abcdefg-hijklmn-opqrst-uvwxyz", "12345-67890-12345-67890"],
    ["http://127.0.0.1:8080", "ключ key+/=", "sécret 🔑"],
  ])("signs %s exactly as signUrl does, at any time", async (origin, accessKey, secretKey) => {
    const url = `${origin}/v1/order/orders/batchcancel`;
    const sign = createEndpointSigner("POST", url, accessKey, secretKey);
    for (const time of [0, Date.UTC(2019, 10, 21, 10), Date.UTC(2026, 10, 26, 23, 59, 59, 999), Date.UTC(2099, 0, 1)]) {
      expect(await sign(time)).toBe(await signUrl({ method: "POST", url, accessKey, secretKey, timestamp: time }));
    }
  });
});
