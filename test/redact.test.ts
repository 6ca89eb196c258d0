/**
 * Redaction, unit by unit: `redactText` finds each credential in every encoding it can be
 * echoed in, and `redactCause` never hands back a foreign thrown value, only a fresh copy that
 * keeps what tells failures apart and nothing that can hold a signed URL.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redactCause, redactText } from "../src/core/redact.ts";
import { everyRendering, KEYS, leaks } from "./helpers.ts";

/** A real HmacSHA256 signature (htx-reference vectors): it has `+`, `/` and `=`, which encodings change. */
const SIGNATURE = "SGZYJ9Ub/hFerEBbSWsCxl8Djk+LRBgEZOB4fLc4T9Q=";
/** A secret with a space, RFC 3986's extra reserved characters and a non-ASCII letter. */
const ODD_SECRET = "key with space!'()*~ü";
const SECRETS = [KEYS.accessKey, SIGNATURE, ODD_SECRET];

const SIGNED_URL = "https://api.huobi.pro/v1/order/orders/batchcancel?AccessKeyId=" + KEYS.accessKey +
  "&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00&Signature=" +
  encodeURIComponent(SIGNATURE);

const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const formEncoded = (text: string) => new URLSearchParams({ v: text }).toString().slice(2);

/** Every form of every secret that a test expects gone, for the leak scan. */
const ALL_FORMS = SECRETS.flatMap((s) => [
  s,
  encodeURIComponent(s),
  lowerHex(encodeURIComponent(s)),
  rfc3986(s),
  encodeURIComponent(encodeURIComponent(s)),
  formEncoded(s),
]);

/** Everything a value shows: the shared renderings, plus inspection without a depth limit. */
function rendered(value: unknown): string {
  return `${everyRendering(value)}\n${inspect(value, { showHidden: true, depth: Infinity, getters: true })}`;
}

describe("redactText finds each listed secret in every encoding", () => {
  it.each([
    ["percent-encoded, upper-case hex (encodeURIComponent)", (s: string) => encodeURIComponent(s)],
    ["percent-encoded, lower-case hex", (s: string) => lowerHex(encodeURIComponent(s))],
    ["percent-encoded the RFC 3986 way (!'()* encoded too)", rfc3986],
    ["percent-encoded twice", (s: string) => encodeURIComponent(encodeURIComponent(s))],
    ["form-encoded (space as +)", formEncoded],
    ["form-decoded by whoever echoes it (+ read as a space)", (s: string) => s.replace(/\+/g, " ")],
    ["in JSON text that escapes slashes", (s: string) => JSON.stringify(s).slice(1, -1).replace(/\//g, "\\/")],
  ])("%s", (_, encode) => {
    for (const secret of [SIGNATURE, ODD_SECRET]) {
      const encoded = encode(secret);
      expect(redactText(`err-msg: bad ${encoded}!`, SECRETS), encoded).toBe("err-msg: bad [REDACTED]!");
    }
  });

  it("finds secrets wherever they sit, several times, and leaves the rest as it was", () => {
    const text = `${SIGNATURE} and ${encodeURIComponent(SIGNATURE)}; key=${KEYS.accessKey}.`;
    expect(redactText(text, SECRETS)).toBe("[REDACTED] and [REDACTED]; key=[REDACTED].");
  });
});

describe("redactText hides the AccessKeyId and Signature parameters, also percent-encoded", () => {
  it("when only their '=' is encoded, once or twice, in either case", () => {
    expect(redactText(`Signature%3D${encodeURIComponent(SIGNATURE)}%26Timestamp%3D1`))
      .toBe("Signature%3D[REDACTED]%26Timestamp%3D1");
    expect(redactText(`x AccessKeyId%253Dsome-key%2526SignatureMethod%253DHmacSHA256`))
      .toBe("x AccessKeyId%253D[REDACTED]%2526SignatureMethod%253DHmacSHA256");
    expect(redactText(`signature%3dabc%2Bdef&x=1`)).toBe("signature%3d[REDACTED]&x=1");
  });

  it("when the whole signed URL is a parameter of another URL (a redirect body), keeping the rest", () => {
    const text = `<a href="https://edge.example/login?next=${encodeURIComponent(SIGNED_URL)}">`;
    expect(redactText(text)).toBe(
      `<a href="https://edge.example/login?next=${
        encodeURIComponent(
          "https://api.huobi.pro/v1/order/orders/batchcancel?AccessKeyId=[REDACTED]&SignatureMethod=HmacSHA256" +
            "&SignatureVersion=2&Timestamp=2019-11-21T10%3A00%3A00&Signature=[REDACTED]",
        ).replace(/%5BREDACTED%5D/g, "[REDACTED]")
      }">`,
    );
  });

  it("when that URL is encoded twice", () => {
    const twice = encodeURIComponent(encodeURIComponent(SIGNED_URL));
    expect(leaks(redactText(twice), [KEYS.accessKey, encodeURIComponent(encodeURIComponent(SIGNATURE))])).toEqual([]);
    expect(redactText(twice)).toContain("SignatureMethod%253DHmacSHA256%2526SignatureVersion%253D2");
  });
});

/** The shapes a custom `fetch` has been seen to throw, each carrying the signed URL somewhere. */
const THROWN: [string, () => unknown][] = [
  ["an Error with a url property", () => Object.assign(new TypeError("fetch failed"), { url: SIGNED_URL })],
  [
    "an Error with a request property",
    () => Object.assign(new Error("request failed"), { request: new Request(SIGNED_URL, { method: "POST" }) }),
  ],
  [
    "an axios-like Error with config, headers and response",
    () =>
      Object.assign(new Error("Network Error"), {
        config: { url: SIGNED_URL, headers: { "x-sig": SIGNATURE } },
        headers: { location: SIGNED_URL },
        response: { data: `<html>${SIGNED_URL}</html>` },
        code: "ERR_NETWORK",
      }),
  ],
  [
    "an AggregateError whose inner error holds the URL",
    () => new AggregateError([Object.assign(new Error("connect ECONNREFUSED"), { url: SIGNED_URL })], "all failed"),
  ],
  ["an Error whose cause is a plain object with the URL", () => new Error("failed", { cause: { url: SIGNED_URL } })],
  ["a plain object whose message is the URL", () => ({ message: SIGNED_URL, url: SIGNED_URL })],
  ["a URL", () => new URL(SIGNED_URL)],
  ["a Request", () => new Request(SIGNED_URL, { method: "POST" })],
  [
    "an Error whose message holds the bare signature, percent-encoded",
    () => new Error(`bad signature ${encodeURIComponent(SIGNATURE)}`),
  ],
];

describe("redactCause never returns the foreign value, and no rendering of its copy shows a credential", () => {
  it.each(THROWN)("%s", (_, make) => {
    const thrown = make();
    const copy = redactCause(thrown, SECRETS);
    expect(copy).not.toBe(thrown);
    expect(copy).toBeInstanceOf(Error);
    expect(leaks(rendered(copy), ALL_FORMS)).toEqual([]);
  });

  it("a cause chain 12 deep, with the URL at every link, is copied 8 links deep and then cut with a marker", () => {
    let thrown = new Error(`bottom ${SIGNED_URL}`);
    for (let i = 11; i >= 1; i--) {
      thrown = Object.assign(new Error(`link ${i}`, { cause: thrown }), { url: SIGNED_URL });
    }
    const copy = redactCause(thrown, SECRETS) as Error;
    const messages: string[] = [];
    for (let link: unknown = copy; link instanceof Error; link = link.cause) messages.push(link.message);
    expect(messages).toEqual([
      ...Array.from({ length: 9 }, (_, i) => `link ${i + 1}`),
      "[cause chain cut: deeper than 8 links]",
    ]);
    expect(leaks(rendered(copy), ALL_FORMS)).toEqual([]);
  });

  it("a cause chain that loops ends in a marker", () => {
    const itself: Error & { cause?: unknown } = new Error("itself");
    itself.cause = itself;
    expect((redactCause(itself, SECRETS) as Error).cause).toMatchObject({ message: "[circular cause]" });
    const a: Error & { cause?: unknown } = new Error("a");
    a.cause = new Error("b", { cause: a });
    expect((redactCause(a, SECRETS) as Error).cause).toMatchObject({
      message: "b",
      cause: { message: "[circular cause]" },
    });
  });

  it("values that are not Errors become Errors whose message describes them, redacted", () => {
    const message = (value: unknown) => (redactCause(value, SECRETS) as Error).message;
    expect(message(42)).toBe("a number, not an Error: 42");
    expect(message(undefined)).toBe("undefined, not an Error");
    expect(message(null)).toBe("null, not an Error");
    expect(message(new URL(SIGNED_URL))).toMatch(
      /^a URL, not an Error: https:\/\/api\.huobi\.pro\/.*AccessKeyId=\[RED/,
    );
    expect(message(new Request(SIGNED_URL, { method: "POST" }))).toMatch(/^a Request, not an Error: POST https:/);
    expect(message({ message: "socket hang up" })).toBe("an object (Object), not an Error: socket hang up");
  });

  it("a string comes back redacted and cut to 1000 characters", () => {
    const copy = redactCause(`fetch failed ${SIGNED_URL} ${"x".repeat(2000)}`, SECRETS) as string;
    expect(copy).toMatch(/^fetch failed https:\/\/api\.huobi\.pro\/.*AccessKeyId=\[REDACTED\]/);
    expect(copy).toHaveLength(1001);
    expect(leaks(copy, ALL_FORMS)).toEqual([]);
  });

  it("a value whose every read throws still gives an Error: redactCause itself never throws", () => {
    const hostile = new Proxy(new Error("x"), {
      get() {
        throw new Error("trap");
      },
      has() {
        throw new Error("trap");
      },
    });
    expect(redactCause(hostile, SECRETS)).toBeInstanceOf(Error);
  });
});

describe("redactCause keeps what tells failures apart", () => {
  it("name, built-in class, code, errno, syscall, message and stack, redacted; nothing else", () => {
    const thrown = Object.assign(new TypeError(`connect ECONNREFUSED 127.0.0.1:443 for ${SIGNED_URL}`), {
      code: "ECONNREFUSED",
      errno: -111,
      syscall: "connect",
      address: "127.0.0.1",
      url: SIGNED_URL,
    });
    const copy = redactCause(thrown, SECRETS) as Error & Record<string, unknown>;
    expect(copy).toBeInstanceOf(TypeError);
    expect({ ...copy }).toEqual({ code: "ECONNREFUSED", errno: -111, syscall: "connect" });
    expect(copy.name).toBe("TypeError");
    expect(copy.message).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:443 for https:\/\/api\.huobi\.pro\/.*=\[RED/);
    expect(copy.stack).toMatch(/^TypeError: connect ECONNREFUSED .*AccessKeyId=\[REDACTED\][^\n]*\n\s+at /);
    expect(JSON.parse(JSON.stringify(copy))).toEqual({ code: "ECONNREFUSED", errno: -111, syscall: "connect" });
  });

  it("a custom name and the codes of undici's fetch failure along its cause chain", () => {
    const socket = Object.assign(new Error("other side closed"), { name: "SocketError", code: "UND_ERR_SOCKET" });
    const copy = redactCause(new TypeError("fetch failed", { cause: socket }), SECRETS) as Error;
    expect(copy.cause).toMatchObject({ name: "SocketError", code: "UND_ERR_SOCKET", message: "other side closed" });
    expect(copy.cause).not.toBe(socket);
  });

  it("an AggregateError (Node's happy eyeballs) keeps its class, code and inner errors, each copied", () => {
    const inner = [
      Object.assign(new Error("connect ECONNREFUSED ::1:443"), { code: "ECONNREFUSED", url: SIGNED_URL }),
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }),
    ];
    const thrown = Object.assign(new AggregateError(inner, ""), { code: "ECONNREFUSED" });
    const copy = redactCause(thrown, SECRETS) as AggregateError;
    expect(copy).toBeInstanceOf(AggregateError);
    expect(copy).toMatchObject({ code: "ECONNREFUSED" });
    expect(copy.errors.map((e: Error) => [e.message, (e as Error & { code?: string }).code])).toEqual([
      ["connect ECONNREFUSED ::1:443", "ECONNREFUSED"],
      ["connect ECONNREFUSED 127.0.0.1:443", "ECONNREFUSED"],
    ]);
    expect(copy.errors[0]).not.toBe(inner[0]);
    expect(copy.errors[0]).not.toHaveProperty("url");
  });

  it("an AggregateError of 1000 errors keeps 10 and says how many it cut", () => {
    const thrown = new AggregateError(Array.from({ length: 1000 }, (_, i) => new Error(`e${i}`)), "many");
    const copy = redactCause(thrown, SECRETS) as AggregateError;
    expect(copy.errors.map((e: Error) => e.message)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `e${i}`),
      "[990 more errors cut]",
    ]);
  });
});
