/**
 * Credentials in two forms (issue 14): `{ accessKey, secretKey }` signs with HmacSHA256 exactly
 * as before, `{ accessKey, privateKey }` with Ed25519; exactly one of the two secrets.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type HmacBackend, HtxInputError, nobleHmac } from "../mod.ts";
import { createSigningKey, validateCredentials } from "../src/signing/keys.ts";
import { createEndpointSigner } from "../src/signing/sign.ts";
import { TEST_KEY } from "./fixtures-ed25519/vectors.ts";
import { everyRendering, KEYS, leaks } from "./helpers.ts";

describe("the HmacSHA256 form", () => {
  it.each<[string, unknown, RegExp]>([
    ["no credentials", undefined, /^accessKey must be a non-empty string \(got undefined\)\.$/],
    ["null", null, /^accessKey must be a non-empty string \(got undefined\)\.$/],
    ["a missing accessKey", { secretKey: "s" }, /^accessKey must be a non-empty string \(got undefined\)\.$/],
    [
      "an empty accessKey",
      { accessKey: "", secretKey: "s" },
      /^accessKey must be a non-empty string \(got a string\)\.$/,
    ],
    [
      "a numeric accessKey",
      { accessKey: 7, secretKey: "s" },
      /^accessKey must be a non-empty string \(got a number\)\.$/,
    ],
    ["a missing secretKey", { accessKey: "a" }, /^secretKey must be a non-empty string \(got undefined\)\.$/],
    [
      "an empty secretKey",
      { accessKey: "a", secretKey: "" },
      /^secretKey must be a non-empty string \(got a string\)\.$/,
    ],
    ["a secretKey in a Map", { accessKey: "a", secretKey: new Map() }, /\(got an object\)\.$/],
    ["a null secretKey", { accessKey: "a", secretKey: null }, /^secretKey must be a non-empty string \(got null\)\.$/],
    [
      "an unpaired surrogate in the secret",
      { accessKey: "a", secretKey: "x\uD800y" },
      /^secretKey contains an unpaired surrogate/,
    ],
    [
      "an unpaired surrogate in the access key",
      { accessKey: "\uDC00", secretKey: "s" },
      /^accessKey contains an unpaired surrogate/,
    ],
  ])("refuses %s with an HtxInputError that names the field and what it got", (_, input, message) => {
    expect(() => validateCredentials(input)).toThrow(HtxInputError);
    expect(() => validateCredentials(input)).toThrow(message);
  });

  it.each([
    ["valid credentials", KEYS],
    ["astral characters (paired surrogates)", { accessKey: "🔑", secretKey: "🚀secret" }],
    ["an explicitly undefined privateKey", { ...KEYS, privateKey: undefined }],
  ])("takes %s as they are", (_, input) => {
    expect(validateCredentials(input)).toEqual({ method: "HmacSHA256", ...input, privateKey: undefined });
  });

  it("is tagged HmacSHA256 and signs as before, with the HMAC backend it is given", async () => {
    const used: string[] = [];
    const spy: HmacBackend = { name: "spy", keyed: (secret) => (used.push(secret), nobleHmac.keyed(secret)) };
    expect(validateCredentials(KEYS)).toEqual({ method: "HmacSHA256", ...KEYS });
    const key = createSigningKey(KEYS, { hmac: spy });
    expect(key.method).toBe("HmacSHA256");
    expect(used).toEqual([KEYS.secretKey]);
    expect(await key.sign("text")).toBe(createHmac("sha256", KEYS.secretKey).update("text").digest("base64"));
  });

  it("a SigningKey and the secret string give the endpoint signer the same URLs", async () => {
    const url = "https://api.huobi.pro/v1/order/orders/batchcancel";
    const fromKey = createEndpointSigner("POST", url, KEYS.accessKey, createSigningKey(KEYS));
    const fromSecret = createEndpointSigner("POST", url, KEYS.accessKey, KEYS.secretKey);
    expect(await fromKey(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe(await fromSecret(Date.UTC(2026, 0, 2, 3, 4, 5)));
  });
});

describe("the Ed25519 form", () => {
  it("is tagged Ed25519; validating its result again returns the same key", () => {
    const once = validateCredentials({ accessKey: KEYS.accessKey, privateKey: TEST_KEY.pem });
    expect(once.method).toBe("Ed25519");
    expect(once.accessKey).toBe(KEYS.accessKey);
    const twice = validateCredentials(once);
    if (once.method !== "Ed25519" || twice.method !== "Ed25519") expect.unreachable("tagged HmacSHA256");
    expect(twice.privateKey).toBe(once.privateKey);
  });

  it.each([
    ["a missing accessKey", { privateKey: TEST_KEY.pem }, /accessKey must be a non-empty string/],
    ["a secretKey beside it", { ...KEYS, privateKey: TEST_KEY.pem }, /not both/],
    ["an empty secretKey beside it", { accessKey: "a", secretKey: "", privateKey: TEST_KEY.pem }, /not both/],
    ["a null privateKey", { accessKey: "a", privateKey: null }, /privateKey must be PEM text.*\(got null\)/],
  ])("refuses %s", (_, input, message) => {
    expect(() => validateCredentials(input)).toThrow(HtxInputError);
    expect(() => validateCredentials(input)).toThrow(message);
  });
});

describe("credentials that fight back", () => {
  it.each(["accessKey", "secretKey", "privateKey"])(
    "a %s getter that throws is an HtxInputError that shows nothing it threw",
    (name) => {
      const input = {
        ...KEYS,
        get [name]() {
          throw new Error(`boom ${KEYS.secretKey}`);
        },
      };
      let error: unknown;
      try {
        validateCredentials(input);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(HtxInputError);
      expect((error as Error).message).toBe(`${name} could not be read: reading it threw.`);
      expect(leaks(everyRendering(error))).toEqual([]);
    },
  );
});
