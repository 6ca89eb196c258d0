import { spawnSync } from "node:child_process";
import { getEventListeners } from "node:events";
import process from "node:process";
import { describe, expect, it } from "vitest";
import {
  defaultHmac,
  type HmacBackend,
  HtxAbortError,
  HtxApiError,
  HtxClient,
  type HtxClientOptions,
  type HtxClientSettings,
  HtxError,
  HtxNetworkError,
  HtxResponseError,
  HtxTimeoutError,
} from "../mod.ts";
import { createHtxSimulator } from "../src/testing/mod.ts";
import {
  breakdown,
  everyRendering,
  fixture,
  fixtureResponse,
  idsOf,
  KEYS,
  leaks,
  okAnswer,
  recordingFetch,
  signaturesOf,
  stuckHmac,
  submitAllFetch,
  within,
} from "./helpers.ts";

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => String(from + i));
const param = (request: Request, name: string) => new URL(request.url).searchParams.get(name);
/** Resolves when `signal` aborts. */
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
/** Retries without waiting: the backoff is not what these tests are about. */
const FAST: HtxClientSettings = { retry: { limit: 2, baseDelayMs: 0 }, rateLimit: false };

/** The call's result once `signal` has aborted; the test fails if it is still pending 500 ms later. */
async function settledSoonAfterAbort<T>(signal: AbortSignal, call: Promise<T>, waitedFor: string): Promise<T> {
  await aborted(signal);
  const result = await within(500, call);
  if (result === "still pending") expect.fail(`batchCancel ${waitedFor} 500 ms after the abort`);
  return result;
}

function expectEveryIdOnce(result: Awaited<ReturnType<HtxClient["batchCancel"]>>, expected: string[]) {
  const seen = [
    ...result.success,
    ...result.failed.map((f) => f.orderId ?? f.clientOrderId!),
    ...result.unresolved.map((u) => u.id),
  ];
  expect(seen.sort()).toEqual([...expected].sort());
}

describe("batchCancel chunking", () => {
  it.each([
    [1, [1]],
    [50, [50]],
    [51, [50, 1]],
    [2000, Array(40).fill(50)],
  ])("sends %i ids in requests of %j ids", async (count, sizes) => {
    const stub = submitAllFetch();
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const all = ids(count, 100);
    const result = await htx.batchCancel({ orderIds: all });
    const sent = await Promise.all(stub.requests.map(idsOf));
    expect(sent.map((s) => s.length)).toEqual(sizes);
    expect(sent.flat()).toEqual(all);
    expect(result).toEqual({ success: all, failed: [], unresolved: [] });
  });

  it("reports progress after each request, in ids", async () => {
    const stub = submitAllFetch();
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const seen: { done: number; total: number }[] = [];
    await htx.batchCancel({ orderIds: ids(120) }, { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.total)).toEqual([120, 120, 120]);
    const done = seen.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(120);
    const steps = done.map((d, i) => d - (done[i - 1] ?? 0));
    expect(steps.sort((a, b) => a - b)).toEqual([20, 50, 50]);
  });

  it("keeps accounting when the progress callback throws", async () => {
    const stub = submitAllFetch();
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const result = await htx.batchCancel({ orderIds: ids(60) }, {
      onProgress: () => {
        throw new Error("UI crashed");
      },
    });
    expect(result.success).toHaveLength(60);
  });
});

describe("batchCancel progress and the caller's signal", () => {
  it("keeps accounting, with no unhandled rejection, when an async progress callback rejects", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const htx = new HtxClient({ ...KEYS, fetch: submitAllFetch().fetch });
      const result = await htx.batchCancel({ orderIds: ids(120) }, {
        onProgress: async () => {
          throw new Error("UI gone");
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 0)); // unhandled rejections surface by now
      expect(result.success).toHaveLength(120);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("adds one abort listener to the caller's signal for 10,000 ids, and removes it when done", async () => {
    const controller = new AbortController();
    let most = 0;
    const stub = recordingFetch(async (request) => {
      most = Math.max(most, getEventListeners(controller.signal, "abort").length);
      return okAnswer(await idsOf(request));
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      // 200 requests, 50 per window: 150 wait in the limiter at first, each with its own signal.
      const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, rateLimit: { limit: 50, intervalMs: 10 } });
      const result = await htx.batchCancel({ orderIds: ids(10_000) }, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 0)); // warnings are emitted on a later tick
      expect(result.success).toHaveLength(10_000);
      expect(most).toBe(1);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("batchCancel failures of the caller's own parts, reported as what they are", () => {
  const hsmOffline: HtxClientOptions["hmac"] = {
    name: "broken",
    keyed: () => () => {
      throw new Error("HSM offline");
    },
  };
  it.each([
    [
      "a rate limiter whose acquire rejects",
      { rateLimit: { acquire: () => Promise.reject(new Error("redis down")) } },
      /rate limiter's acquire\(\) failed/,
    ],
    ["an HMAC backend that throws", { hmac: hsmOffline }, /Signing the request failed \(the HMAC backend threw\)/],
    ["a now() that throws", {
      now: () => {
        throw new Error("no clock");
      },
    }, /options\.now threw/],
    ["a now() that returns NaN", { now: () => NaN }, /options\.now returned NaN/],
  ] as [string, HtxClientSettings, RegExp][])(
    "%s: an HtxError saying so, nothing sent, nothing applied",
    async (_, options, message) => {
      const stub = submitAllFetch();
      const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, ...options });
      const [unresolved] = (await htx.batchCancel({ orderIds: ["1"] })).unresolved;
      expect(stub.requests).toHaveLength(0);
      expect(unresolved!.error).toBeInstanceOf(HtxError);
      expect(unresolved!.error).not.toBeInstanceOf(HtxAbortError);
      expect(unresolved!.error.message).toMatch(message);
      expect(unresolved!.mayHaveBeenApplied).toBe(false);
    },
  );

  it.each([
    ["null", null],
    ["a plain object", { status: "200" }],
  ])("a fetch resolving to %s: an HtxResponseError that says so, possibly applied", async (shown, value) => {
    const htx = new HtxClient({ ...KEYS, retry: 0, fetch: () => Promise.resolve(value as unknown as Response) });
    const [unresolved] = (await htx.batchCancel({ orderIds: ["1"] })).unresolved;
    expect(unresolved!.error).toBeInstanceOf(HtxResponseError);
    expect(unresolved!.error.message).toMatch(
      new RegExp(`options\\.fetch resolved to ${shown === "null" ? "null" : "object"} instead of a Response`),
    );
    expect(unresolved!.mayHaveBeenApplied).toBe(true);
  });

  it.each([
    ["throws", () => {
      throw new Error("redis: connection lost");
    }],
    ["throws a non-Error", () => {
      throw null;
    }],
  ])("a rate limiter whose release() %s: the cancels' answers still count", async (_, release) => {
    const stub = submitAllFetch();
    const limiter = { acquire: () => Promise.resolve(release as () => void) };
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, rateLimit: limiter });
    const result = await htx.batchCancel({ orderIds: ids(60) });
    expect(breakdown(result)).toEqual({ success: 60, failed: {}, unresolved: {} });
    expect(stub.requests).toHaveLength(2);
  });

  it("a listing rate limiter whose release() throws: cancelAllOpen still lists, cancels and confirms", async () => {
    const orders = Array.from(
      { length: 3 },
      (_, i) => ({ uid: 1, orderId: String(100 + i), state: "submitted" as const }),
    );
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], orders });
    const throwing = {
      acquire: () =>
        Promise.resolve(() => {
          throw new Error("redis: connection lost");
        }),
    };
    const htx = new HtxClient({
      ...KEYS,
      baseUrl: "http://127.0.0.1",
      fetch: sim.fetch,
      rateLimit: { openOrders: throwing, accounts: throwing, batchCancelOpenOrders: throwing },
    });
    const result = await htx.cancelAllOpen(undefined, { sweep: false });
    expect(breakdown(result)).toEqual({ success: 3, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
  });

  it("redacts the request's own Signature and AccessKeyId from a refusal's err-msg", async () => {
    const stub = recordingFetch((request) => {
      const signature = new URL(request.url).searchParams.get("Signature")!;
      return okAnswer([], [{ "order-id": "1", "err-code": "x", "err-msg": `sig ${signature} key ${KEYS.accessKey}` }]);
    });
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.failed[0]!.errMsg).toBe("sig [REDACTED] key [REDACTED]");
    expect(leaks(everyRendering(result), signaturesOf(stub.requests))).toEqual([]);
  });
});

describe("batchCancel accounting", () => {
  it("puts every id in exactly one list: submitted, failed with state, or not mentioned", async () => {
    const stub = recordingFetch(() =>
      okAnswer(["1", "999"], [
        { "order-id": "2", "err-code": "order-orderstate-error", "err-msg": "Incorrect order state", "order-state": 6 },
        { "order-id": "3", "err-code": "base-not-found", "err-msg": "The record is not found." },
      ])
    );
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const result = await htx.batchCancel({ orderIds: ["1", "2", "3", "4"] });
    expect(result.success).toEqual(["1"]);
    expect(result.failed).toEqual([
      {
        orderId: "2",
        errCode: "order-orderstate-error",
        errMsg: "Incorrect order state",
        orderState: 6,
        state: "filled",
        outcome: "already-closed",
      },
      { orderId: "3", errCode: "base-not-found", errMsg: "The record is not found.", outcome: "may-be-open" },
    ]);
    expect(result.unresolved).toHaveLength(1);
    expect(result.unresolved[0]!.id).toBe("4");
    expect(result.unresolved[0]!.error).toBeInstanceOf(HtxResponseError);
    expect(result.unresolved[0]!.error.message).toMatch(/does not mention id 4/);
  });

  it("matches client-id failures by client-order-id", async () => {
    const stub = recordingFetch(() => fixtureResponse(fixture("client-ids-failed")));
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const result = await htx.batchCancel({ clientOrderIds: ["grid-1", "grid-2", "grid-3"] });
    expect(result.success).toEqual(["grid-1"]);
    expect(result.failed.map((f) => [f.clientOrderId, f.state])).toEqual([["grid-2", "filled"], ["grid-3", undefined]]);
    expect(result.unresolved).toEqual([]);
  });

  it("reports a whole chunk unresolved with HTX's error when HTX refuses the request", async () => {
    const stub = recordingFetch(() => fixtureResponse(fixture("error-bad-signature")));
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const result = await htx.batchCancel({ orderIds: ids(3) });
    expect(result.unresolved.map((u) => u.id)).toEqual(["1", "2", "3"]);
    expect(result.unresolved[0]!.error).toBeInstanceOf(HtxApiError);
    expect(result.unresolved[0]!.error).toMatchObject({ errCode: "api-signature-not-valid" });
  });
});

describe("batchCancel retries", () => {
  it("retries an unknown outcome with a freshly signed request", async () => {
    let clock = Date.UTC(2026, 10, 26, 12, 0, 0);
    const stub = recordingFetch(async (request, n) =>
      n === 1 ? fixtureResponse(fixture("html-502")) : okAnswer(await idsOf(request))
    );
    const htx = new HtxClient({ ...KEYS, ...FAST, fetch: stub.fetch, now: () => (clock += 1000) });
    const result = await htx.batchCancel({ orderIds: ["7"] });
    expect(result.success).toEqual(["7"]);
    expect(stub.requests).toHaveLength(2);
    const [first, second] = stub.requests as [Request, Request];
    expect(param(first, "Timestamp")).not.toBe(param(second, "Timestamp"));
    expect(param(first, "Signature")).not.toBe(param(second, "Signature"));
    expect(await second.text()).toBe(await first.text());
  });

  it.each([
    ["a network error", () => Promise.reject(new TypeError("fetch failed"))],
    ["a 503 page", () => new Response("<html>503</html>", { status: 503 })],
    ["HTTP 429", () => fixtureResponse(fixture("http-429"))],
    ["a 200 HTML page", () => fixtureResponse(fixture("html-200-maintenance"))],
    ["truncated JSON", () => fixtureResponse(fixture("truncated-json"))],
    ["an empty body", () => fixtureResponse(fixture("empty-body"))],
    ["base-system-error", () => fixtureResponse(fixture("error-system"))],
    ["a rate-limit envelope", () => fixtureResponse(fixture("error-rate-limited"))],
    ["invalid-parameter: request limit", () => fixtureResponse(fixture("error-request-limit"))],
  ])("retries %s, then succeeds", async (_, firstAnswer) => {
    const stub = recordingFetch(async (request, n) => (n === 1 ? firstAnswer() : okAnswer(await idsOf(request))));
    const htx = new HtxClient({ ...KEYS, ...FAST, rateLimit: { intervalMs: 10 }, fetch: stub.fetch });
    expect((await htx.batchCancel({ orderIds: ["1"] })).success).toEqual(["1"]);
    expect(stub.requests).toHaveLength(2);
  });

  it.each([
    ["an ok answer", () => okAnswer([])],
    ["a bad signature", () => fixtureResponse(fixture("error-bad-signature"))],
    ["a parameter error", () => fixtureResponse(fixture("error-empty-list"))],
    ["a 403 page", () => fixtureResponse(fixture("html-403-cloudflare"))],
    ["a 400", () => new Response("bad", { status: 400 })],
    ["a 302 redirect", () => new Response(null, { status: 302, headers: { location: "https://elsewhere.example/" } })],
  ])("does not retry %s", async (_, answer) => {
    const stub = recordingFetch(answer);
    const htx = new HtxClient({ ...KEYS, ...FAST, fetch: stub.fetch });
    await htx.batchCancel({ orderIds: ["1"] });
    expect(stub.requests).toHaveLength(1);
  });

  it("stops after `retry` extra attempts and reports the last error", async () => {
    const stub = recordingFetch(() => fixtureResponse(fixture("html-502")));
    const htx = new HtxClient({ ...KEYS, ...FAST, retry: { limit: 3, baseDelayMs: 0 }, fetch: stub.fetch });
    const result = await htx.batchCancel({ orderIds: ["1", "2"] });
    expect(stub.requests).toHaveLength(4);
    expect(result.unresolved.map((u) => [u.id, u.error.name])).toEqual([["1", "HtxHttpError"], ["2", "HtxHttpError"]]);
  });

  it("sends once with retry: 0", async () => {
    const stub = recordingFetch(() => Promise.reject(new TypeError("fetch failed")));
    const htx = new HtxClient({ ...KEYS, retry: 0, fetch: stub.fetch });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(stub.requests).toHaveLength(1);
    expect(result.unresolved[0]!.error).toBeInstanceOf(HtxNetworkError);
  });
});

describe("batchCancel timeouts and aborts", () => {
  it("gives up on a request after timeoutMs, even when fetch ignores its signal", async () => {
    let signal: AbortSignal | undefined;
    const hang = (_url: string, init: RequestInit) => {
      signal = init.signal!;
      return new Promise<Response>(() => {});
    };
    const htx = new HtxClient({ ...KEYS, fetch: hang, timeoutMs: 30, retry: 0 });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    const error = result.unresolved[0]!.error;
    expect(error).toBeInstanceOf(HtxTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 30, retryable: true });
    expect(error.message).toMatch(/may or may not have been applied/);
    expect(signal!.aborted).toBe(true);
  });

  it("times out an answer whose body never ends", async () => {
    const stalled = () => new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode("{")) }));
    const htx = new HtxClient({ ...KEYS, fetch: async () => stalled(), timeoutMs: 30, retry: 0 });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.unresolved[0]!.error).toBeInstanceOf(HtxTimeoutError);
  });

  it("on abort, sends no new chunk, awaits the one in flight, and reports unsent ids as HtxAbortError", async () => {
    const controller = new AbortController();
    const stub = recordingFetch(async (request) => {
      controller.abort(); // the caller gives up while this request is in flight
      await new Promise((r) => setTimeout(r, 20));
      return okAnswer(await idsOf(request));
    });
    // One request per 10 s: the other chunks wait in the limiter when the abort comes.
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, rateLimit: { limit: 1, intervalMs: 10_000 } });
    const all = ids(130);
    const result = await htx.batchCancel({ orderIds: all }, { signal: controller.signal });
    expect(stub.requests).toHaveLength(1);
    expect(result.success).toEqual(all.slice(0, 50));
    expect(result.unresolved.map((u) => u.id)).toEqual(all.slice(50));
    for (const { error } of result.unresolved) {
      expect(error).toBeInstanceOf(HtxAbortError);
      expect(error.message).toMatch(/not sent/);
    }
    expectEveryIdOnce(result, all);
  });

  it("sends nothing when the signal is already aborted", async () => {
    const stub = submitAllFetch();
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const result = await htx.batchCancel({ orderIds: ids(60) }, { signal: AbortSignal.abort() });
    expect(stub.requests).toHaveLength(0);
    expect(result.unresolved).toHaveLength(60);
  });

  it("on abort, does not wait for an HMAC backend that never settles: nothing sent, nothing applied", async () => {
    const stub = submitAllFetch();
    const caller = new AbortController();
    // The caller gives up 100 ms after the first signature was asked for.
    const hmac = stuckHmac((_, n) => {
      if (n === 1) setTimeout(() => caller.abort(), 100);
      return true;
    });
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, hmac });
    const all = ids(120);
    const cancelling = htx.batchCancel({ orderIds: all }, { signal: caller.signal });
    const result = await settledSoonAfterAbort(caller.signal, cancelling, "had not resolved");
    expect(hmac.texts.length).toBeGreaterThan(0);
    expect(stub.requests).toHaveLength(0);
    expect(breakdown(result)).toEqual({ success: 0, failed: {}, unresolved: { "HtxAbortError:not-applied": 120 } });
    expectEveryIdOnce(result, all);
  });

  it("without a signal, gives up on an HMAC backend that never settles after timeoutMs: nothing sent", async () => {
    const stub = submitAllFetch();
    const hmac = stuckHmac(() => true);
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, hmac, timeoutMs: 200, retry: 1 });
    const all = ids(120);
    const result = await within(5_000, htx.batchCancel({ orderIds: all }));
    if (result === "still pending") throw new Error(`batchCancel still pending 5 s after a 200 ms timeoutMs`);
    expect(stub.requests).toHaveLength(0);
    expect(hmac.texts).toHaveLength(6); // each of the 3 chunks signed twice: nothing was sent, so it was tried again
    expect(result.unresolved.map((u) => [u.error.name, u.mayHaveBeenApplied])).toEqual(
      all.map(() => ["HtxError", false]),
    );
    expect(result.unresolved[0]!.error.message).toBe(
      "Signing the request failed (the HMAC backend did not answer within timeoutMs, 200 ms); these ids were not sent.",
    );
    expectEveryIdOnce(result, all);
  });

  it("does not hold the process open with a signature's time limit once the call has settled", () => {
    // A 20 s timeoutMs and a backend that never answers; the caller gives up after 100 ms.
    const code = `
      import { HtxClient } from "./dist/mod.js";
      const htx = new HtxClient({ accessKey: "a", secretKey: "s", timeoutMs: 20000,
        hmac: { name: "hangs", keyed: () => () => new Promise(() => {}) } });
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 100);
      const result = await htx.batchCancel({ orderIds: ["1"] }, { signal: stop.signal });
      console.log(result.unresolved.length);`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
      cwd: new URL("../", import.meta.url).pathname,
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(child.signal, "still running 10 s later: killed").toBeNull();
    expect({ status: child.status, stdout: child.stdout.trim() }, child.stderr).toEqual({ status: 0, stdout: "1" });
  }, 15_000);

  it("signs again after a signature that did not come within timeoutMs, and sends that", async () => {
    const stub = submitAllFetch();
    const hmac = stuckHmac((_, n) => n === 1); // the first signature asked for never comes
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, hmac, timeoutMs: 200 });
    const all = ids(120);
    const result = await htx.batchCancel({ orderIds: all });
    expect(result.success).toHaveLength(120);
    expect(hmac.texts).toHaveLength(4);
    expect(stub.requests).toHaveLength(3);
  });

  it("waits for a slow HMAC backend that answers within timeoutMs", async () => {
    const stub = submitAllFetch();
    const slow: HmacBackend = {
      name: "slow",
      keyed: (secret) => {
        const mac = defaultHmac.keyed(secret);
        return (text) => new Promise((resolve) => setTimeout(() => resolve(mac(text)), 50));
      },
    };
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, hmac: slow, timeoutMs: 1000 });
    const result = await htx.batchCancel({ orderIds: ids(60) });
    expect(result.success).toHaveLength(60);
    expect(stub.requests).toHaveLength(2);
  });

  it("on abort, reports the chunks whose signing hangs as not sent, and the chunk answered as answered", async () => {
    const caller = new AbortController();
    // The first chunk is signed, sent and answered; the caller gives up 100 ms after its answer.
    const stub = recordingFetch(async (request) => {
      setTimeout(() => caller.abort(), 100);
      return okAnswer(await idsOf(request));
    });
    const hmac = stuckHmac((_, n) => n > 1);
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, hmac });
    const all = ids(120);
    const cancelling = htx.batchCancel({ orderIds: all }, { signal: caller.signal });
    const result = await settledSoonAfterAbort(caller.signal, cancelling, "had not resolved");
    expect(hmac.texts).toHaveLength(3);
    expect(stub.requests).toHaveLength(1);
    expect(result.success).toEqual(all.slice(0, 50));
    expect(breakdown(result)).toEqual({ success: 50, failed: {}, unresolved: { "HtxAbortError:not-applied": 70 } });
    expectEveryIdOnce(result, all);
  });

  it("keeps the error of a sent attempt when the abort comes before its retry", async () => {
    const controller = new AbortController();
    const stub = recordingFetch(() => {
      controller.abort();
      return fixtureResponse(fixture("html-502"));
    });
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, retry: { limit: 2, baseDelayMs: 50 } });
    const result = await htx.batchCancel({ orderIds: ["1"] }, { signal: controller.signal });
    expect(stub.requests).toHaveLength(1);
    expect(result.unresolved[0]!.error.name).toBe("HtxHttpError");
  });
});

describe("batchCancel clock sync", () => {
  /** An HTX stand-in whose clock is `skewMs` ahead of the caller's, with a 60 s window. */
  function skewedHtx(skewMs: number) {
    const stub = recordingFetch(async (request) => {
      const serverNow = Date.now() + skewMs;
      const url = new URL(request.url);
      if (url.pathname === "/v1/common/timestamp") return Response.json({ status: "ok", data: serverNow });
      const sentAt = Date.parse(`${url.searchParams.get("Timestamp")}Z`);
      if (Math.abs(sentAt - serverNow) > 60_000) return fixtureResponse(fixture("error-stale-timestamp"));
      return okAnswer(await idsOf(request));
    });
    return stub;
  }

  it.each([["ahead", 600_000], ["behind", -600_000]])(
    "with HTX's clock 10 min %s, reads /v1/common/timestamp, corrects, and retries once",
    async (_, skew) => {
      const stub = skewedHtx(skew);
      const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
      expect((await htx.batchCancel({ orderIds: ["1"] })).success).toEqual(["1"]);
      expect(stub.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
        "POST /v1/order/orders/batchcancel",
        "GET /v1/common/timestamp",
        "POST /v1/order/orders/batchcancel",
      ]);
      // The offset is kept: the next call is right the first time.
      expect((await htx.batchCancel({ orderIds: ["2"] })).success).toEqual(["2"]);
      expect(stub.requests).toHaveLength(4);
    },
  );

  it("syncs once for many chunks that hit the stale timestamp together", async () => {
    const stub = skewedHtx(600_000);
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch });
    const result = await htx.batchCancel({ orderIds: ids(500) });
    expect(result.success).toHaveLength(500);
    expect(stub.requests.filter((r) => r.method === "GET")).toHaveLength(1);
  });

  it("on abort, does not wait for HTX's clock or a re-signing that hang: the stale answer stands, not applied", async () => {
    for (const hang of ["the clock", "the re-signing"]) {
      const caller = new AbortController();
      // Refused as stale; then either the timestamp never answers, or it does and the request's
      // re-signing hangs. The caller gives up as that starts.
      const stub = recordingFetch((request) => {
        if (new URL(request.url).pathname !== "/v1/common/timestamp") {
          return fixtureResponse(fixture("error-stale-timestamp"));
        }
        if (hang === "the re-signing") return Response.json({ status: "ok", data: Date.now() });
        caller.abort();
        return new Promise<Response>(() => {});
      });
      const hmac = stuckHmac((_, n) => {
        if (n === 1) return false;
        caller.abort();
        return true;
      });
      const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, hmac, timeoutMs: 10_000 });
      const cancelling = htx.batchCancel({ orderIds: ["1"] }, { signal: caller.signal });
      const result = await settledSoonAfterAbort(caller.signal, cancelling, `waited for ${hang}`);
      expect(stub.requests.map((r) => new URL(r.url).pathname)).toEqual([
        "/v1/order/orders/batchcancel",
        "/v1/common/timestamp",
      ]);
      expect(breakdown(result)).toEqual({
        success: 0,
        failed: {},
        unresolved: { "HtxApiError:api-signature-not-valid:not-applied": 1 },
      });
    }
  });

  it("with syncTime: false, reports the ids unresolved with an error that says the clock is off", async () => {
    const stub = skewedHtx(600_000);
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, syncTime: false });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(stub.requests).toHaveLength(1);
    expect(result.unresolved[0]!.error).toBeInstanceOf(HtxApiError);
    expect(result.unresolved[0]!.error.message).toMatch(/clock is off/);
  });
});

describe("batchCancel rate limiting", () => {
  it("sends 120 chunks no faster than 50 per 2 s window", async () => {
    const sentAt: number[] = [];
    const stub = recordingFetch(async (request) => {
      sentAt.push(performance.now());
      return okAnswer(await idsOf(request));
    });
    // A scaled-down window keeps this test quick; the arithmetic is the same.
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, rateLimit: { limit: 50, intervalMs: 200, marginMs: 10 } });
    const result = await htx.batchCancel({ orderIds: ids(6000) });
    expect(result.success).toHaveLength(6000);
    sentAt.sort((a, b) => a - b);
    for (let i = 50; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 50]!).toBeGreaterThanOrEqual(200);
  });
});
