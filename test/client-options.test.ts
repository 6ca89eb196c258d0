/**
 * Bad options are `HtxInputError`s that say what to fix, thrown before anything is sent:
 * at their limits (0, NaN, negative, 2^31, Infinity), of the wrong type, or null.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { defaultHmac, HtxClient, type HtxClientOptions, HtxInputError, SlidingWindowLimiter } from "../mod.ts";
import { breakdown, idsOf, KEYS, leaks, okAnswer, recordingFetch, submitAllFetch } from "./helpers.ts";

/** Builds a client with `options` over a fetch that records; the error it throws, if any. */
function construct(options: Record<string, unknown>) {
  const stub = submitAllFetch();
  try {
    new HtxClient({ ...KEYS, fetch: stub.fetch, ...options } as HtxClientOptions);
  } catch (error) {
    return { error, sent: stub.requests.length };
  }
  return { error: undefined, sent: stub.requests.length };
}

describe("new HtxClient: options at their limits", () => {
  it.each([
    ["timeoutMs", 0, /timeoutMs must be an integer from 1 to 2147483647, got 0/],
    ["timeoutMs", -1, /timeoutMs must be an integer from 1/],
    ["timeoutMs", Number.NaN, /timeoutMs .* got NaN/],
    ["timeoutMs", Infinity, /timeoutMs .* got Infinity/],
    ["timeoutMs", 2 ** 31, /timeoutMs .* got 2147483648/],
    ["timeoutMs", 3_000_000_000, /timeoutMs .* got 3000000000/],
    ["timeoutMs", 1.5, /timeoutMs/],
    ["retry", -1, /retry must be an integer from 0 to 100/],
    ["retry", Number.NaN, /retry must be an integer/],
    ["retry", 2 ** 31, /retry must be an integer from 0 to 100/],
    ["retry", null, /retry must be a number of extra attempts or \{ limit, baseDelayMs, maxDelayMs \}, got null/],
    ["retry", "2", /retry must be a number .* got a string/],
    ["retry", { baseDelayMs: 2 ** 31 }, /retry\.baseDelayMs must be an integer from 0 to 2147483647/],
    ["retry", { maxDelayMs: Infinity }, /retry\.maxDelayMs .* got Infinity/],
    ["retry", { baseDelayMs: -5 }, /retry\.baseDelayMs/],
    ["rateLimit", true, /rateLimit must be \{ limit, intervalMs \}, a RateLimiter .* or false, got true/],
    ["rateLimit", 0, /rateLimit must be .* got 0/],
    ["rateLimit", "x", /rateLimit must be .* got a string/],
    ["rateLimit", null, /rateLimit must be .* got null/],
    ["rateLimit", { acquire: "now" }, /rateLimit\.acquire must be a function/],
    ["rateLimit", { limit: 0 }, /limit/],
    ["rateLimit", { limit: Number.NaN }, /limit/],
    ["rateLimit", { intervalMs: Number.NaN }, /intervalMs/],
    ["rateLimit", { intervalMs: -5 }, /intervalMs/],
    ["rateLimit", { maxHoldMs: 5_000 }, /rateLimit\.maxHoldMs \(5000\) must be at least timeoutMs \(10000\)/],
    ["hmac", {}, /hmac must be an HmacBackend .* got an object/],
    ["hmac", null, /hmac must be an HmacBackend .* got null/],
    ["fetch", "fetch", /fetch must be a function, got a string/],
    ["now", 5, /now must be a function, got 5/],
    ["syncTime", "yes", /syncTime must be true or false/],
  ])("refuses %s: %s", (name, value, message) => {
    const { error, sent } = construct({ [name]: value });
    expect(error).toBeInstanceOf(HtxInputError);
    expect((error as Error).message).toMatch(message);
    expect(sent).toBe(0);
  });

  it("refuses an HMAC backend whose keyed() throws at ready() and at every call, redacted, sending nothing", async () => {
    const keyed = vi.fn((secret: string): never => {
      throw new Error(`bad key ${secret}`);
    });
    const stub = submitAllFetch();
    // The key is prepared with the engine, on first use: the constructor only checks the shape.
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, hmac: { name: "broken", keyed } });
    expect(keyed).not.toHaveBeenCalled();
    for (const attempt of [() => htx.ready(), () => htx.batchCancel({ orderIds: ["1"] }), () => htx.ready()]) {
      const error = await attempt().then(() => undefined, (thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(HtxInputError);
      expect((error as Error).message).toMatch(/hmac\.keyed\(secret\) threw/);
      expect(String((error as Error).cause)).not.toContain(KEYS.secretKey);
    }
    expect(keyed).toHaveBeenCalledTimes(1);
    expect(stub.requests).toHaveLength(0);
  });

  it("refuses an HMAC backend whose keyed() returns no signing function, at ready() and at the first call", async () => {
    const stub = submitAllFetch();
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, hmac: { name: "odd", keyed: () => "mac" as never } });
    await expect(htx.ready()).rejects.toThrow(
      /hmac\.keyed\(secret\) must return a function that signs text, got a string/,
    );
    await expect(htx.batchCancel({ orderIds: ["1"] })).rejects.toThrow(HtxInputError);
    expect(stub.requests).toHaveLength(0);
  });

  it("hands a custom RateLimiter's acquire() a signal, with or without a caller's signal", async () => {
    const given: unknown[] = [];
    // Written against the interface's `acquire(signal)`: it uses the signal without checking.
    const limiter = {
      acquire: (signal?: AbortSignal) => {
        given.push(signal);
        AbortSignal.any([signal!]);
        return Promise.resolve();
      },
    };
    const stub = submitAllFetch();
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, rateLimit: limiter });
    const ids = Array.from({ length: 120 }, (_, i) => String(1000 + i));
    expect(breakdown(await htx.batchCancel({ orderIds: ids }))).toEqual({ success: 120, failed: {}, unresolved: {} });
    await htx.batchCancel({ orderIds: ["1"] }, { signal: new AbortController().signal });
    expect(given.map((signal) => signal instanceof AbortSignal)).toEqual([true, true, true, true]);
  });

  it("hands a signal to a SlidingWindowLimiter subclass's own acquire() too: only the built-in one goes without", async () => {
    const given: unknown[] = [];
    class Watched extends SlidingWindowLimiter {
      override acquire(signal?: AbortSignal) {
        given.push(signal);
        AbortSignal.any([signal!]); // written against the interface: it uses the signal without checking
        return super.acquire(signal);
      }
    }
    const stub = submitAllFetch();
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, rateLimit: new Watched() });
    expect(breakdown(await htx.batchCancel({ orderIds: ["1", "2"] }))).toEqual({
      success: 2,
      failed: {},
      unresolved: {},
    });
    expect(given.map((signal) => signal instanceof AbortSignal)).toEqual([true]);
    // The built-in acquire() is asked without one (it needs none).
    const builtIn = vi.spyOn(SlidingWindowLimiter.prototype, "acquire");
    try {
      await new HtxClient({ ...KEYS, fetch: stub.fetch, rateLimit: new SlidingWindowLimiter() }).batchCancel({
        orderIds: ["3"],
      });
      expect(builtIn.mock.calls).toEqual([[undefined]]);
    } finally {
      builtIn.mockRestore();
    }
  });

  it("prepares an HMAC backend's key once per client, for the cancels and the listings alike", async () => {
    const keyed = vi.fn(defaultHmac.keyed);
    const stub = recordingFetch(async (request) =>
      request.method === "GET" ? Response.json({ status: "ok", data: [] }) : okAnswer(await idsOf(request))
    );
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, hmac: { ...defaultHmac, keyed } });
    await htx.batchCancel({ orderIds: ["1"] });
    await htx.listOpenOrders({ accountId: "10000001" });
    expect(stub.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
    expect(keyed).toHaveBeenCalledTimes(1);
  });

  it.each([
    [{ timeout: 1 }, /HtxClient's options has no field "timeout" \(did you mean "timeoutMs"\?\)/],
    [{ secret: "x" }, /HtxClient's options has no field "secret" \(did you mean "secretKey"\?\)/],
    [{ retry: { limt: 1 } }, /retry has no field "limt" \(did you mean "limit"\?\)/],
    [{ rateLimit: { limt: 5, intervalMs: 2000 } }, /rateLimit has no field "limt" \(did you mean "limit"\?\)/],
    [{ rateLimit: { openOrder: { limit: 5 } } }, /rateLimit has no field "openOrder" \(did you mean "openOrders"\?\)/],
    [{ rateLimit: { openOrders: { bogus: 1 } } }, /rateLimit\.openOrders has no field "bogus": expected \{ limit\?/],
    [{ rateLimit: { openOrders: {} } }, /rateLimit\.openOrders must be .* got an object: leave it out for HTX's own/],
    [{ rateLimit: { accounts: [] } }, /rateLimit\.accounts must be .* got an array/],
    [
      { rateLimit: { limit: 50, restore: [] } },
      /rateLimit\.restore: a client's own window starts empty; pass new SlidingWindowLimiter\(\{ restore, \.\.\. \}\)/,
    ],
    [
      { rateLimit: { openOrders: { restore: [] } } },
      /rateLimit\.openOrders\.restore: a client's own window starts empty/,
    ],
    [{ accessKey: ` ${KEYS.accessKey}\n` }, /accessKey holds whitespace or control characters/],
    [{ accessKey: `${KEYS.accessKey}\u0000` }, /accessKey holds whitespace or control characters/],
    // The ends of \p{Cc} (C0 and C1) and whitespace beyond ASCII.
    [{ accessKey: `${KEYS.accessKey}\u001f` }, /accessKey holds whitespace or control characters/],
    [{ accessKey: `\u007f${KEYS.accessKey}` }, /accessKey holds whitespace or control characters/],
    [{ accessKey: `${KEYS.accessKey}\u0085` }, /accessKey holds whitespace or control characters/],
    [{ accessKey: `${KEYS.accessKey}\u009f` }, /accessKey holds whitespace or control characters/],
    [{ accessKey: `${KEYS.accessKey}\u00a0` }, /accessKey holds whitespace or control characters/],
    [{ accessKey: `${KEYS.accessKey}\u3000` }, /accessKey holds whitespace or control characters/],
  ])("refuses %j, naming the field and what was meant", (options, message) => {
    const { error, sent } = construct(options);
    expect(error).toBeInstanceOf(HtxInputError);
    expect((error as Error).message).toMatch(message);
    expect(leaks((error as Error).message)).toEqual([]);
    expect(sent).toBe(0);
  });

  it("accepts an accessKey of printable characters next to the refused ranges (~ and !, U+00A1, U+00FF)", () => {
    for (const accessKey of [`${KEYS.accessKey}~!`, `${KEYS.accessKey}\u00a1`, `\u00ff${KEYS.accessKey}`]) {
      expect(construct({ accessKey }).error).toBeUndefined();
    }
  });

  it("accepts a simulated key spread in as it is (uid, permissions)", () => {
    expect(construct({ uid: 1, permissions: ["read", "trade"] }).error).toBeUndefined();
  });

  it("accepts the limits themselves: timeoutMs 1 and 2^31−1, retry 0 and 100", () => {
    for (const options of [{ timeoutMs: 1 }, { timeoutMs: 2 ** 31 - 1 }, { retry: 0 }, { retry: 100 }]) {
      expect(construct(options).error).toBeUndefined();
    }
  });
});

describe("batchCancel: call options", () => {
  it.each([
    ["null options", null, /batchCancel's options must be \{ signal\?, onProgress\? \}, got null/],
    ["options that are a string", "fast", /options must be .* got a string/],
    ["a signal that is a plain object", { signal: {} }, /options\.signal must be an AbortSignal, got an object/],
    ["an onProgress that is not a function", { onProgress: 1 }, /options\.onProgress must be a function/],
    ["a misspelt signal", { sigal: AbortSignal.abort() }, /options has no field "sigal" \(did you mean "signal"\?\)/],
  ])("refuses %s with HtxInputError before sending", async (_, options, message) => {
    const stub = submitAllFetch();
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const call = htx.batchCancel({ orderIds: ["1"] }, options as never);
    await expect(call).rejects.toBeInstanceOf(HtxInputError);
    await expect(call).rejects.toThrow(message);
    expect(stub.requests).toHaveLength(0);
  });

  it("names listOpenOrders, not batchCancel, when its options are wrong", async () => {
    const stub = submitAllFetch();
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const call = htx.listOpenOrders({ accountId: "10000001" }, { sigal: AbortSignal.abort() } as never);
    await expect(call).rejects.toThrow(/listOpenOrders's options has no field "sigal" \(did you mean "signal"\?\)/);
    expect(stub.requests).toHaveLength(0);
  });
});

describe("the client's own rate limiter holds a slot as long as its request can be in flight", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("with timeoutMs 60 s and answers 31 s after sending, sends the next request only after the answer", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
    const answeredAt: number[] = [];
    const sentAt: number[] = [];
    const stub = recordingFetch(async (request) => {
      sentAt.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 31_000));
      answeredAt.push(Date.now());
      return okAnswer(await idsOf(request));
    });
    // One request per window: the second chunk waits for the first one's slot.
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, timeoutMs: 60_000, rateLimit: { limit: 1 } });
    const call = htx.batchCancel({ orderIds: Array.from({ length: 60 }, (_, i) => String(i + 1)) });
    await vi.advanceTimersByTimeAsync(120_000);
    const result = await call;
    expect(result.success).toHaveLength(60);
    expect(sentAt).toHaveLength(2);
    expect(sentAt[1]).toBeGreaterThanOrEqual(answeredAt[0]!);
  });
});
