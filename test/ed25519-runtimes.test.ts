/**
 * The Ed25519 vectors the runtime smoke suite (test/runtimes/smoke.mjs) checks on Deno, Bun,
 * workerd and the packed tarball on Node 20/22/24 are node:crypto's signatures of the texts
 * their URLs stand for, and use the shared test keys: no hard-coded value goes unchecked.
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, sign as nodeSign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalQuery, formatTimestamp, preSignedText } from "../src/signing/sign.ts";
import { HTX_VECTOR, pemOf, TEST_KEY } from "./fixtures-ed25519/vectors.ts";

interface SmokeVector {
  privateKey: string;
  accessKey: string;
  method: string;
  url: string;
  time: string;
  signature: string;
}

// smoke.mjs is plain JS for every runtime: imported by URL, so TypeScript takes it as it is.
const smoke = (await import(new URL("./runtimes/smoke.mjs", import.meta.url).href)) as {
  ED25519_VECTORS: SmokeVector[];
  ED25519_ACCOUNT: { publicKey: string };
};

describe("the runtime smoke suite's Ed25519 vectors", () => {
  it("use HTX's vector key and the project's test key", () => {
    expect(new Set(smoke.ED25519_VECTORS.map((v) => v.privateKey))).toEqual(
      new Set([pemOf(HTX_VECTOR.pkcs8), TEST_KEY.pem]),
    );
  });

  it("give the simulator's Ed25519 account the public half of the key the client signs with", () => {
    const signingKey = smoke.ED25519_VECTORS[1]!.privateKey;
    expect(signingKey).toBe(TEST_KEY.pem);
    expect(createPublicKey(signingKey).export({ format: "pem", type: "spki" })).toBe(smoke.ED25519_ACCOUNT.publicKey);
  });

  it.each(smoke.ED25519_VECTORS)("$method $url: node:crypto signs the text to $signature", (v) => {
    const url = new URL(v.url);
    const query = canonicalQuery([
      ...url.searchParams,
      ["AccessKeyId", v.accessKey],
      ["SignatureMethod", "Ed25519"],
      ["SignatureVersion", "2"],
      ["Timestamp", formatTimestamp(Date.parse(v.time))],
    ]);
    const text = preSignedText(v.method, url.host, url.pathname, query);
    expect(nodeSign(null, Buffer.from(text), createPrivateKey(v.privateKey)).toString("base64")).toBe(v.signature);
  });
});
