/** Property tests: for any input, any answer, any key, the client's promises hold. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createBatchCancelRequest,
  HtxClient,
  HtxError,
  HtxInputError,
  ORDER_STATES,
  type OrderStateName,
  parseBatchCancelResponse,
} from "../mod.ts";
import { percentEncode } from "../src/signing/sign.ts";
import { createHtxSimulator, type HtxFault, type SimulatedOrder } from "../src/testing/mod.ts";
import { everyRendering, idsOf, KEYS, leaks, okAnswer, recordingFetch } from "./helpers.ts";

const RUNS = { numRuns: 200 };
const BATCH_CANCEL = "/v1/order/orders/batchcancel";

/** Ids as callers might pass them: valid digits, bigints, numbers, junk, unicode, duplicates. */
const orderIdLike = fc.oneof(
  fc.stringMatching(/^[1-9][0-9]{0,20}$/),
  fc.bigInt({ min: -5n, max: 10n ** 25n }),
  fc.integer(),
  fc.double(),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(null, undefined, "", " 1", "0", "01", {}, []),
);
const clientIdLike = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.integer(),
);
const batchInput = fc.oneof(
  fc.record({ orderIds: fc.array(orderIdLike, { maxLength: 160 }) }),
  fc.record({ orderIds: fc.array(fc.stringMatching(/^[1-9][0-9]{0,18}$/), { minLength: 1, maxLength: 400 }) }),
  fc.record({ clientOrderIds: fc.array(clientIdLike, { maxLength: 160 }) }),
  fc.record({ orderIds: fc.array(orderIdLike), clientOrderIds: fc.array(clientIdLike) }),
  fc.anything(),
);

/** An HTX stand-in that answers each chunk in one of several ways, drawn per request. */
const answerPlan = fc.array(fc.constantFrom("submit", "fail-half", "error", "html", "drop"), {
  minLength: 1,
  maxLength: 8,
});

describe("property: batchCancel input", () => {
  it("either rejects with HtxInputError having sent nothing, or accounts for every distinct id once", async () => {
    await fc.assert(
      fc.asyncProperty(batchInput, answerPlan, async (input, plan) => {
        const stub = recordingFetch(async (request, n) => {
          const ids = await idsOf(request);
          switch (plan[n % plan.length]) {
            case "submit":
              return okAnswer(ids);
            case "fail-half":
              return okAnswer(
                ids.filter((_, i) => i % 2 === 0),
                ids.filter((_, i) => i % 2 === 1).map((id) => ({
                  "order-id": /^\d+$/.test(id) ? id : "",
                  "client-order-id": id,
                  "err-code": "order-orderstate-error",
                  "err-msg": "Incorrect order state",
                  "order-state": 7,
                })),
              );
            case "error":
              return Response.json({ status: "error", "err-code": "bad-request", "err-msg": "no", data: null });
            case "html":
              return new Response("<html>502</html>", { status: 502 });
            default:
              throw new TypeError("connection reset");
          }
        });
        const htx = new HtxClient({
          ...KEYS,
          fetch: stub.fetch,
          rateLimit: false,
          retry: { limit: 1, baseDelayMs: 0 },
        });
        let result;
        try {
          result = await htx.batchCancel(input as never);
        } catch (error) {
          expect(error).toBeInstanceOf(HtxInputError);
          expect(stub.requests).toHaveLength(0);
          return;
        }
        const sent = (await Promise.all(stub.requests.map(idsOf))).flat();
        const distinct = [...new Set(sent)];
        const reported = [
          ...result.success,
          ...result.failed.map((f) => f.orderId ?? f.clientOrderId!),
          ...result.unresolved.map((u) => u.id),
        ];
        expect(reported.sort()).toEqual(distinct.sort());
        for (const { error } of result.unresolved) expect(error).toBeInstanceOf(HtxError);
      }),
      RUNS,
    );
  });
});

/** Every way a request can go wrong; a timeout is an answer slower than the client's 30 ms. */
const fault: fc.Arbitrary<HtxFault | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom<HtxFault>(
    { type: "drop", after: false },
    { type: "drop", after: true },
    { type: "latency", ms: 60 },
    { type: "html", status: 200 },
    { type: "html", status: 403 },
    { type: "html", status: 502 },
    { type: "html", status: 503 },
    { type: "truncated-json" },
    { type: "empty" },
    { type: "envelope", errCode: "base-request-exceed-frequency-limit", errMsg: "rate limited" },
    { type: "envelope", errCode: "invalid-parameter", errMsg: "invalid request limit" },
    { type: "envelope", errCode: "base-system-error", errMsg: "system busy" },
    { type: "envelope", errCode: "bad-request", errMsg: "bad" },
  ),
);
/** An order's state before the call, or `unknown`: HTX has never heard of the id. */
const stateBefore = fc.constantFrom<OrderStateName | "unknown">(...Object.values(ORDER_STATES), "unknown");
const OPEN = new Set<string>(["created", "submitted", "partial-filled"]);
const CLOSED_BY_A_CANCEL = new Set<string>(["cancelling", "canceled", "partial-canceled"]);

describe("property: every id's class against the simulator's ground truth", () => {
  it("never claims more than the client could know, whatever each request ran into", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stateBefore, { minLength: 1, maxLength: 120 }),
        fc.array(fault, { maxLength: 12 }),
        fc.integer({ min: 0, max: 3 }),
        async (states, faults, retries) => {
          const ids = states.map((_, i) => String(1000 + i));
          const orders: SimulatedOrder[] = states.flatMap((state, i) =>
            state === "unknown" ? [] : [{ uid: 1, orderId: ids[i]!, state }]
          );
          let n = 0;
          const sim = createHtxSimulator({
            accounts: [{ uid: 1, ...KEYS }],
            orders,
            cancelSettleMs: 0,
            faults: (request) => (new URL(request.url).pathname === BATCH_CANCEL ? faults[n++] : undefined),
          });
          // Every request the simulator handles, awaited before reading its book: a request
          // the client gave up on may still be applied after the call returns.
          const handled: Promise<unknown>[] = [];
          const fetch = (url: string, init: RequestInit) => {
            const answer = sim.fetch(url, init);
            handled.push(answer.catch(() => {}));
            return answer;
          };
          const htx = new HtxClient({
            ...KEYS,
            fetch,
            timeoutMs: 30,
            retry: { limit: retries, baseDelayMs: 0 },
            rateLimit: { limit: 1000, intervalMs: 5 },
          });
          const result = await htx.batchCancel({ orderIds: ids });
          await Promise.all(handled);

          const before = new Map(ids.map((id, i) => [id, states[i]!]));
          const after = (id: string) => sim.getOrder(1, id)?.state ?? "unknown";
          /** Ground truth: a request of this call cancelled it (nothing else moves an order here). */
          const applied = (id: string) => OPEN.has(before.get(id)!) && CLOSED_BY_A_CANCEL.has(after(id));

          const reported = [
            ...result.success,
            ...result.failed.map((f) => f.orderId!),
            ...result.unresolved.map((u) => u.id),
          ];
          expect(reported.sort()).toEqual([...ids].sort());
          for (const id of result.success) expect(applied(id), `success ${id}`).toBe(true);
          for (const f of result.failed) {
            const id = f.orderId!;
            if (f.outcome === "already-closed") expect(applied(id), `already-closed ${id}`).toBe(false);
            if (f.outcome !== "may-be-open") expect(f.state, `closed ${id}`).toBe(after(id));
            if (applied(id)) expect(f.outcome, `closed by this call ${id}`).toBe("closed-possibly-by-this-call");
            if (before.get(id) === "unknown") expect(f.outcome).toBe("may-be-open");
          }
          for (const u of result.unresolved) {
            if (!u.mayHaveBeenApplied) expect(applied(u.id), `not applied ${u.id}`).toBe(false);
            expect(u.errors.length).toBeGreaterThan(0);
            expect(u.error).toBe(u.errors.at(-1));
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});

/** Bodies HTX might (or should never) send. */
const answerBody = fc.oneof(
  fc.json(),
  fc.json().map((j) => j.slice(0, Math.max(0, j.length - 3))),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.constantFrom("", "<html><body>502</body></html>", "<!DOCTYPE html><title>Cloudflare</title>"),
  fc.record({
    status: fc.constantFrom("ok", "error", "weird"),
    data: fc.oneof(
      fc.record({
        success: fc.array(fc.oneof(fc.string(), fc.integer(), fc.bigInt().map(String))),
        failed: fc.array(fc.record({
          "order-id": fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          "err-code": fc.oneof(fc.string(), fc.integer()),
          "order-state": fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
          extra: fc.anything(),
        }, { requiredKeys: [] })),
      }, { requiredKeys: [] }),
      fc.constant(null),
    ),
    "err-code": fc.string(),
  }, { requiredKeys: ["status"] }).map((o) => JSON.stringify(o)),
  fc.integer({ min: 10_000, max: 1_500_000 }).map((n) =>
    `{"status":"ok","data":{"success":[${'"1",'.repeat(n / 4)}"2"],"failed":[]}}`
  ),
);

describe("property: parseBatchCancelResponse", () => {
  it("gives a typed result or a typed HtxError, never another exception, never a hang", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 200, max: 599 }),
        fc.dictionary(fc.stringMatching(/^[a-z][a-z-]{0,15}$/), fc.stringMatching(/^[ -~]{0,40}$/), { maxKeys: 4 }),
        answerBody,
        async (status, headers, body) => {
          const nullBody = [204, 205, 304].includes(status);
          const response = new Response(nullBody ? null : body, { status, headers });
          const outcome = await Promise.race([
            parseBatchCancelResponse(response).catch((e: unknown) => e),
            new Promise((resolve) => setTimeout(() => resolve("hang"), 2000)),
          ]);
          if (outcome instanceof Error) {
            expect(outcome).toBeInstanceOf(HtxError);
          } else {
            expect(outcome).not.toBe("hang");
            const { success, failed } = outcome as { success: unknown[]; failed: { orderState?: unknown }[] };
            expect(success.every((id) => typeof id === "string")).toBe(true);
            expect(failed.every((f) => f.orderState === undefined || Number.isInteger(f.orderState))).toBe(true);
          }
        },
      ),
      RUNS,
    );
  });

  it("refuses ids that come back as JSON numbers instead of rounding them", async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 2n ** 53n, max: 10n ** 21n }), async (id) => {
        const answer = new Response(`{"status":"ok","data":{"success":[${id}],"failed":[]}}`);
        await expect(parseBatchCancelResponse(answer)).rejects.toMatchObject({ name: "HtxResponseError" });
      }),
      { numRuns: 50 },
    );
  });
});

describe("property: the signer", () => {
  const key = fc.string({ unit: "binary", minLength: 1, maxLength: 40 });
  const host = fc.tuple(fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
    .map(([domain, port]) => (port === undefined ? domain : `${domain}:${port}`));
  const time = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) });

  it("signs URLs the simulator verifies, for any key, secret, host and time", async () => {
    await fc.assert(
      fc.asyncProperty(key, key, host, time, async (accessKey, secretKey, authority, at) => {
        const sim = createHtxSimulator({ accounts: [{ uid: 1, accessKey, secretKey }], now: () => at });
        const request = await createBatchCancelRequest({ orderIds: ["1"] }, { accessKey, secretKey }, {
          baseUrl: `https://${authority}`,
          timestamp: at,
        });
        const body = (await (await sim.fetch(request)).json()) as { status: string };
        expect(body.status).toBe("ok");
        expect(sim.stats.rejections).toEqual({});
      }),
      RUNS,
    );
  });

  it("percent-encodes so that decoding gives back the text, with only unreserved characters left bare", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => {
        const encoded = percentEncode(text);
        expect(decodeURIComponent(encoded)).toBe(text);
        expect(encoded).toMatch(/^(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*$/);
      }),
      { numRuns: 500 },
    );
  });

  it("never lets the secret or the key show in what the client reports", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("drop", "html", "envelope"), async (kind) => {
        const stub = recordingFetch((request) => {
          if (kind === "drop") throw new TypeError(`failed ${request.url}`);
          if (kind === "html") return new Response(`<html>${request.url}</html>`, { status: 503 });
          return Response.json({ status: "error", "err-code": "x", "err-msg": request.url });
        });
        const htx = new HtxClient({ ...KEYS, fetch: stub.fetch, retry: 0 });
        const result = await htx.batchCancel({ orderIds: ["1"] });
        expect(leaks(everyRendering(result))).toEqual([]);
      }),
      { numRuns: 10 },
    );
  });
});
