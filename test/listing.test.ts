/**
 * Reading HTX's listings: 64-bit ids read from the JSON text (never through a JS number), the
 * valibot schemas of the answers, and the exact query each GET sends and signs.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { HtxClient } from "../mod.ts";
import { quoteIntegerFields, readListingAnswer } from "../src/listing/answer.ts";
import { readBatchCancelAnswer } from "../src/http/response.ts";
import { AccountsAnswerSchema, JsonIdSchema, OpenOrdersAnswerSchema } from "../src/schemas.ts";
import { createHtxSimulator } from "../src/testing/mod.ts";
import { fixture, fixtureResponse, KEYS, recordingFetch } from "./helpers.ts";

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

  it("accept HTX's documented answers (the recorded fixtures)", () => {
    const accounts = v.parse(AccountsAnswerSchema, fixture("accounts").response.body);
    expect(accounts.data.find((a) => a.type === "spot")!.id).toBe("10000001");
    const orders = v.parse(OpenOrdersAnswerSchema, fixture("open-orders").response.body);
    expect(orders.data[0]).toMatchObject({ id: "357632718898332", "account-id": "10000001", state: "submitted" });
  });
});

describe("a listing's answer is read like a batch-cancel answer", () => {
  const OPEN_ORDERS = { name: "open-order listing", schema: OpenOrdersAnswerSchema, idFields: IDS };
  const SIGNATURE = "q8Xv1Kc0Jm3sXo9yq2mZ7l0W+5d4r6Tn1u8bE2fQ0aY=";
  /** What an error says, leaving out the shape's name, which differs by endpoint. */
  const said = (error: Error & Record<string, unknown>) => ({
    name: error.name,
    message: error.message,
    retryable: error.retryable,
    errCode: error.errCode,
    status: error.status,
    bodySnippet: error.bodySnippet,
    cause: error.cause === undefined ? undefined : String(error.cause),
  });

  it.each([
    "html-403-cloudflare",
    "html-502",
    "http-429",
    "html-200-maintenance",
    "truncated-json",
    "empty-body",
    "error-stale-timestamp",
    "error-rate-limited",
    "error-system",
  ])("%s: the same typed error, message and snippet", async (name) => {
    const ctx = { secrets: [SIGNATURE] };
    const listing = await readListingAnswer(fixtureResponse(fixture(name)), ctx, OPEN_ORDERS).catch((e) => e);
    const cancel = await readBatchCancelAnswer(fixtureResponse(fixture(name)), ctx).catch((e) => e);
    expect(said(listing)).toEqual(said(cancel));
  });

  it("never cuts a redaction marker in two in a listing's snippet", async () => {
    const page = `<p>${"x".repeat(193)} ${SIGNATURE}</p>`;
    const error = await readListingAnswer(new Response(page, { status: 403 }), { secrets: [SIGNATURE] }, OPEN_ORDERS)
      .catch((e) => e);
    expect(error.bodySnippet).toMatch(/\[REDACTED\]…$/);
  });

  it("keeps every digit of a 64-bit id, and names the listing in a shape error", async () => {
    const ok = new Response(
      '{"status":"ok","data":[{"id":9007199254740993,"symbol":"btcusdt","type":"buy-limit",' +
        '"state":"submitted"}]}',
    );
    expect((await readListingAnswer(ok, {}, OPEN_ORDERS)).data[0]!.id).toBe("9007199254740993");
    const wrong = await readListingAnswer(new Response('{"status":"ok","data":{}}'), {}, OPEN_ORDERS).catch((e) => e);
    expect(wrong).toMatchObject({ name: "HtxResponseError", retryable: false });
    expect(wrong.message).toMatch(/does not have the open-order listing shape: data:/);
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
