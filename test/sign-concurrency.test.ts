/**
 * Concurrent signing across second boundaries: every signed URL must carry exactly the timestamp
 * it was signed with. A signer that shared its per-second cache across an `await` once returned
 * URLs for second S+1 signed over second S, which HTX refuses as "Verification failure".
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type HmacBackend, HtxClient, nativeHmac, nobleHmac, webCryptoHmac } from "../mod.ts";
import { createEndpointSigner } from "../src/signing/sign.ts";
import { createHtxSimulator, DEMO_ACCOUNT } from "../src/testing/mod.ts";
import { TEST_KEY } from "./fixtures-ed25519/vectors.ts";
import { breakdown } from "./helpers.ts";

const ORIGIN = "http://127.0.0.1:8080";
const PATH = "/v1/order/orders/batchcancel";

/** Web Crypto with a random extra delay per signature, so calls finish out of order. */
const shuffledHmac: HmacBackend = {
  name: "webcrypto, out of order",
  keyed(secret) {
    const sign = webCryptoHmac.keyed(secret);
    return async (text) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      return sign(text);
    };
  },
};

/** Recomputes a signed URL's signature from the URL alone, with node:crypto. */
function signatureMatches(signed: string, secret: string): boolean {
  const url = new URL(signed);
  const query = url.search.slice(1).split("&").filter((pair) => !pair.startsWith("Signature=")).join("&");
  const text = `POST\n${url.host}\n${url.pathname}\n${query}`;
  const expected = createHmac("sha256", secret).update(text).digest("base64");
  return url.searchParams.get("Signature") === expected;
}

const BACKENDS = [nativeHmac, webCryptoHmac, nobleHmac, shuffledHmac];

describe("concurrent signing across second boundaries", () => {
  it.each(BACKENDS.map((backend) => [backend.name, backend] as const))(
    "%s: 4,000 concurrent signatures over 4 boundaries each match the URL they return",
    async (_name, backend) => {
      const sign = createEndpointSigner("POST", `${ORIGIN}${PATH}`, "access", "secret", backend);
      const start = Date.UTC(2026, 10, 30, 12, 0, 0, 0);
      // Times jump back and forth across boundaries, as concurrent callers' clocks read do.
      const times = Array.from({ length: 4000 }, (_, i) => start + (i % 4) * 1000 + ((i * 7) % 1000));
      const urls = await Promise.all(times.map((t) => sign(t)));
      const mismatched = urls.filter((url) => !signatureMatches(url, "secret"));
      const wrongSecond = urls.filter((url, i) =>
        new URL(url).searchParams.get("Timestamp") !== new Date(times[i]!).toISOString().slice(0, 19)
      );
      expect({ mismatched: mismatched.length, wrongSecond: wrongSecond.length }).toEqual({
        mismatched: 0,
        wrongSecond: 0,
      });
    },
  );

  it.each(BACKENDS.map((backend) => [backend.name, backend] as const))(
    "%s: HtxClient with a clock stepping 1 ms per read from …:00.970 sends only valid signatures",
    async (_name, backend) => {
      let t = Date.UTC(2026, 10, 30, 12, 0, 0, 970);
      const now = () => t++;
      const orders = Array.from(
        { length: 5000 },
        (_, i) => ({ uid: 1, orderId: String(1000 + i), state: "submitted" as const }),
      );
      const sim = createHtxSimulator({ orders, now, rateLimit: { limit: 1_000 } });
      const htx = new HtxClient({
        ...DEMO_ACCOUNT,
        baseUrl: ORIGIN,
        fetch: sim.fetch,
        now,
        rateLimit: false,
        hmac: backend,
      });
      const result = await htx.batchCancel({ orderIds: orders.map((o) => o.orderId) });
      expect({ result: breakdown(result), rejections: sim.stats.rejections }).toEqual({
        result: { success: orders.length, failed: {}, unresolved: {} },
        rejections: {},
      });
    },
  );

  it("Ed25519: HtxClient with a clock stepping 1 ms per read from …:00.970 sends only valid signatures", async () => {
    let t = Date.UTC(2026, 10, 30, 12, 0, 0, 970);
    const now = () => t++;
    const orders = Array.from(
      { length: 5000 },
      (_, i) => ({ uid: 1, orderId: String(1000 + i), state: "submitted" as const }),
    );
    const account = { uid: 1, accessKey: "ed25519-access-key", publicKey: TEST_KEY.publicPem };
    const sim = createHtxSimulator({ accounts: [account], orders, now, rateLimit: { limit: 1_000 } });
    const htx = new HtxClient({
      accessKey: account.accessKey,
      privateKey: TEST_KEY.pem,
      baseUrl: ORIGIN,
      fetch: sim.fetch,
      now,
      rateLimit: false,
    });
    const result = await htx.batchCancel({ orderIds: orders.map((o) => o.orderId) });
    expect({ result: breakdown(result), rejections: sim.stats.rejections }).toEqual({
      result: { success: orders.length, failed: {}, unresolved: {} },
      rejections: {},
    });
  });
});
