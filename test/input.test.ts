import { describe, expect, it } from "vitest";
import { HtxClient, HtxInputError } from "../mod.ts";
import { KEYS, submitAllFetch } from "./helpers.ts";

/** A getter or Proxy trap of a caller's hostile input. */
function boom(): never {
  throw new Error("getter failed");
}

function client() {
  const stub = submitAllFetch();
  return { htx: new HtxClient({ ...KEYS, fetch: stub.fetch, rateLimit: false }), stub };
}

describe("batchCancel input validation: an HtxInputError that says what to fix, and nothing sent", () => {
  it.each([
    ["a missing argument", undefined, /expects \{ orderIds/],
    ["an array instead of an object", ["1"], /got an array/],
    ["neither kind of id", {}, /neither was given/],
    ["both kinds of id", { orderIds: ["1"], clientOrderIds: ["a"] }, /not both/],
    ["an empty list", { orderIds: [] }, /orderIds is empty/],
    ["an empty client list", { clientOrderIds: [] }, /clientOrderIds is empty/],
    ["a comma-joined string", { orderIds: "1,2,3" }, /must be an array of ids, got a string/],
    [
      "a number id",
      { orderIds: ["1", 357631450723117] },
      /orderIds\[1\] is the number 357631450723117: pass order ids as strings.*2\^53/,
    ],
    ["an unsafe number id", { orderIds: [2 ** 60] }, /orderIds\[0\] is the number/],
    ["a non-digit order id", { orderIds: ["12a"] }, /orderIds\[0\] "12a" is not an order id/],
    ["a signed order id", { orderIds: ["1", "2", "-3"] }, /orderIds\[2\] "-3"/],
    ["an order id with spaces", { orderIds: [" 12"] }, /orderIds\[0\] " 12"/],
    ["a leading zero", { orderIds: ["0123"] }, /no\s+leading zero/],
    ["a zero bigint", { orderIds: [0n] }, /orderIds\[0\] is 0n: order ids are positive/],
    ["null in the list", { orderIds: [null] }, /orderIds\[0\] is null/],
    [
      "a client id over 64 chars",
      { clientOrderIds: ["a".repeat(65)] },
      /clientOrderIds\[0\] "a{65}" is not a client order id: HTX allows 1 to 64/,
    ],
    ["a client id with a space", { clientOrderIds: ["ok", "not ok"] }, /clientOrderIds\[1\] "not ok"/],
    ["a unicode client id", { clientOrderIds: ["ордер"] }, /clientOrderIds\[0\]/],
    ["an empty client id", { clientOrderIds: [""] }, /clientOrderIds\[0\] ""/],
    ["a number client id", { clientOrderIds: [42] }, /clientOrderIds\[0\] is a number/],
  ])("refuses %s", async (_, input, message) => {
    const { htx, stub } = client();
    const call = htx.batchCancel(input as never);
    await expect(call).rejects.toBeInstanceOf(HtxInputError);
    await expect(call).rejects.toThrow(message);
    expect(stub.requests).toHaveLength(0);
  });

  it.each([
    // deno-lint-ignore no-sparse-arrays
    ["a hole between ids", () => ({ orderIds: ["1", , "2"] }), /orderIds\[1\] is a hole \(a sparse array\)/],
    ["a length past the last id", () => ({ orderIds: Object.assign(["1"], { length: 5 }) }), /orderIds\[1\] is a hole/],
    ["a hole first", () => ({ clientOrderIds: Object.assign([], { 1: "a" }) }), /clientOrderIds\[0\] is a hole/],
    [
      "a length of 2^32 − 1 with one id (refused at the first hole, nothing looped over or allocated)",
      () => ({ orderIds: Object.assign(["1"], { length: 2 ** 32 - 1 }) }),
      /orderIds\[1\] is a hole/,
    ],
    ["an explicit undefined", () => ({ orderIds: ["1", undefined] }), /orderIds\[1\] is undefined: expected/],
    [
      "an id whose getter throws",
      () => ({ orderIds: Object.defineProperty(["1", "2"], 1, { get: boom }) }),
      /orderIds\[1\] could not be read/,
    ],
    [
      "a list whose length throws (a Proxy)",
      () => ({ orderIds: new Proxy(["1"], { get: (t, k) => (k === "length" ? boom() : Reflect.get(t, k)) }) }),
      /orderIds\.length could not be read/,
    ],
    [
      "a list whose membership check throws (a Proxy)",
      () => ({ orderIds: new Proxy(["1"], { has: () => boom() }) }),
      /orderIds\[0\] could not be read/,
    ],
    [
      "an input whose orderIds getter throws",
      () => Object.defineProperty({}, "orderIds", { get: boom, enumerable: true }),
      /orderIds could not be read/,
    ],
    [
      "an object pretending to be an array",
      () => ({ orderIds: { length: 1, 0: "1" } }),
      /orderIds must be an array of ids, got an object \(pass a real array: Array\.from/,
    ],
    ["a Set of ids", () => ({ orderIds: new Set(["1"]) }), /orderIds must be an array of ids, got a Set/],
  ])("refuses %s, before sending anything", async (_, input, message) => {
    const { htx, stub } = client();
    const call = htx.batchCancel(input() as never);
    await expect(call).rejects.toBeInstanceOf(HtxInputError);
    await expect(call).rejects.toThrow(message);
    expect(stub.requests).toHaveLength(0);
  });

  it("accepts bigint order ids as their digits, beyond 2^53", async () => {
    const { htx, stub } = client();
    const result = await htx.batchCancel({ orderIds: [123456789012345678901n, "9007199254740993"] });
    expect(result.success).toEqual(["123456789012345678901", "9007199254740993"]);
    expect(await stub.requests[0]!.json()).toEqual({ "order-ids": ["123456789012345678901", "9007199254740993"] });
  });

  it("sends duplicates once and reports each distinct id once", async () => {
    const { htx, stub } = client();
    const result = await htx.batchCancel({ orderIds: ["5", "5", 5n, "6"] });
    expect(await stub.requests[0]!.json()).toEqual({ "order-ids": ["5", "6"] });
    expect(result.success).toEqual(["5", "6"]);
  });

  it("accepts client ids of exactly 1 and 64 allowed characters", async () => {
    const { htx } = client();
    const ids = ["a", "Az09_-".repeat(10) + "abcd"];
    expect((await htx.batchCancel({ clientOrderIds: ids })).success).toEqual(ids);
  });
});

describe("HtxClient options", () => {
  it.each([
    ["a missing accessKey", { secretKey: "s" }, /accessKey must be a non-empty string/],
    ["an empty secretKey", { accessKey: "a", secretKey: "" }, /secretKey must be a non-empty string/],
    ["http to a public host", { ...KEYS, baseUrl: "http://api.huobi.pro" }, /must use https:/],
    ["http to a private address", { ...KEYS, baseUrl: "http://10.0.0.1" }, /only for loopback/],
    ["a base URL with a path", { ...KEYS, baseUrl: "https://api.huobi.pro/v1" }, /without a path/],
    ["a base URL with a query", { ...KEYS, baseUrl: "https://api.huobi.pro/?x=1" }, /without a path, query/],
    ["a base URL with credentials", { ...KEYS, baseUrl: "https://user:pw@api.huobi.pro" }, /user name or password/],
    ["a base URL that is no URL", { ...KEYS, baseUrl: "api.huobi.pro" }, /not a valid URL/],
    ["a timeout of 0", { ...KEYS, timeoutMs: 0 }, /timeoutMs must be an integer from 1 to/],
    ["a negative retry", { ...KEYS, retry: -1 }, /retry must be an integer from 0 to/],
  ])("refuses %s at construction", (_, options, message) => {
    expect(() => new HtxClient(options as never)).toThrow(HtxInputError);
    expect(() => new HtxClient(options as never)).toThrow(message);
  });

  it.each([
    "http://localhost:8080",
    "http://127.0.0.1:1",
    "http://127.9.8.7",
    "http://[::1]:8080",
    "https://api-aws.huobi.pro/",
  ])(
    "accepts %s",
    (baseUrl) => {
      expect(() => new HtxClient({ ...KEYS, baseUrl })).not.toThrow();
    },
  );

  it("says how to fix a runtime without fetch", () => {
    const saved = globalThis.fetch;
    try {
      // @ts-expect-error: simulating a runtime without fetch
      delete globalThis.fetch;
      expect(() => new HtxClient({ ...KEYS })).toThrow(/No fetch is available in this runtime: pass options.fetch/);
    } finally {
      globalThis.fetch = saved;
    }
  });

  it("never echoes credentials found in a refused base URL", () => {
    try {
      new HtxClient({ ...KEYS, baseUrl: `https://${KEYS.accessKey}:${KEYS.secretKey}@api.huobi.pro` });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(KEYS.secretKey);
      expect(String((error as Error).message)).not.toContain(KEYS.accessKey);
    }
  });
});
