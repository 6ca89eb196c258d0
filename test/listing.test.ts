/**
 * Reading HTX's listings: 64-bit ids read from the JSON text (never through a JS number), the
 * valibot schemas of the answers, and the exact query each GET sends and signs.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { HtxClient } from "../mod.ts";
import { quoteIntegerFields } from "../src/listing/answer.ts";
import { AccountsAnswerSchema, JsonIdSchema, OpenOrdersAnswerSchema } from "../src/schemas.ts";
import { createHtxSimulator } from "../src/testing/mod.ts";
import { KEYS, recordingFetch } from "./helpers.ts";

const IDS = new Set(["id", "account-id"]);

describe("quoteIntegerFields: ids read from the text", () => {
  it("quotes the integer values of the id fields only", () => {
    const text = '{"data":[{"id":9007199254740993,"account-id": 10000001 ,"created-at":1700000000000}]}';
    expect(quoteIntegerFields(text, IDS)).toBe(
      '{"data":[{"id":"9007199254740993","account-id": "10000001" ,"created-at":1700000000000}]}',
    );
    expect(JSON.parse(quoteIntegerFields(text, IDS)).data[0].id).toBe("9007199254740993");
  });

  it("is not fooled by keys and colons inside strings, escaped quotes, or a value that is no integer", () => {
    const text = String.raw`{"note":"\"id\":123","id":1.5,"x":{"id":-3},"y":"id","id":[1],"id":true,"id":7}`;
    expect(quoteIntegerFields(text, IDS)).toBe(
      String.raw`{"note":"\"id\":123","id":1.5,"x":{"id":"-3"},"y":"id","id":[1],"id":true,"id":"7"}`,
    );
  });

  it("leaves text that is not JSON for JSON.parse to refuse", () => {
    expect(quoteIntegerFields('{"id":12', IDS)).toBe('{"id":12');
    expect(quoteIntegerFields('<html>"id":1</html>', IDS)).toBe('<html>"id":1</html>');
  });
});

describe("the listing schemas", () => {
  it("read ids as digits, and refuse a number that has already lost digits", () => {
    expect(v.parse(JsonIdSchema, "9007199254740993")).toBe("9007199254740993");
    expect(v.parse(JsonIdSchema, 10000001)).toBe("10000001");
    expect(v.safeParse(JsonIdSchema, JSON.parse("9007199254740993")).success).toBe(false);
    expect(v.safeParse(JsonIdSchema, -1).success).toBe(false);
    expect(v.safeParse(JsonIdSchema, "01").success).toBe(false);
  });

  it("accept HTX's documented answers", () => {
    const accounts = { status: "ok", data: [{ id: 10000001, type: "spot", subtype: "", state: "working" }] };
    expect(v.parse(AccountsAnswerSchema, accounts).data[0]!.id).toBe("10000001");
    const order = {
      id: "357631450723117",
      "client-order-id": "",
      symbol: "btcusdt",
      "account-id": 10000001,
      amount: "0.1",
      price: "60000",
      "created-at": 1700000000000,
      type: "buy-limit",
      "filled-amount": "0",
      "filled-cash-amount": "0",
      "filled-fees": "0",
      source: "spot-api",
      state: "submitted",
    };
    expect(v.parse(OpenOrdersAnswerSchema, { status: "ok", data: [order] }).data[0]).toMatchObject({
      id: "357631450723117",
      "account-id": "10000001",
    });
  });
});

describe("the GETs the kill switch sends", () => {
  it("signs every query parameter, and sends no body", async () => {
    const sim = createHtxSimulator({
      accounts: [{ uid: 1, ...KEYS }],
      orders: [{ uid: 1, orderId: "5", state: "submitted" }],
    });
    const { fetch, requests } = recordingFetch((request) => sim.fetch(request));
    const htx = new HtxClient({ ...KEYS, baseUrl: "http://127.0.0.1", fetch });
    await htx.cancelAllOpen({ symbols: ["btcusdt"], side: "buy" });
    const gets = requests.filter((r) => r.method === "GET");
    expect(gets.map((r) => new URL(r.url).pathname).slice(0, 2)).toEqual([
      "/v1/account/accounts",
      "/v1/order/openOrders",
    ]);
    expect(new URL(gets[1]!.url).search).toMatch(
      /^\?AccessKeyId=[^&]+&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=[^&]+&account-id=10000001&side=buy&size=500&symbol=btcusdt&Signature=[^&]+$/,
    );
    expect(gets.every((r) => r.body === null)).toBe(true);
    // The simulator verifies each signature over the whole query: none was refused.
    expect(sim.stats.rejections).toEqual({});
  });
});
