import { describe, expect, it } from "vitest";
import {
  HtxApiError,
  HtxError,
  HtxHttpError,
  HtxNetworkError,
  HtxResponseError,
  isRateLimitError,
  isStaleTimestampError,
  parseBatchCancelResponse,
} from "../mod.ts";
import { readBatchCancelAnswer } from "../src/http/response.ts";
import { allFixtures, fixture, fixtureResponse } from "./helpers.ts";

const parseFixture = (name: string) => parseBatchCancelResponse(fixtureResponse(fixture(name)));

async function parseError(response: Response): Promise<HtxError> {
  try {
    await parseBatchCancelResponse(response);
  } catch (error) {
    expect(error).toBeInstanceOf(HtxError);
    return error as HtxError;
  }
  throw new Error("expected parseBatchCancelResponse to throw");
}

describe("parseBatchCancelResponse: answers HTX gives on the merits", () => {
  it("reads the docs' own example, order-state as the documented string", async () => {
    expect(await parseFixture("docs-example")).toEqual({
      success: ["12345"],
      failed: [{
        orderId: "357631450723117",
        clientOrderId: "123456",
        errCode: "order-orderstate-error",
        errMsg: "Incorrect order state",
        orderState: 7,
        state: "canceled",
        outcome: "already-closed",
      }],
    });
  });

  it("reads every id submitted", async () => {
    expect(await parseFixture("all-submitted")).toEqual({
      success: ["357631450723117", "357631450723118"],
      failed: [],
    });
  });

  it("reads a partial failure with order-state as a number and client-order-id null", async () => {
    const { success, failed } = await parseFixture("partial-failure");
    expect(success).toEqual(["12345"]);
    expect(failed).toEqual([{
      orderId: "357631450723117",
      errCode: "order-orderstate-error",
      errMsg: "Incorrect order state",
      orderState: 7,
      state: "canceled",
      outcome: "already-closed",
    }]);
  });

  it('reads client-id failures with order-id "" as having no order id', async () => {
    const { success, failed } = await parseFixture("client-ids-failed");
    expect(success).toEqual(["grid-1"]);
    expect(failed).toEqual([
      {
        clientOrderId: "grid-2",
        errCode: "order-orderstate-error",
        errMsg: "Incorrect order state",
        orderState: 6,
        state: "filled",
        outcome: "already-closed",
      },
      {
        clientOrderId: "grid-3",
        errCode: "base-not-found",
        errMsg: "The record is not found.",
        outcome: "may-be-open",
      },
    ]);
  });

  it("reads unknown ids as base-not-found with no order state", async () => {
    const { failed } = await parseFixture("unknown-ids");
    expect(failed.map((f) => [f.orderId, f.errCode, f.orderState, f.state])).toEqual([
      ["1", "base-not-found", undefined, undefined],
      ["2", "base-not-found", undefined, undefined],
    ]);
  });

  it.each([
    [-1, "closed", "already-closed"],
    [1, "created", "may-be-open"],
    [3, "submitted", "may-be-open"],
    [4, "partial-filled", "may-be-open"],
    [5, "partial-canceled", "already-closed"],
    [6, "filled", "already-closed"],
    [7, "canceled", "already-closed"],
    [10, "cancelling", "already-closed"],
    [99, undefined, "may-be-open"],
  ])("names order-state %i as %s, which alone (no earlier attempt) reads as %s", async (code, name, outcome) => {
    const answer = Response.json({
      status: "ok",
      data: {
        success: [],
        failed: [{ "order-id": "1", "err-code": "order-orderstate-error", "err-msg": "x", "order-state": code }],
      },
    });
    const [failed] = (await parseBatchCancelResponse(answer)).failed;
    expect(failed!.orderState).toBe(code);
    expect(failed!.state).toBe(name);
    expect(failed!.outcome).toBe(outcome);
  });

  it("keeps ids beyond 2^53 as the exact digits sent", async () => {
    const id = "123456789012345678901";
    const answer = new Response(`{"status":"ok","data":{"success":["${id}"],"failed":[]}}`);
    expect((await parseBatchCancelResponse(answer)).success).toEqual([id]);
  });

  it("reads characters split across the body's chunks, one byte a chunk", async () => {
    const errMsg = "订单状态错误 ✓";
    const text = JSON.stringify({
      status: "ok",
      data: { success: ["1"], failed: [{ "order-id": "2", "err-code": "order-orderstate-error", "err-msg": errMsg }] },
    });
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    const { success, failed } = await parseBatchCancelResponse(new Response(body));
    expect(success).toEqual(["1"]);
    expect(failed.map((f) => f.errMsg)).toEqual([errMsg]);
  });

  it("reads a custom fetch's chunks that are ArrayBuffers or other views as their bytes", async () => {
    const text = JSON.stringify({ status: "ok", data: { success: ["1", "2"], failed: [] } });
    const bytes = new TextEncoder().encode(text.padEnd(text.length + (text.length % 2), " "));
    const halves = [bytes.slice(0, 10), bytes.slice(10)];
    const as: [string, (chunk: Uint8Array) => unknown][] = [
      ["ArrayBuffer", (chunk) => chunk.buffer],
      ["DataView", (chunk) => new DataView(chunk.buffer)],
      ["Uint16Array", (chunk) => new Uint16Array(chunk.buffer)],
    ];
    for (const [name, view] of as) {
      const body = new ReadableStream({
        start(controller) {
          for (const half of halves) controller.enqueue(view(half));
          controller.close();
        },
      });
      expect(await parseBatchCancelResponse(new Response(body)), name).toEqual({ success: ["1", "2"], failed: [] });
    }
  });

  it("refuses a chunk that is not bytes at once, as a broken read, and reads no further", async () => {
    let pulled = 0;
    const body = new ReadableStream({
      pull(controller) {
        // 2 MiB of text in all, then the end (unbounded, a read that does not stop runs out of memory).
        if (++pulled > 2048) controller.close();
        else controller.enqueue("x".repeat(1024));
      },
    });
    const error = await parseError(new Response(body));
    expect(error).toBeInstanceOf(HtxNetworkError);
    expect(error.retryable).toBe(true);
    // A string has no byteLength: counted, the 1 MiB cap would never be reached.
    expect(pulled).toBeLessThan(5);
  });

  it("ignores extra fields HTX may add", async () => {
    const answer = Response.json({ status: "ok", ts: 1, data: { success: ["1"], failed: [], extra: true } });
    expect(await parseBatchCancelResponse(answer)).toEqual({ success: ["1"], failed: [] });
  });
});

describe("parseBatchCancelResponse: error envelopes", () => {
  it.each([
    ["error-bad-signature", "api-signature-not-valid", false],
    ["error-stale-timestamp", "api-signature-not-valid", false],
    ["error-rate-limited", "base-request-exceed-frequency-limit", true],
    ["error-request-limit", "invalid-parameter", true],
    ["error-empty-list", "batchcancel-order-id-list-empty", false],
    ["error-system", "base-system-error", true],
  ])("%s is an HtxApiError %s, retryable: %s", async (name, errCode, retryable) => {
    const error = await parseError(fixtureResponse(fixture(name)));
    expect(error).toBeInstanceOf(HtxApiError);
    expect(error).toMatchObject({ name: "HtxApiError", errCode, httpStatus: 200, retryable });
    expect((error as HtxApiError).errMsg).toBe(fixture(name).response.body!["err-msg" as never]);
  });

  it("tells a stale timestamp from a wrong key, and says the clock is off", async () => {
    const stale = await parseError(fixtureResponse(fixture("error-stale-timestamp")));
    const wrong = await parseError(fixtureResponse(fixture("error-bad-signature")));
    expect(isStaleTimestampError(stale)).toBe(true);
    expect(isStaleTimestampError(wrong)).toBe(false);
    expect(stale.message).toMatch(/clock is off/);
    expect(wrong.message).not.toMatch(/clock/);
  });

  it("recognises both rate-limit codes and HTTP 429 as rate limiting", async () => {
    for (const name of ["error-rate-limited", "error-request-limit", "http-429"]) {
      expect(isRateLimitError(await parseError(fixtureResponse(fixture(name))))).toBe(true);
    }
    expect(isRateLimitError(await parseError(fixtureResponse(fixture("error-bad-signature"))))).toBe(false);
  });
});

describe("parseBatchCancelResponse: answers that are not HTX's JSON", () => {
  it.each([
    ["html-403-cloudflare", 403, false, /HTTP 403: forbidden/],
    ["html-502", 502, true, /HTTP 502: a server or edge error/],
    ["http-429", 429, true, /HTTP 429: rate limited/],
  ])("%s is an HtxHttpError with status %i, retryable: %s", async (name, status, retryable, message) => {
    const error = await parseError(fixtureResponse(fixture(name)));
    expect(error).toBeInstanceOf(HtxHttpError);
    expect(error).toMatchObject({ name: "HtxHttpError", status, retryable });
    expect(error.message).toMatch(message);
    expect((error as HtxHttpError).bodySnippet.length).toBeLessThanOrEqual(201);
  });

  it("keeps a short, folded snippet of an HTML page", async () => {
    const error = (await parseError(fixtureResponse(fixture("html-502")))) as HtxHttpError;
    expect(error.bodySnippet).toBe(
      "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> </body> </html>",
    );
  });

  it("redacts a secret that lies across the snippet's cut", async () => {
    const signature = "q8Xv1Kc0Jm3sXo9yq2mZ7l0W+5d4r6Tn1u8bE2fQ0aY=";
    const page = `<p>${"x".repeat(190)} ${signature}</p>`;
    const error = await readBatchCancelAnswer(new Response(page, { status: 403 }), { secrets: [signature] }).catch(
      (e: HtxHttpError) => e,
    );
    expect(error).toBeInstanceOf(HtxHttpError);
    expect((error as HtxHttpError).bodySnippet).not.toContain(signature.slice(0, 6));
  });

  it.each([301, 302, 307])("treats a %i redirect as an HtxHttpError, never followed", async (status) => {
    const answer = new Response(null, { status, headers: { location: "https://evil.example/steal" } });
    const error = await parseError(answer);
    expect(error).toMatchObject({ name: "HtxHttpError", status, retryable: false });
    expect(error.message).toMatch(/redirect, which is never followed/);
  });

  it.each([
    ["html-200-maintenance", /HTML page instead of JSON/],
    ["truncated-json", /not valid JSON \(truncated\?\)/],
    ["empty-body", /empty body/],
  ])("%s is a retryable HtxResponseError", async (name, message) => {
    const error = await parseError(fixtureResponse(fixture(name)));
    expect(error).toMatchObject({ name: "HtxResponseError", status: 200, retryable: true });
    expect(error.message).toMatch(message);
  });

  it.each([
    ["ids as JSON numbers", '{"status":"ok","data":{"success":[357631450723117],"failed":[]}}', /data.success.0/],
    ["no data", '{"status":"ok"}', /data/],
    ["an unknown status", '{"status":"maybe"}', /status/],
    [
      "order-state as a word",
      '{"status":"ok","data":{"success":[],"failed":[{"order-id":"1","err-code":"x","order-state":"canceled"}]}}',
      /order-state/,
    ],
    ["a JSON array", "[]", /root|status/],
    ["an error envelope without err-code", '{"status":"error","err-msg":"x"}', /err-code/],
  ])("refuses a wrong shape (%s) as a non-retryable HtxResponseError listing the issues", async (_, body, issue) => {
    const error = (await parseError(new Response(body))) as HtxResponseError;
    expect(error).toMatchObject({ name: "HtxResponseError", retryable: false });
    expect(error.issues.join("\n")).toMatch(issue);
  });

  it("refuses an oversized body without reading it all", async () => {
    const huge = new Response(new Blob([" ".repeat(2 << 20)]).stream());
    const error = await parseError(huge);
    expect(error).toMatchObject({ name: "HtxResponseError", retryable: true });
    expect(error.message).toMatch(/larger than/);
  });

  it("turns a body stream that breaks into an HtxNetworkError", async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"status":'));
        controller.error(new TypeError("terminated"));
      },
    });
    const error = await parseError(new Response(broken));
    expect(error).toBeInstanceOf(HtxNetworkError);
    expect(error.retryable).toBe(true);
  });

  it("gives a typed result or a typed HtxError for every recorded fixture", async () => {
    for (const fx of allFixtures()) {
      const outcome = await parseBatchCancelResponse(fixtureResponse(fx)).catch((e: unknown) => e);
      if (outcome instanceof Error) expect(outcome, fx.name).toBeInstanceOf(HtxError);
      else expect(outcome, fx.name).toMatchObject({ success: expect.any(Array), failed: expect.any(Array) });
    }
  });
});
