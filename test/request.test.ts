import { Buffer } from "node:buffer";
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createBatchCancelRequest, HtxInputError, signUrl } from "../mod.ts";
import { derOf, TEST_KEY } from "./fixtures-ed25519/vectors.ts";
import { KEYS } from "./helpers.ts";

const AT = Date.UTC(2026, 10, 26, 12, 0, 0);

describe("createBatchCancelRequest", () => {
  it("builds POST /v1/order/orders/batchcancel with the four auth parameters and the Signature", async () => {
    const request = await createBatchCancelRequest({ orderIds: ["357631450723117"] }, KEYS, { timestamp: AT });
    expect(request.method).toBe("POST");
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe("https://api.huobi.pro/v1/order/orders/batchcancel");
    expect([...url.searchParams.keys()]).toEqual([
      "AccessKeyId",
      "SignatureMethod",
      "SignatureVersion",
      "Timestamp",
      "Signature",
    ]);
    expect(url.searchParams.get("AccessKeyId")).toBe(KEYS.accessKey);
    expect(url.searchParams.get("SignatureMethod")).toBe("HmacSHA256");
    expect(url.searchParams.get("SignatureVersion")).toBe("2");
    expect(url.searchParams.get("Timestamp")).toBe("2026-11-26T12:00:00");
    expect(url.searchParams.get("Signature")).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it("carries the same signature signUrl computes for that URL and time", async () => {
    const request = await createBatchCancelRequest({ orderIds: ["1"] }, KEYS, { timestamp: AT });
    const signed = await signUrl({
      method: "POST",
      url: "https://api.huobi.pro/v1/order/orders/batchcancel",
      ...KEYS,
      timestamp: AT,
    });
    expect(request.url).toBe(signed);
  });

  it("sends Content-Type application/json and never follows redirects", async () => {
    const request = await createBatchCancelRequest({ orderIds: ["1"] }, KEYS);
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(request.redirect).toBe("manual");
  });

  it("sends order ids as an array of strings under order-ids", async () => {
    const request = await createBatchCancelRequest({ orderIds: ["1", 22n, "333"] }, KEYS);
    expect(await request.text()).toBe('{"order-ids":["1","22","333"]}');
  });

  it("sends client ids under client-order-ids", async () => {
    const request = await createBatchCancelRequest({ clientOrderIds: ["a-1", "b_2"] }, KEYS);
    expect(await request.text()).toBe('{"client-order-ids":["a-1","b_2"]}');
  });

  it("signs the host it is sent to, port included", async () => {
    const request = await createBatchCancelRequest({ orderIds: ["1"] }, KEYS, {
      baseUrl: "http://127.0.0.1:9999",
      timestamp: AT,
    });
    expect(request.url.startsWith("http://127.0.0.1:9999/v1/order/orders/batchcancel?")).toBe(true);
    const other = await createBatchCancelRequest({ orderIds: ["1"] }, KEYS, {
      baseUrl: "http://127.0.0.1:9998",
      timestamp: AT,
    });
    expect(new URL(request.url).searchParams.get("Signature")).not.toBe(
      new URL(other.url).searchParams.get("Signature"),
    );
  });

  it("takes at most 50 ids and points to batchCancel for more", async () => {
    const ids = Array.from({ length: 51 }, (_, i) => String(i + 1));
    await expect(createBatchCancelRequest({ orderIds: ids.slice(0, 50) }, KEYS)).resolves.toBeInstanceOf(Request);
    await expect(createBatchCancelRequest({ orderIds: ids }, KEYS)).rejects.toThrow(
      /at most 50 ids, got 51: use\s+HtxClient.batchCancel/,
    );
  });

  it("refuses bad credentials and base URLs with HtxInputError", async () => {
    await expect(createBatchCancelRequest({ orderIds: ["1"] }, { accessKey: "", secretKey: "s" })).rejects.toThrow(
      HtxInputError,
    );
    await expect(createBatchCancelRequest({ orderIds: ["1"] }, KEYS, { baseUrl: "http://example.com" })).rejects
      .toThrow(/https/);
  });

  it.each([
    ["PEM text", TEST_KEY.pem],
    ["DER bytes", derOf(TEST_KEY.pem)],
  ])(
    "signs with an Ed25519 privateKey given as %s: the URL signUrl makes, verified by the public key",
    async (_, key) => {
      const credentials = { accessKey: KEYS.accessKey, privateKey: key };
      const request = await createBatchCancelRequest({ orderIds: ["1"] }, credentials, { timestamp: AT });
      const url = new URL(request.url);
      expect(url.searchParams.get("SignatureMethod")).toBe("Ed25519");
      const method = "POST";
      expect(request.url).toBe(
        await signUrl({ method, url: url.origin + url.pathname, ...credentials, timestamp: AT }),
      );
      const text = `POST\n${url.host}\n${url.pathname}\n${url.search.slice(1).replace(/&Signature=.*$/, "")}`;
      const signature = Buffer.from(url.searchParams.get("Signature")!, "base64");
      expect(nodeVerify(null, Buffer.from(text), createPublicKey(TEST_KEY.publicPem), signature)).toBe(true);
    },
  );

  it("refuses both a secretKey and a privateKey, before signing", async () => {
    await expect(createBatchCancelRequest({ orderIds: ["1"] }, { ...KEYS, privateKey: TEST_KEY.pem } as never)).rejects
      .toThrow(/either secretKey .* or privateKey .*not both/);
  });
});
