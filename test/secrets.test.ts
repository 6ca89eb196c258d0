/**
 * The promise: no error, result, client, log line, JSON or inspection shows the secret, the
 * AccessKeyId or a Signature. Every outcome below is rendered every way we know and scanned.
 */
import { describe, expect, it } from "vitest";
import { HtxClient, HtxError, parseBatchCancelResponse, redactUrl } from "../mod.ts";
import { allFixtures, everyRendering, fixtureResponse, KEYS, leaks, recordingFetch, signaturesOf } from "./helpers.ts";

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
