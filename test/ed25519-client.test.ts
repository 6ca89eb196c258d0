/**
 * HtxClient with an Ed25519 key (issue 14): the options take
 * exactly one of `secretKey` and `privateKey`; a key of the wrong kind is refused when the client
 * is built, a damaged one by `ready()` and the first call (the full reader loads with the engine);
 * a runtime that cannot sign with Ed25519 sends nothing and says why for every id; the private
 * key never shows in an error or an inspection, whatever form it was given in.
 */
import { Buffer } from "node:buffer";
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HtxClient, type HtxClientOptions, HtxInputError } from "../mod.ts";
import { derOf, TEST_KEY } from "./fixtures-ed25519/vectors.ts";
import { breakdown, everyRendering, idsOf, KEYS, leaks, okAnswer, recordingFetch, submitAllFetch } from "./helpers.ts";

const BASE_URL = "http://127.0.0.1:8080";
const IDS = Array.from({ length: 120 }, (_, i) => String(1000 + i));

afterEach(() => {
  vi.restoreAllMocks();
});

/** A client with the test key in `form` that records what it sends. */
function ed25519Client(privateKey: HtxClientOptions["privateKey"] = TEST_KEY.pem) {
  const { fetch, requests } = submitAllFetch();
  const htx = new HtxClient({ accessKey: KEYS.accessKey, privateKey: privateKey!, baseUrl: BASE_URL, fetch });
  return { htx, requests };
}

/** Whether the test key's public half verifies a signed URL's Signature over the URL's own text. */
function verifies(signed: string): boolean {
  const url = new URL(signed);
  const query = url.search.slice(1).split("&").filter((pair) => !pair.startsWith("Signature=")).join("&");
  const text = Buffer.from(`POST\n${url.host}\n${url.pathname}\n${query}`);
  const signature = Buffer.from(url.searchParams.get("Signature")!, "base64");
  return nodeVerify(null, text, createPublicKey(TEST_KEY.publicPem), signature);
}

describe("HtxClient options with a privateKey", () => {
  it("signs every request with SignatureMethod=Ed25519, verified by the public key", async () => {
    const { htx, requests } = ed25519Client();
    expect(breakdown(await htx.batchCancel({ orderIds: IDS }))).toEqual({ success: 120, failed: {}, unresolved: {} });
    expect(requests.map((r) => new URL(r.url).searchParams.get("SignatureMethod"))).toEqual([
      "Ed25519",
      "Ed25519",
      "Ed25519",
    ]);
    expect(requests.map((r) => verifies(r.url))).toEqual([true, true, true]);
  });

  it.each<[string, () => HtxClientOptions["privateKey"] | Promise<HtxClientOptions["privateKey"]>]>([
    ["DER bytes", () => derOf(TEST_KEY.pem)],
    ["a CryptoKey", () => crypto.subtle.importKey("pkcs8", derOf(TEST_KEY.pem), { name: "Ed25519" }, false, ["sign"])],
  ])("takes the key as %s", async (_, form) => {
    const { htx, requests } = ed25519Client(await form());
    expect(breakdown(await htx.batchCancel({ orderIds: ["1"] }))).toEqual({ success: 1, failed: {}, unresolved: {} });
    expect(verifies(requests[0]!.url)).toBe(true);
  });

  it("keeps the key it was given: wiping or reusing the caller's buffer after new HtxClient changes nothing", async () => {
    const buffer = derOf(TEST_KEY.pem);
    const { htx, requests } = ed25519Client(buffer);
    // The key is read in full on first use: by then the buffer holds zeros, then another key.
    buffer.fill(0);
    buffer.set(derOf(TEST_KEY.pem).map((byte, i) => (i >= 16 ? byte ^ 0xff : byte)));
    expect(breakdown(await htx.batchCancel({ orderIds: ["1"] }))).toEqual({ success: 1, failed: {}, unresolved: {} });
    expect(requests.map((r) => verifies(r.url))).toEqual([true]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "both secretKey and privateKey",
      { ...KEYS, privateKey: TEST_KEY.pem },
      /either secretKey .* or privateKey .*not both/,
    ],
    ["neither", { accessKey: KEYS.accessKey }, /secretKey must be a non-empty string \(got undefined\)/],
    [
      "the public key as privateKey",
      { accessKey: KEYS.accessKey, privateKey: TEST_KEY.publicPem },
      /this is a public key/,
    ],
    ["an empty privateKey", { accessKey: KEYS.accessKey, privateKey: "" }, /privateKey must be PEM text/],
  ])("refuses %s when the client is built, with an HtxInputError", (_, credentials, message) => {
    const build = () => new HtxClient({ ...credentials, baseUrl: BASE_URL } as HtxClientOptions);
    expect(build).toThrow(HtxInputError);
    expect(build).toThrow(message);
  });

  it("types both forms, and not both at once, which is refused at run time too", () => {
    const hmac: HtxClientOptions = { ...KEYS, baseUrl: BASE_URL };
    const ed25519: HtxClientOptions = { accessKey: KEYS.accessKey, privateKey: TEST_KEY.pem, baseUrl: BASE_URL };
    // @ts-expect-error: an API key signs with one method (checked by tsc -p tsconfig.node.json)
    const both: HtxClientOptions = { ...KEYS, privateKey: TEST_KEY.pem, baseUrl: BASE_URL };
    expect([new HtxClient(hmac), new HtxClient(ed25519)]).toHaveLength(2);
    expect(() => new HtxClient(both)).toThrow(/not both/);
  });
});

describe("a runtime whose Web Crypto cannot sign with Ed25519", () => {
  it("sends nothing and reports every id unresolved, not applied, saying why", async () => {
    vi.spyOn(crypto.subtle, "importKey").mockRejectedValue(new DOMException("Unrecognized name.", "NotSupportedError"));
    const { htx, requests } = ed25519Client();
    const result = await htx.batchCancel({ orderIds: IDS });
    expect(breakdown(result)).toEqual({ success: 0, failed: {}, unresolved: { "HtxError:not-applied": 120 } });
    expect(requests).toEqual([]);
    expect(result.unresolved[0]!.error.message).toMatch(
      /Signing the request failed \(Ed25519 through Web Crypto: This runtime's Web Crypto does not support Ed25519: use Node 20\+, Deno, Bun or Cloudflare Workers, or an HmacSHA256 secretKey\.\); these ids were not sent\./,
    );
  });
});

describe("HtxClient.ready(): the key checked at start-up", () => {
  it("resolves for a usable key, HmacSHA256 or Ed25519, sending nothing", async () => {
    const { htx, requests } = ed25519Client();
    await expect(htx.ready()).resolves.toBeUndefined();
    await expect(new HtxClient({ ...KEYS, baseUrl: BASE_URL }).ready()).resolves.toBeUndefined();
    expect(requests).toEqual([]);
  });

  it("rejects with the HtxInputError of the key's import on a runtime without Web Crypto Ed25519", async () => {
    vi.spyOn(crypto.subtle, "importKey").mockRejectedValue(new DOMException("Unrecognized name.", "NotSupportedError"));
    const { htx, requests } = ed25519Client();
    const error = await htx.ready().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HtxInputError);
    expect((error as Error).message).toMatch(/This runtime's Web Crypto does not support Ed25519: use Node 20\+/);
    expect(leaks(everyRendering(error), [], TEST_KEY.pem)).toEqual([]);
    expect(requests).toEqual([]);
  });

  it.each<[string, () => Uint8Array | string, RegExp]>([
    ["DER cut short", () => derOf(TEST_KEY.pem).slice(0, 40), /privateKey: the DER is not a valid DER key/],
    ["a PEM whose base64 is damaged", () => TEST_KEY.pem.replace("MC4C", "MC4!"), /not a valid PEM private key/],
    ["unknown fields after the private key", () => {
      const der = derOf(TEST_KEY.pem);
      // The outer SEQUENCE one byte longer, ending in an unknown [5] field of length 0.
      return Uint8Array.from([0x30, der[1]! + 2, ...der.slice(2), 0x85, 0x00]);
    }, /unknown fields after the private key/],
  ])(
    "takes a damaged key of the right kind (%s) at once, then ready() and every call refuse it, sending nothing",
    async (_, key, message) => {
      const { htx, requests } = ed25519Client(key());
      for (const call of [() => htx.ready(), () => htx.batchCancel({ orderIds: IDS }), () => htx.ready()]) {
        const error = await call().then(() => undefined, (caught: unknown) => caught);
        expect(error).toBeInstanceOf(HtxInputError);
        expect((error as Error).message).toMatch(message);
      }
      expect(requests).toEqual([]);
    },
  );

  it("imports the key once per client: the cancels and the listings share it", async () => {
    const importKey = vi.spyOn(crypto.subtle, "importKey");
    const stub = recordingFetch(async (request) =>
      request.method === "GET" ? Response.json({ status: "ok", data: [] }) : okAnswer(await idsOf(request))
    );
    const htx = new HtxClient({
      accessKey: KEYS.accessKey,
      privateKey: TEST_KEY.pem,
      baseUrl: BASE_URL,
      fetch: stub.fetch,
    });
    await htx.batchCancel({ orderIds: ["1"] });
    await htx.listOpenOrders({ accountId: "10000001" });
    expect(stub.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
    expect(importKey).toHaveBeenCalledTimes(1);
  });

  it("a listing that cannot be signed says why, as a cancel does", async () => {
    vi.spyOn(crypto.subtle, "importKey").mockRejectedValue(new DOMException("Unrecognized name.", "NotSupportedError"));
    const { htx, requests } = ed25519Client();
    const error = await htx.listOpenOrders({ accountId: "10000001" }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /Signing the listing failed \(Ed25519 through Web Crypto: This runtime's Web Crypto does not support Ed25519: .*\); nothing was sent\./,
    );
    expect(requests).toEqual([]);
  });
});

describe("the private key never shows", () => {
  it("not in the client's JSON or inspection, whatever form the key was given in", () => {
    for (const privateKey of [TEST_KEY.pem, derOf(TEST_KEY.pem)]) {
      const { htx } = ed25519Client(privateKey);
      expect(leaks(everyRendering(htx), [], TEST_KEY.pem)).toEqual([]);
    }
  });

  it("not in the error of a signature that failed, when the failure quotes the key in any form", async () => {
    const { htx } = ed25519Client();
    const body = TEST_KEY.pem.split("\n")[1]!;
    const seedHex = Buffer.from(derOf(TEST_KEY.pem).subarray(16)).toString("hex");
    vi.spyOn(crypto.subtle, "sign").mockRejectedValue(new Error(`cannot sign with ${body} (seed ${seedHex})`));
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(breakdown(result)).toEqual({ success: 0, failed: {}, unresolved: { "HtxError:not-applied": 1 } });
    const rendered = everyRendering(result.unresolved[0]!.error);
    expect(rendered).toContain("cannot sign with");
    expect(leaks(rendered, [], TEST_KEY.pem)).toEqual([]);
  });
});
