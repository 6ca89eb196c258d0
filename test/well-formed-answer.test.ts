/**
 * The client reads the common well-formed batch-cancel answer without valibot
 * (src/http/well-formed-answer.ts) and leaves everything else to the full reader
 * (src/http/answer-reader.ts). Over well-formed and malformed answers alike, the two must agree:
 * the quick reader accepts exactly what the schema accepts, with the same result, and the
 * client's way of reading an answer (src/http/batch-cancel-answer.ts) gives the same result or
 * the same error as the full reader alone.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { HtxError } from "../mod.ts";
import { readBatchCancelAnswer, readBatchCancelText } from "../src/http/answer-reader.ts";
import { readWellFormedAnswer } from "../src/http/well-formed-answer.ts";
import { readBatchCancelResponse } from "../src/http/batch-cancel-answer.ts";
import type { AnswerContext } from "../src/http/answers.ts";
import { allFixtures, fixtureResponse } from "./helpers.ts";

const RUNS = { numRuns: 400 };
const SECRET = "test-SECRET-b41c88e2a9";
const ctx: AnswerContext = { secrets: [SECRET], request: { method: "POST", url: "https://api.huobi.pro/x" } };

/** A text HTX might send in `err-msg`, sometimes echoing a secret, which must come out redacted. */
const message = fc.oneof(fc.string({ maxLength: 20 }), fc.constant(`bad key ${SECRET}`), fc.constant("订单状态错误"));
/** Present with a value, present as null, or absent. */
const nullish = <T>(value: fc.Arbitrary<T>) => fc.option(fc.option(value, { nil: null }), { nil: undefined });
const orderState = fc.oneof(
  fc.constantFrom(-1, 1, 3, 4, 5, 6, 7, 10, 0, 999),
  fc.constantFrom("-1", "7", "10", "007", "-0"),
);

/** An entry of `data.failed` the schema accepts, with any extra fields HTX may add. */
const goodEntry = fc.record({
  "order-id": nullish(fc.stringMatching(/^[0-9]{0,18}$/)),
  "client-order-id": nullish(fc.string({ maxLength: 10 })),
  "err-code": fc.constantFrom("order-orderstate-error", "base-not-found", "base-record-invalid", ""),
  "err-msg": nullish(message),
  "order-state": nullish(orderState),
  extra: fc.option(fc.jsonValue({ maxDepth: 1 }), { nil: undefined }),
}, { requiredKeys: ["err-code"] });

const goodAnswer = fc.record({
  status: fc.constant("ok"),
  data: fc.record({
    success: fc.array(fc.stringMatching(/^[0-9]{1,18}$/), { maxLength: 5 }),
    failed: fc.array(goodEntry, { maxLength: 5 }),
    extra: fc.jsonValue({ maxDepth: 1 }),
  }, { requiredKeys: ["success"] }),
  ts: fc.integer({ min: 0 }),
}, { requiredKeys: ["status", "data"] });

/** A value that breaks one field of a well-formed answer, as a wrong type or value would. */
const wrong = fc.oneof(
  fc.constantFrom(null, true, 1.5, -3, 1e400, "1234", "abc", "", " 7", "٣", [], {}, ["1"], { "0": "1" }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A well-formed answer with one field replaced or removed, at any depth. */
const brokenAnswer = fc.tuple(goodAnswer, fc.nat(), wrong, fc.boolean()).map(([answer, pick, value, remove]) => {
  const spots: [Record<string, unknown>, string][] = [
    [answer, "status"],
    [answer, "data"],
    [answer.data, "success"],
    [answer.data, "failed"],
  ];
  for (const id of answer.data.success.keys()) spots.push([answer.data.success as never, String(id)]);
  for (const entry of answer.data.failed ?? []) {
    for (const key of ["order-id", "client-order-id", "err-code", "err-msg", "order-state"]) {
      spots.push([entry as Record<string, unknown>, key]);
    }
  }
  const [target, key] = spots[pick % spots.length]!;
  if (remove && !Array.isArray(target)) delete target[key];
  else target[key] = value;
  return answer;
});

/** Bodies: well-formed, broken, error envelopes, any JSON at all, and text that is no JSON. */
const body = fc.oneof(
  goodAnswer.map((a) => JSON.stringify(a)),
  brokenAnswer.map((a) => JSON.stringify(a)),
  goodAnswer.map((a) => ` \n${JSON.stringify(a, null, 2)}\n`),
  fc.record({ status: fc.constant("error"), "err-code": fc.string(), "err-msg": message }).map((a) =>
    JSON.stringify(a)
  ),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom("", "  ", "<html>maintenance</html>", '{"status":"ok","data":{"success":["1"]', "null", "[]"),
  fc.string({ maxLength: 30 }),
);
const status = fc.oneof(fc.constant(200), fc.constantFrom(201, 204, 299, 302, 403, 429, 500, 502));

/** An error, comparable: its class, message and every field it shows. */
function shown(error: unknown): unknown {
  if (!(error instanceof HtxError)) throw error;
  return { error: error.constructor.name, message: error.message, cause: String(error.cause), fields: { ...error } };
}

/** What a read came to, comparable: the answer, or the error. */
function outcome(read: () => unknown): unknown {
  try {
    return { answer: read() };
  } catch (error) {
    return shown(error);
  }
}

const settle = (promise: Promise<unknown>) => promise.then((answer) => ({ answer }), shown);

describe("the well-formed batch-cancel answer, read without valibot", () => {
  it("is read exactly as the full reader reads it", () => {
    fc.assert(
      fc.property(goodAnswer, status.filter((s) => s >= 200 && s < 300), (answer, code) => {
        const text = JSON.stringify(answer);
        const quick = readWellFormedAnswer(code, text, ctx);
        expect(quick).toBeDefined();
        expect(quick).toEqual(readBatchCancelText(code, text, ctx));
      }),
      RUNS,
    );
  });

  it("accepts exactly what the schema accepts, well-formed or malformed, with the same result", () => {
    fc.assert(
      fc.property(status, body, (code, text) => {
        const quick = readWellFormedAnswer(code, text, ctx);
        const full = outcome(() => readBatchCancelText(code, text, ctx));
        if (quick === undefined) expect(full).not.toHaveProperty("answer");
        else expect(full).toEqual({ answer: quick });
      }),
      RUNS,
    );
  });

  it("leaves to the full reader each malformed answer it meets, so every check the schema makes still holds", () => {
    fc.assert(
      fc.property(brokenAnswer, (answer) => {
        const text = JSON.stringify(answer);
        const full = outcome(() => readBatchCancelText(200, text, ctx));
        if ("error" in (full as object)) expect(readWellFormedAnswer(200, text, ctx)).toBeUndefined();
      }),
      RUNS,
    );
  });
});

describe("the client's reading of a batch-cancel answer", () => {
  it("gives the full reader's answer or error, for any status and body", async () => {
    await fc.assert(
      fc.asyncProperty(status, body, async (code, text) => {
        const response = () => new Response(code === 204 ? null : text, { status: code });
        expect(await settle(readBatchCancelResponse(response(), ctx)))
          .toEqual(await settle(readBatchCancelAnswer(response(), ctx)));
      }),
      { numRuns: 200 },
    );
  });

  it.each(allFixtures().filter((fx) => fx.request.path.endsWith("batchcancel")).map((fx) => [fx.name, fx] as const))(
    "reads the recorded answer %s as the full reader does",
    async (_, fx) => {
      expect(await settle(readBatchCancelResponse(fixtureResponse(fx), ctx)))
        .toEqual(await settle(readBatchCancelAnswer(fixtureResponse(fx), ctx)));
    },
  );

  it("reads a well-formed answer without the full reader, and reports any other as unread when it will not load", async () => {
    vi.resetModules();
    const load = vi.fn(() => Promise.reject(new Error("Cannot find module chunk-X.js")));
    vi.doMock("../src/http/response.ts", () => ({ loadAnswerReader: load }));
    try {
      const { readBatchCancelResponse: read } = await import("../src/http/batch-cancel-answer.ts");
      const ok = '{"status":"ok","data":{"success":["1"],"failed":[]}}';
      await expect(read(new Response(ok), ctx)).resolves.toEqual({ success: ["1"], failed: [] });
      expect(load).not.toHaveBeenCalled();
      const error = await read(new Response("<html>busy</html>", { status: 502 }), ctx).catch((e: unknown) => e);
      expect(load).toHaveBeenCalledTimes(1);
      expect(error).toMatchObject({
        name: "HtxResponseError",
        message:
          "HTX answered, but this module's answer reader could not be loaded: whether the cancel was applied is unknown.",
        status: 502,
        retryable: false,
      });
    } finally {
      vi.doUnmock("../src/http/response.ts");
      vi.resetModules();
    }
  });
});
