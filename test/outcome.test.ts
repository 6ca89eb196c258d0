/**
 * What the result says about each id: cancel accepted, closed (before the call, or possibly by
 * it when an answer was lost), or may still be open; and, for unresolved ids, whether the
 * cancel may have been applied. Ground truth comes from the simulator's order book.
 */
import { describe, expect, it } from "vitest";
import {
  classify,
  HtxAbortError,
  HtxApiError,
  HtxClient,
  type HtxClientSettings,
  HtxError,
  HtxHttpError,
  HtxInputError,
  HtxNetworkError,
  HtxResponseError,
  HtxTimeoutError,
} from "../mod.ts";
import { mayHaveBeenApplied } from "../src/cancel/attempt.ts";
import { createHtxSimulator, type HtxFault, type SimulatedOrder } from "../src/testing/mod.ts";

import { breakdown, closedPort, fixture, fixtureResponse, idsOf, KEYS, okAnswer, recordingFetch } from "./helpers.ts";

const ACCOUNT = { uid: 1, ...KEYS };
/** Retries without waiting, no rate limit: neither is what these tests are about. */
const FAST: HtxClientSettings = {
  retry: { limit: 2, baseDelayMs: 0 },
  rateLimit: { limit: 50, intervalMs: 10 },
  timeoutMs: 200,
};

/** A simulator holding `orders`, answering the n-th batch-cancel request with `faults[n - 1]`. */
function simulatorWith(orders: SimulatedOrder[], faults: (HtxFault | undefined)[]) {
  const sim = createHtxSimulator({
    accounts: [ACCOUNT],
    orders,
    cancelSettleMs: 0,
    faults: (_, n) => faults[n - 1],
  });
  const htx = new HtxClient({ ...KEYS, ...FAST, fetch: sim.fetch });
  return { sim, htx };
}

const open = (orderId: string): SimulatedOrder => ({ uid: 1, orderId, state: "submitted" });

describe("a refusal found by a retry", () => {
  it("is 'closed-possibly-by-this-call' when the first attempt was applied and its connection dropped", async () => {
    const { sim, htx } = simulatorWith([open("1")], [{ type: "drop", after: true }]);
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(breakdown(result)).toEqual({
      success: 0,
      failed: { "order-orderstate-error:closed-possibly-by-this-call": 1 },
      unresolved: {},
    });
    expect(result.failed[0]).toMatchObject({ state: "canceled", outcome: "closed-possibly-by-this-call" });
    expect(sim.getOrder(1, "1")!.state).toBe("canceled"); // this call did cancel it
  });

  it.each([
    ["a truncated answer", { type: "truncated-json" } as const],
    ["a timeout", { type: "latency", ms: 400 } as const],
  ])("is 'closed-possibly-by-this-call' after %s", async (_, fault) => {
    const { htx } = simulatorWith([open("1")], [fault]);
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.failed[0]).toMatchObject({ outcome: "closed-possibly-by-this-call" });
  });

  it("is 'already-closed' for an order canceled before the call, every answer arriving", async () => {
    const { htx } = simulatorWith([{ uid: 1, orderId: "1", state: "canceled" }], []);
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.failed[0]).toMatchObject({ state: "canceled", outcome: "already-closed" });
  });

  it("is 'already-closed' when the earlier attempt was refused as a whole (rate-limited)", async () => {
    const { htx } = simulatorWith([{ uid: 1, orderId: "1", state: "canceled" }], [
      { type: "envelope", errCode: "base-request-exceed-frequency-limit", errMsg: "rate limited" },
    ]);
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.failed[0]).toMatchObject({ state: "canceled", outcome: "already-closed" });
  });

  it("is 'closed-possibly-by-this-call' when the earlier attempt got a 503 (an edge may have forwarded it)", async () => {
    const { htx } = simulatorWith([{ uid: 1, orderId: "1", state: "canceled" }], [{ type: "html", status: 503 }]);
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.failed[0]).toMatchObject({ state: "canceled", outcome: "closed-possibly-by-this-call" });
  });

  it("is 'already-closed' for a filled order, even behind a lost answer (a cancel never fills)", async () => {
    const { htx } = simulatorWith([{ uid: 1, orderId: "1", state: "filled" }], [{ type: "drop", after: true }]);
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.failed[0]).toMatchObject({ state: "filled", outcome: "already-closed" });
  });

  it("is 'may-be-open' for an unknown id, behind a lost answer or not", async () => {
    const { htx } = simulatorWith([], [{ type: "drop", after: true }]);
    const result = await htx.batchCancel({ orderIds: ["404"] });
    expect(result.failed[0]).toMatchObject({ errCode: "base-not-found", outcome: "may-be-open" });
  });
});

describe("base-record-invalid (HTX's answer just after an order is placed)", () => {
  const recordInvalid = (id: string) => ({
    "order-id": id,
    "err-code": "base-record-invalid",
    "err-msg": "record invalid",
  });

  it("is asked again for those ids only, and only the final answer is reported", async () => {
    const stub = recordingFetch(async (request, n) => {
      const ids = await idsOf(request);
      return n === 1 ? okAnswer(["1", "3"], [recordInvalid("2")]) : okAnswer(ids);
    });
    const htx = new HtxClient({ ...KEYS, ...FAST, fetch: stub.fetch });
    const result = await htx.batchCancel({ orderIds: ["1", "2", "3"] });
    expect(await Promise.all(stub.requests.map(idsOf))).toEqual([["1", "2", "3"], ["2"]]);
    expect(breakdown(result)).toEqual({ success: 3, failed: {}, unresolved: {} });
  });

  it("is reported as 'may-be-open' once the retry budget is spent", async () => {
    const stub = recordingFetch(async (request) => okAnswer([], (await idsOf(request)).map(recordInvalid)));
    const htx = new HtxClient({ ...KEYS, ...FAST, retry: { limit: 1, baseDelayMs: 0 }, fetch: stub.fetch });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(stub.requests).toHaveLength(2);
    expect(breakdown(result)).toEqual({ success: 0, failed: { "base-record-invalid:may-be-open": 1 }, unresolved: {} });
    expect(result.failed[0]!.outcome).toBe("may-be-open");
  });
});

describe("unresolved ids: may the cancel have been applied?", () => {
  it.each([
    ["a connection dropped after the cancel", { type: "drop", after: true } as const, true],
    ["a timeout", { type: "latency", ms: 400 } as const, true],
    ["a 502 page", { type: "html", status: 502 } as const, true],
    ["a 200 HTML page", { type: "html", status: 200 } as const, true],
    ["a truncated answer", { type: "truncated-json" } as const, true],
    ["a 403 page", { type: "html", status: 403 } as const, false],
    [
      "a rate-limit envelope",
      { type: "envelope", errCode: "base-request-exceed-frequency-limit", errMsg: "limit" } as const,
      false,
    ],
  ])("after %s: mayHaveBeenApplied %s", async (_, fault, applied) => {
    const sim = createHtxSimulator({ accounts: [ACCOUNT], orders: [open("1")], faults: () => fault });
    const htx = new HtxClient({ ...KEYS, ...FAST, retry: 0, fetch: sim.fetch });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.unresolved.map((u) => u.mayHaveBeenApplied)).toEqual([applied]);
  });

  it("is false for a request refused as a whole (wrong secret)", async () => {
    const sim = createHtxSimulator({ accounts: [ACCOUNT], orders: [open("1")] });
    const htx = new HtxClient({ ...KEYS, secretKey: "wrong-secret", fetch: sim.fetch });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(breakdown(result)).toEqual({
      success: 0,
      failed: {},
      unresolved: { "HtxApiError:api-signature-not-valid:not-applied": 1 },
    });
    expect(result.unresolved[0]!.mayHaveBeenApplied).toBe(false);
    expect(sim.getOrder(1, "1")!.state).toBe("submitted");
  });

  it("is false for ids never sent because the signal aborted first", async () => {
    const htx = new HtxClient({ ...KEYS, fetch: recordingFetch(() => okAnswer([])).fetch });
    const result = await htx.batchCancel({ orderIds: ["1"] }, { signal: AbortSignal.abort() });
    expect(result.unresolved[0]).toMatchObject({ mayHaveBeenApplied: false, error: expect.any(HtxAbortError) });
  });

  it("keeps every attempt's error, oldest first: a timeout then a 403 may still have been applied", async () => {
    const stub = recordingFetch((_, n) =>
      n === 1 ? new Promise<Response>(() => {}) : fixtureResponse(fixture("html-403-cloudflare"))
    );
    const htx = new HtxClient({ ...KEYS, ...FAST, timeoutMs: 30, fetch: stub.fetch });
    const [unresolved] = (await htx.batchCancel({ orderIds: ["1"] })).unresolved;
    expect(unresolved!.errors.map((e) => e.name)).toEqual(["HtxTimeoutError", "HtxHttpError"]);
    expect(unresolved!.error).toBe(unresolved!.errors[1]);
    expect(unresolved!.mayHaveBeenApplied).toBe(true);
  });
});

describe("HtxNetworkError keeps the cause's code", () => {
  it("says ECONNREFUSED for a closed port, in its message and its JSON, and that nothing was applied", async () => {
    const htx = new HtxClient({ ...KEYS, baseUrl: `http://127.0.0.1:${await closedPort()}`, retry: 0 });
    const [unresolved] = (await htx.batchCancel({ orderIds: ["1"] })).unresolved;
    const error = unresolved!.error as HtxNetworkError;
    expect(error).toBeInstanceOf(HtxNetworkError);
    expect(error.code).toBe("ECONNREFUSED");
    expect(error.message).toBe("The request to HTX failed before an answer arrived (ECONNREFUSED).");
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: "HtxNetworkError", code: "ECONNREFUSED" });
    expect(unresolved!.mayHaveBeenApplied).toBe(false);
  });

  it("reads the first string code along the cause chain", () => {
    const cause = new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: 7 }) });
    (cause.cause as Error).cause = Object.assign(new Error("socket"), { code: "UND_ERR_SOCKET" });
    const error = new HtxNetworkError("The connection broke.", { cause });
    expect(error.code).toBe("UND_ERR_SOCKET");
    expect(error.message).toBe("The connection broke (UND_ERR_SOCKET).");
    expect(new HtxNetworkError("No code here.", { cause: new Error("x") }).message).toBe("No code here.");
  });
});

describe("mayHaveBeenApplied(failure): the rule, one failed attempt at a time", () => {
  const network = (code?: string) =>
    new HtxNetworkError("x", { cause: code === undefined ? new Error("x") : Object.assign(new Error("x"), { code }) });
  const api = (errCode: string, errMsg = "") =>
    new HtxApiError("x", { errCode, errMsg, httpStatus: 200, retryable: false });
  const http = (status: number) => new HtxHttpError("x", { status, bodySnippet: "", retryable: false });
  const sent = (error: HtxError) => ({ error, sent: true });
  const notSent = (error: HtxError) => ({ error, sent: false });

  it.each([
    ["an abort before sending", notSent(new HtxAbortError("x")), false],
    ["a limiter, HMAC or clock failure before sending", notSent(new HtxError("x", false)), false],
    ["a refused input before sending", notSent(new HtxInputError("x")), false],
    ["whatever the error, when the request was never sent", notSent(new HtxTimeoutError("x", 10)), false],
    ["api-signature-not-valid", sent(api("api-signature-not-valid")), false],
    ["login-required", sent(api("login-required")), false],
    ["invalid-parameter (a bad parameter)", sent(api("invalid-parameter", "bad")), false],
    ["invalid-parameter: request limit", sent(api("invalid-parameter", "invalid request limit")), false],
    ["base-request-exceed-frequency-limit", sent(api("base-request-exceed-frequency-limit")), false],
    ["validation-format-error", sent(api("validation-format-error")), false],
    ["base-system-error", sent(api("base-system-error")), true],
    ["gateway timeout envelope", sent(api("timeout")), true],
    ["an unknown err-code", sent(api("something-new")), true],
    ["HTTP 302", sent(http(302)), false],
    ["an opaque redirect (status 0)", sent(http(0)), false],
    ["HTTP 403", sent(http(403)), false],
    ["HTTP 429", sent(http(429)), false],
    ["HTTP 500", sent(http(500)), true],
    ["HTTP 503", sent(http(503)), true],
    ["ECONNREFUSED", sent(network("ECONNREFUSED")), false],
    ["ENOTFOUND", sent(network("ENOTFOUND")), false],
    ["EAI_AGAIN", sent(network("EAI_AGAIN")), false],
    ["UND_ERR_CONNECT_TIMEOUT", sent(network("UND_ERR_CONNECT_TIMEOUT")), false],
    ["CERT_HAS_EXPIRED", sent(network("CERT_HAS_EXPIRED")), false],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", sent(network("DEPTH_ZERO_SELF_SIGNED_CERT")), false],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", sent(network("UNABLE_TO_VERIFY_LEAF_SIGNATURE")), false],
    ["ECONNRESET", sent(network("ECONNRESET")), true],
    ["UND_ERR_SOCKET", sent(network("UND_ERR_SOCKET")), true],
    ["a network error without a code", sent(network()), true],
    ["a timeout", sent(new HtxTimeoutError("x", 10)), true],
    ["an unreadable answer", sent(new HtxResponseError("x", { status: 200, bodySnippet: "", retryable: true })), true],
  ])("%s → %s", (_, failure, expected) => {
    expect(mayHaveBeenApplied(failure)).toBe(expected);
  });
});

describe("classify(result)", () => {
  it("puts every id in one of: cancel accepted, closed, may still be open", async () => {
    const stub = recordingFetch(async (request) => {
      const ids = await idsOf(request);
      if (ids.includes("9")) return fixtureResponse(fixture("error-bad-signature"));
      return okAnswer(["1"], [
        { "order-id": "2", "err-code": "order-orderstate-error", "order-state": 6 },
        { "order-id": "3", "err-code": "order-orderstate-error", "order-state": 7 },
        { "order-id": "4", "err-code": "order-orderstate-error", "order-state": 3 },
        { "order-id": "5", "err-code": "base-not-found" },
      ]);
    });
    const htx = new HtxClient({ ...KEYS, ...FAST, fetch: stub.fetch });
    const first = await htx.batchCancel({ orderIds: ["1", "2", "3", "4", "5"] });
    const second = await htx.batchCancel({ orderIds: ["9"] });
    const { accepted, closed, mayBeOpen } = classify({
      success: first.success,
      failed: first.failed,
      unresolved: second.unresolved,
    });
    expect(accepted).toEqual(["1"]);
    expect(closed.map((f) => [f.orderId, f.outcome])).toEqual([["2", "already-closed"], ["3", "already-closed"]]);
    expect(mayBeOpen.ids).toEqual(["4", "5", "9"]);
    expect(mayBeOpen.failed.map((f) => f.orderId)).toEqual(["4", "5"]);
    expect(mayBeOpen.unresolved.map((u) => [u.id, u.mayHaveBeenApplied])).toEqual([["9", false]]);
  });
});
