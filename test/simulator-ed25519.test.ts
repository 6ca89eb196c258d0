/**
 * The simulator's Ed25519 API keys (issue 14): an account holds only the public key (SPKI PEM or
 * raw base64), and signatures are checked with Web Crypto's verify under the same rules as
 * HMAC (time window, host, encoding, every query parameter). The requests here are signed with
 * node:crypto, apart from both the client's signer and the simulator's check.
 */
import { Buffer } from "node:buffer";
import { createHmac, createPrivateKey, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HtxClient, HtxInputError } from "../mod.ts";
import { createHtxSimulator, DEMO_ACCOUNT, demoOrders, type SimulatedAccount } from "../src/testing/mod.ts";
import { HTX_VECTOR, pemOf, TEST_KEY } from "./fixtures-ed25519/vectors.ts";
import { breakdown } from "./helpers.ts";
import { answer, BATCH_CANCEL, OPEN_ORDERS, order, ORIGIN } from "./simulator-requests.ts";

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const ED25519_ACCOUNT = { uid: 1, accessKey: "ed25519-access-key", publicKey: TEST_KEY.publicPem };

/** node:crypto's Ed25519 signature of a text, base64, with the test key unless told. */
const ed25519 = (pem: string = TEST_KEY.pem) => (text: string) =>
  nodeSign(null, Buffer.from(text, "utf8"), createPrivateKey(pem)).toString("base64");

interface Forge {
  method?: "GET" | "POST";
  path?: string;
  query?: Record<string, string>;
  accessKey?: string;
  signatureMethod?: string;
  timestamp?: number;
  /** The host the text is signed for; default the one the request goes to. */
  signedHost?: string;
  sign?: (text: string) => string;
  /** Puts the signature in the URL as it is, without percent-encoding. */
  rawSignature?: boolean;
}

/** A request signed with node:crypto (or `sign`) over HTX's Signature V2 text. */
function forged(options: Forge = {}): Request {
  const method = options.method ?? "POST";
  const path = options.path ?? (method === "GET" ? OPEN_ORDERS : BATCH_CANCEL);
  const params: Record<string, string> = {
    ...options.query,
    AccessKeyId: options.accessKey ?? ED25519_ACCOUNT.accessKey,
    SignatureMethod: options.signatureMethod ?? "Ed25519",
    SignatureVersion: "2",
    Timestamp: new Date(options.timestamp ?? T0).toISOString().slice(0, 19),
  };
  // The values here need nothing beyond encodeURIComponent; sorted by encoded name, as HTX does.
  const query = Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).sort()
    .join("&");
  const host = new URL(ORIGIN).host;
  const signature = (options.sign ?? ed25519())(`${method}\n${options.signedHost ?? host}\n${path}\n${query}`);
  const encoded = options.rawSignature ? signature : encodeURIComponent(signature);
  const url = `${ORIGIN}${path}?${query}&Signature=${encoded}`;
  if (method === "GET") return new Request(url);
  const body = JSON.stringify({ "order-ids": ["1"] });
  return new Request(url, { method, headers: { "Content-Type": "application/json" }, body });
}

function simulator(account: SimulatedAccount = ED25519_ACCOUNT) {
  return createHtxSimulator({ now: () => T0, accounts: [account], orders: [order("1", "submitted")] });
}

describe("simulator: Ed25519 API keys", () => {
  it.each([
    ["SPKI PEM", TEST_KEY.publicPem],
    ["raw 32 bytes as base64", TEST_KEY.publicRaw],
  ])("verifies a batch cancel signed by the private key whose public key it holds as %s", async (_, publicKey) => {
    const sim = simulator({ ...ED25519_ACCOUNT, publicKey });
    const { body } = await answer(sim, forged());
    expect(body).toEqual({ status: "ok", data: { success: ["1"], failed: [] } });
    expect(sim.getOrder(1, "1")?.state).toBe("cancelling");
  });

  it("verifies a signed GET over its whole query, business parameters included", async () => {
    const sim = simulator();
    const { body } = await answer(sim, forged({ method: "GET", query: { symbol: "btcusdt", size: "10" } }));
    expect(body.status).toBe("ok");
    expect((body.data as { id: number }[]).map((o) => String(o.id))).toEqual(["1"]);
  });

  it("serves an HMAC key and an Ed25519 key side by side, each only with its own method", async () => {
    const sim = createHtxSimulator({ now: () => T0, accounts: [DEMO_ACCOUNT, { ...ED25519_ACCOUNT, uid: 2 }] });
    const hmac = (text: string) => createHmac("sha256", DEMO_ACCOUNT.secretKey).update(text).digest("base64");
    const asHmacKey = { accessKey: DEMO_ACCOUNT.accessKey, signatureMethod: "HmacSHA256", sign: hmac };
    expect((await answer(sim, forged(asHmacKey))).body.status).toBe("ok");
    expect((await answer(sim, forged())).body.status).toBe("ok");
    expect(sim.stats.rejections).toEqual({});
    // Crossed: the HMAC key's AccessKeyId with an Ed25519 signature, the Ed25519 key's with an HMAC one.
    expect((await answer(sim, forged({ accessKey: DEMO_ACCOUNT.accessKey }))).body["err-code"]).toBe(
      "api-signature-not-valid",
    );
    expect((await answer(sim, forged({ ...asHmacKey, accessKey: ED25519_ACCOUNT.accessKey }))).body["err-code"])
      .toBe("api-signature-not-valid");
    expect(sim.stats.rejections).toEqual({ "bad-signature": 2 });
  });

  /** A timestamp whose signature has a `+`, which an unencoded query turns into a space. */
  const withPlus = (() => {
    for (let s = 0;; s++) {
      const request = forged({ timestamp: T0 - s * 1000 });
      if (decodeURIComponent(new URL(request.url).searchParams.get("Signature") ?? "").includes("+")) {
        return T0 - s * 1000;
      }
    }
  })();

  it.each<[string, Forge, string]>([
    ["signed by another Ed25519 key", { sign: ed25519(pemOf(HTX_VECTOR.pkcs8)) }, "bad-signature"],
    ["a signature cut to 63 bytes", {
      sign: (t) => Buffer.from(ed25519()(t), "base64").subarray(0, 63).toString("base64"),
    }, "bad-signature"],
    ["a signature padded to 65 bytes", {
      sign: (t) => Buffer.concat([Buffer.from(ed25519()(t), "base64"), Buffer.from([0])]).toString("base64"),
    }, "bad-signature"],
    ["an HMAC signature sent with SignatureMethod=Ed25519", {
      sign: (t) => createHmac("sha256", "x").update(t).digest("base64"),
    }, "bad-signature"],
    ["an Ed25519 signature sent with SignatureMethod=HmacSHA256", { signatureMethod: "HmacSHA256" }, "bad-signature"],
    ["SignatureMethod=ED25519 (only a broken SDK test spells it so)", { signatureMethod: "ED25519" }, "bad-signature"],
    ["a text signed for another host", { signedHost: "api-aws.huobi.pro" }, "bad-signature"],
    ["a Timestamp 61 s behind the simulator's clock", { timestamp: T0 - 61_000 }, "stale-timestamp"],
    ["a signature whose + is not percent-encoded", { timestamp: withPlus, rawSignature: true }, "bad-signature"],
  ])("answers api-signature-not-valid to %s", async (_, forge, reason) => {
    const sim = simulator();
    const { body } = await answer(sim, forged(forge));
    expect(body).toMatchObject({ status: "error", "err-code": "api-signature-not-valid" });
    expect(sim.stats.rejections).toEqual({ [reason]: 1 });
    expect(sim.getOrder(1, "1")?.state).toBe("submitted");
  });

  it("still accepts that + signature when it is percent-encoded, so the case above tests the encoding", async () => {
    expect((await answer(simulator(), forged({ timestamp: withPlus }))).body.status).toBe("ok");
  });

  it("refuses a GET whose query changed after it was signed", async () => {
    const sim = simulator();
    const request = forged({ method: "GET", query: { symbol: "btcusdt" } });
    const { body } = await answer(sim, new Request(request.url.replace("symbol=btcusdt", "symbol=ethusdt")));
    expect(body["err-code"]).toBe("api-signature-not-valid");
    expect(sim.stats.rejections).toEqual({ "bad-signature": 1 });
  });
});

describe("HtxClient with an Ed25519 key, through the simulator", () => {
  it("cancels 120 ids in 3 requests, every id accounted for", async () => {
    const book = demoOrders({ open: 117, filled: 1, canceled: 1, unknown: 1, uid: 2 });
    const sim = createHtxSimulator({ accounts: [DEMO_ACCOUNT, { ...ED25519_ACCOUNT, uid: 2 }], orders: book.orders });
    const htx = new HtxClient({
      accessKey: ED25519_ACCOUNT.accessKey,
      privateKey: TEST_KEY.pem,
      baseUrl: "http://127.0.0.1:8080",
      fetch: sim.fetch,
    });
    const result = await htx.batchCancel({ orderIds: book.ids });
    expect(breakdown(result)).toEqual({
      success: 117,
      failed: {
        "order-orderstate-error:already-closed": 2,
        "base-not-found:may-be-open": 1,
      },
      unresolved: {},
    });
    expect({ requests: sim.stats.batchCancelRequests, rejections: sim.stats.rejections }).toEqual({
      requests: 3,
      rejections: {},
    });
  });
});

describe("createHtxSimulator's Ed25519 accounts", () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "pem", type: "spki" });
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "both a secretKey and a publicKey",
      { secretKey: "s", publicKey: TEST_KEY.publicPem },
      /both secretKey.*and publicKey/,
    ],
    ["neither", {}, /needs a secretKey \(HmacSHA256\) or a publicKey \(Ed25519\)/],
    ["the private key as publicKey", { publicKey: TEST_KEY.pem }, /publicKey is a private key/],
    ["the private key's DER base64 as publicKey", { publicKey: HTX_VECTOR.pkcs8 }, /publicKey is a private key/],
    [
      "31 raw bytes",
      { publicKey: Buffer.alloc(31, 1).toString("base64") },
      /publicKey must be SPKI PEM or the raw 32-byte/,
    ],
    ["an EC public key", { publicKey: String(ec) }, /publicKey is not an Ed25519 public key/],
    ["a number", { publicKey: 7 }, /publicKey must be a non-empty string/],
  ])("refuses %s with an HtxInputError that says which", (_, key, message) => {
    const account = { uid: 1, accessKey: "k", ...key } as unknown as SimulatedAccount;
    expect(() => createHtxSimulator({ accounts: [account] })).toThrow(HtxInputError);
    expect(() => createHtxSimulator({ accounts: [account] })).toThrow(message);
  });
});
