/**
 * The promise: no error, result, client, log line, JSON or inspection shows the secret, the
 * AccessKeyId or a Signature. Every outcome below is rendered every way we know and scanned.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { HtxClient, HtxError, HtxNetworkError, parseBatchCancelResponse, redactUrl } from "../mod.ts";
import {
  allFixtures,
  breakdown,
  everyRendering,
  fixtureResponse,
  KEYS,
  leaks,
  recordingFetch,
  signaturesOf,
} from "./helpers.ts";

/** Answers that echo the signed URL back, the way a proxy or a debug page might. */
function echoingAnswers(request: Request, n: number): Response | Promise<Response> {
  const url = request.url;
  switch (n % 6) {
    case 0:
      return Promise.reject(new TypeError(`fetch failed: ${url}`, { cause: new Error(`connect ${url}`) }));
    case 1:
      return new Response(`<html>502 for ${url} key=${KEYS.accessKey}</html>`, { status: 502 });
    case 2:
      return new Response(`<html>maintenance ${url}</html>`, { status: 200 });
    case 3:
      return Response.json({ status: "error", "err-code": "bad-request", "err-msg": `bad ${url} ${KEYS.accessKey}` });
    case 4:
      return new Response(null, { status: 302, headers: { location: url } });
    default:
      return new Response(`{"status":"ok","data":{"success":"${url}"}}`);
  }
}

describe("credentials never show", () => {
  it("in any error, result or client, however it is rendered", async () => {
    const stub = recordingFetch(echoingAnswers);
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, retry: { limit: 1, baseDelayMs: 0 }, rateLimit: false });
    const result = await htx.batchCancel({ orderIds: Array.from({ length: 600 }, (_, i) => String(i + 1)) });
    expect(result.unresolved.length).toBe(600);
    expect(new Set(result.unresolved.map((u) => u.error.name))).toEqual(
      new Set(["HtxNetworkError", "HtxHttpError", "HtxResponseError", "HtxApiError"]),
    );
    const signatures = signaturesOf(stub.requests);
    expect(signatures.length).toBeGreaterThan(0);
    const rendered = [
      everyRendering(result),
      everyRendering(htx),
      ...result.unresolved.map((u) => everyRendering(u.error)),
    ];
    expect(leaks(rendered.join("\n"), signatures)).toEqual([]);
  });

  it("in the request attached to an error, whose URL is redacted", async () => {
    const stub = recordingFetch(() => new Response("<html>503</html>", { status: 503 }));
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, retry: 0 });
    const { unresolved } = await htx.batchCancel({ orderIds: ["1"] });
    const { request } = unresolved[0]!.error;
    expect(request!.method).toBe("POST");
    expect(request!.url).toMatch(
      /^https:\/\/api\.huobi\.pro\/v1\/order\/orders\/batchcancel\?AccessKeyId=\[REDACTED\]&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=[\d-]+T[\d%A]+&Signature=\[REDACTED\]$/,
    );
  });

  it("in errors of every recorded answer", async () => {
    for (const fx of allFixtures()) {
      const error = await parseBatchCancelResponse(fixtureResponse(fx)).catch((e: unknown) => e);
      if (error instanceof HtxError) expect(leaks(everyRendering(error)), fx.name).toEqual([]);
    }
  });

  it("in the client itself", () => {
    const htx = new HtxClient({ ...KEYS });
    const text = everyRendering(htx);
    expect(leaks(text)).toEqual([]);
    expect(text).toContain("https://api.huobi.pro");
    // console.log shows the host, as JSON does, and nothing enumerable besides.
    expect(inspect(htx)).toBe(`HtxClient {"baseUrl":"https://api.huobi.pro"}`);
    expect(Reflect.ownKeys(htx).filter((key) => Object.getOwnPropertyDescriptor(htx, key)!.enumerable)).toEqual([]);
  });

  it("in a subclass that shows itself its own way, and in the client beside it", () => {
    class Desk extends HtxClient {
      [inspect.custom]() {
        return `Desk ${JSON.stringify(this)}`;
      }
    }
    expect(inspect(new Desk({ ...KEYS }))).toBe(`Desk {"baseUrl":"https://api.huobi.pro"}`);
    expect(inspect(new HtxClient({ ...KEYS }))).toBe(`HtxClient {"baseUrl":"https://api.huobi.pro"}`);
    expect(inspect(new Desk({ ...KEYS }))).toBe(`Desk {"baseUrl":"https://api.huobi.pro"}`);
  });

  it("redactUrl hides AccessKeyId and Signature and keeps the rest", () => {
    expect(redactUrl("https://h/p?AccessKeyId=abc&SignatureMethod=HmacSHA256&Timestamp=t&Signature=x%2By%3D"))
      .toBe("https://h/p?AccessKeyId=[REDACTED]&SignatureMethod=HmacSHA256&Timestamp=t&Signature=[REDACTED]");
  });

  it("the scan itself finds a leak when there is one", () => {
    expect(leaks(everyRendering(new Error("oops", { cause: new Error(KEYS.secretKey) })))).toEqual([KEYS.secretKey]);
    expect(leaks("https://h/p?Signature=abc")).toEqual(["Signature=…"]);
    expect(leaks("https://h/p?AccessKeyId=abc")).toEqual(["AccessKeyId=…"]);
  });
});

/** What a custom `fetch` has been seen to throw, built from the signed URL it was called with. */
const THROWN_BY_FETCH: [string, (url: string) => unknown][] = [
  [
    "an Error with url and request properties",
    (url) => Object.assign(new TypeError("fetch failed"), { url, request: new Request(url, { method: "POST" }) }),
  ],
  [
    "an axios-like Error with config and response",
    (url) =>
      Object.assign(new Error("Network Error"), { config: { url }, response: { data: url }, code: "ERR_NETWORK" }),
  ],
  [
    "an AggregateError whose inner error holds the URL",
    (url) => new AggregateError([Object.assign(new Error(`connect ECONNREFUSED ${url}`), { url })], ""),
  ],
  ["a cause chain 10 deep with the URL at the bottom", (url) => {
    let error: Error = Object.assign(new Error("bottom"), { url });
    for (let i = 0; i < 10; i++) error = new Error(`link ${i}`, { cause: error });
    return error;
  }],
  ["a plain object whose message is the URL", (url) => ({ message: url })],
  ["a URL", (url) => new URL(url)],
  ["an Error whose cause is { url }", (url) => new Error("failed", { cause: { url } })],
  // Needs the request's own Signature among the values to redact (src/cancel/attempt.ts).
  [
    "an Error echoing the bare signature value, percent-encoded",
    (url) => new Error(`bad signature ${url.slice(url.lastIndexOf("=") + 1)}`),
  ],
];

describe("credentials never show when a custom fetch throws something richer than an Error", () => {
  it.each(THROWN_BY_FETCH)("%s: console.log(result) and every rendering are clean", async (_, thrown) => {
    const stub = recordingFetch((request) => {
      throw thrown(request.url);
    });
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, retry: 0, rateLimit: false });
    const result = await htx.batchCancel({ orderIds: ["1", "2"] });
    expect(breakdown(result)).toEqual({ success: 0, failed: {}, unresolved: { "HtxNetworkError:maybe-applied": 2 } });
    const signatures = signaturesOf(stub.requests);
    // console.log(result) prints util.inspect(result); this looks deeper than it does.
    const shown = `${everyRendering(result)}\n${inspect(result, { showHidden: true, depth: Infinity, getters: true })}`;
    expect(leaks(shown, signatures)).toEqual([]);
  });

  it("the cause keeps the code that tells failures apart (ECONNREFUSED), and is a copy", async () => {
    let thrown: Error | undefined;
    const stub = recordingFetch((request) => {
      const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), {
        code: "ECONNREFUSED",
        url: request.url,
      });
      throw (thrown = new TypeError("fetch failed", { cause: refused }));
    });
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, retry: 0, rateLimit: false });
    const { unresolved } = await htx.batchCancel({ orderIds: ["1"] });
    const error = unresolved[0]!.error;
    expect(error).toBeInstanceOf(HtxNetworkError);
    expect(error.cause).not.toBe(thrown);
    expect(error.cause).toMatchObject({ name: "TypeError", cause: { code: "ECONNREFUSED" } });
    expect((error.cause as Error).cause).not.toHaveProperty("url");
  });
});

/** The signature as it sits in the URL (percent-encoded, upper-case hex), with lower-case hex, and decoded. */
function signatureOf(request: Request): { encoded: string; lowerHex: string; raw: string } {
  const encoded = request.url.slice(request.url.lastIndexOf("=") + 1);
  const lowerHex = encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
  return { encoded, lowerHex, raw: decodeURIComponent(encoded) };
}

/** Answers that echo the credentials in other encodings than a literal `Signature=`. */
const ENCODED_ECHOES: [string, (request: Request) => Response][] = [
  [
    "a 403 page with Signature%3D<signature>",
    (request) => new Response(`<html>403 Signature%3D${signatureOf(request).encoded}%26x</html>`, { status: 403 }),
  ],
  [
    "a redirect page whose link carries the signed query percent-encoded",
    (request) => {
      const query = `?Signature=${signatureOf(request).encoded}&AccessKeyId=${KEYS.accessKey}`;
      return new Response(`<a href="/login?next=${encodeURIComponent(query)}">moved</a>`, {
        status: 302,
        headers: { location: "/login" },
      });
    },
  ],
  [
    "an err-msg echoing the signature with lower-case hex",
    (request) =>
      Response.json({
        status: "error",
        "err-code": "api-signature-not-valid",
        "err-msg": `Signature ${signatureOf(request).lowerHex} invalid`,
      }),
  ],
  // Needs the request's own Signature among the values to redact (src/cancel/attempt.ts).
  [
    "an err-msg echoing the bare signature value",
    (request) =>
      Response.json({
        status: "error",
        "err-code": "api-signature-not-valid",
        "err-msg": `Signature ${signatureOf(request).raw} invalid`,
      }),
  ],
];

describe("credentials never show when an answer echoes them encoded", () => {
  it.each(ENCODED_ECHOES)("%s", async (_, answer) => {
    const stub = recordingFetch(answer);
    const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, retry: 0, rateLimit: false });
    const result = await htx.batchCancel({ orderIds: ["1"] });
    expect(result.unresolved).toHaveLength(1);
    const { raw, encoded, lowerHex } = signatureOf(stub.requests[0]!);
    const forms = [raw, encoded, lowerHex, encodeURIComponent(encoded)];
    const shown = `${everyRendering(result)}\n${inspect(result, { showHidden: true, depth: Infinity, getters: true })}`;
    expect(leaks(shown, forms)).toEqual([]);
  });
});
