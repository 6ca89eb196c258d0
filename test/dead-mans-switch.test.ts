/**
 * `htx.cancelAllAfter`: one call of HTX's dead man's switch. The timeout is checked before
 * anything is sent; both documented answer shapes read as ms; HTX's v2 refusals are
 * `HtxApiError`s with the code and message; a lost answer is sent again (arming twice is
 * harmless); every error is redacted like the client's others; the request is signed and sent
 * as HTX documents it, on its own budget.
 */
import { describe, expect, it } from "vitest";
import { HtxApiError, HtxClient, type HtxError, HtxInputError, HtxNetworkError } from "../mod.ts";
import { createHtxSimulator, DEMO_ACCOUNT } from "../src/testing/mod.ts";
import { everyRendering, fixture, fixtureResponse, KEYS, leaks, recordingFetch, signaturesOf } from "./helpers.ts";

const BASE_URL = "https://api.huobi.pro";
const PATH = "/v2/algo-orders/cancel-all-after";

function clientAnswering(answer: (request: Request, n: number) => Response | Promise<Response>) {
  const recorded = recordingFetch(answer);
  const htx = new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: recorded.fetch, retry: { limit: 2, baseDelayMs: 1 } });
  return { htx, requests: recorded.requests };
}

describe("cancelAllAfter: what it sends", () => {
  it('POSTs {"timeout": N} as JSON to /v2/algo-orders/cancel-all-after, signed over the path with the four auth parameters', async () => {
    const { htx, requests } = clientAnswering(() => fixtureResponse(fixture("cancel-all-after-armed")));
    await htx.cancelAllAfter(60);
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    const url = new URL(request.url);
    expect(request.method).toBe("POST");
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE_URL}${PATH}`);
    expect([...url.searchParams.keys()]).toEqual([
      "AccessKeyId",
      "SignatureMethod",
      "SignatureVersion",
      "Timestamp",
      "Signature",
    ]);
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(await request.text()).toBe('{"timeout":60}');
  });

  it("is accepted by the simulator, which checks the signature as HTX does (HMAC and the path signed)", async () => {
    const sim = createHtxSimulator();
    const htx = new HtxClient({ ...DEMO_ACCOUNT, baseUrl: BASE_URL, fetch: sim.fetch });
    const { triggerTime, currentTime } = await htx.cancelAllAfter(30);
    expect(triggerTime - currentTime).toBe(30_000);
    expect(sim.cancelAllAfterTrigger(1)).toBe(triggerTime);
    expect(sim.stats.rejections).toEqual({});
  });
});

describe("cancelAllAfter: reading HTX's answer", () => {
  it("reads the current v2 answer: { currentTime, triggerTime } in ms", async () => {
    const { htx } = clientAnswering(() => fixtureResponse(fixture("cancel-all-after-armed")));
    expect(await htx.cancelAllAfter(60)).toEqual({ currentTime: 1700000000000, triggerTime: 1700000060000 });
  });

  it("reads the 2021 answer, two strings of seconds, as ms", async () => {
    const { htx } = clientAnswering(() => fixtureResponse(fixture("cancel-all-after-array-2021")));
    expect(await htx.cancelAllAfter(60)).toEqual({ currentTime: 1700000000000, triggerTime: 1700000060000 });
  });

  it("gives triggerTime 0 once disarmed, whatever HTX puts there", async () => {
    const { htx } = clientAnswering(() =>
      Response.json({ code: 200, message: "success", data: { currentTime: 1700000000000, triggerTime: 1700000000000 } })
    );
    expect(await htx.cancelAllAfter(0)).toEqual({ currentTime: 1700000000000, triggerTime: 0 });
  });

  it("turns HTX's v2 refusal into an HtxApiError carrying the code and the message, not retried", async () => {
    const { htx, requests } = clientAnswering(() => fixtureResponse(fixture("cancel-all-after-missing-timeout")));
    const error = await htx.cancelAllAfter(60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxApiError);
    expect(error).toMatchObject({ errCode: "2003", errMsg: "missing mandatory field", retryable: false });
    expect((error as Error).message).toMatch(/2003: missing mandatory field/);
    expect(requests).toHaveLength(1);
  });

  it("turns the gateway's v1 envelope into an HtxApiError too", async () => {
    const { htx } = clientAnswering(() => fixtureResponse(fixture("error-bad-signature")));
    await expect(htx.cancelAllAfter(60)).rejects.toMatchObject({
      name: "HtxApiError",
      errCode: "api-signature-not-valid",
    });
  });

  it("refuses an answer of neither shape as an HtxResponseError", async () => {
    const { htx } = clientAnswering(() => Response.json({ code: 200, data: { triggerTime: "soon" } }));
    await expect(htx.cancelAllAfter(60)).rejects.toMatchObject({ name: "HtxResponseError", retryable: false });
  });
});

describe("cancelAllAfter: hostile answers with code 200", () => {
  const answer = (data: unknown) => () => Response.json({ code: 200, message: "success", data });

  it.each([
    ["missing data", undefined],
    ["triggerTime as text", { currentTime: 1700000000000, triggerTime: "1700000060000" }],
    ["a negative triggerTime", { currentTime: 1700000000000, triggerTime: -1 }],
    ["an array of one", ["1700000000"]],
    ["times no Date can hold", { currentTime: 8_640_000_000_000_001, triggerTime: 8_640_000_000_060_001 }],
    ["seconds no Date can hold, in the 2021 shape", [8_640_000_000_001, 8_640_000_000_061]],
  ])("refuses %s as an HtxResponseError", async (_, data) => {
    const { htx } = clientAnswering(answer(data));
    await expect(htx.cancelAllAfter(60)).rejects.toMatchObject({ name: "HtxResponseError" });
  });

  it("refuses an arming whose trigger time is not after HTX's clock (no switch armed), and sends it again", async () => {
    const { htx, requests } = clientAnswering(answer({ currentTime: 1700000000000, triggerTime: 0 }));
    const error = await htx.cancelAllAfter(60).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "HtxResponseError", retryable: true });
    expect((error as Error).message).toMatch(/does not show it armed/);
    expect(requests).toHaveLength(3);
  });

  it("refuses it from deadMansSwitch's arming too: nothing is reported armed", async () => {
    const { htx } = clientAnswering(answer({ currentTime: 1700000000000, triggerTime: 1700000000000 }));
    await expect(htx.deadMansSwitch()).rejects.toMatchObject({ name: "HtxResponseError" });
  });
});

describe("cancelAllAfter: retries where the outcome is unknown", () => {
  it("sends again after a lost answer (arming twice only moves the trigger)", async () => {
    const { htx, requests } = clientAnswering((_, n) => {
      if (n === 1) throw new TypeError("socket hang up");
      return fixtureResponse(fixture("cancel-all-after-armed"));
    });
    expect((await htx.cancelAllAfter(60)).triggerTime).toBe(1700000060000);
    expect(requests).toHaveLength(2);
  });

  it("sends again after HTX's v2 system error (500), and gives up after the client's retry limit", async () => {
    const { htx, requests } = clientAnswering(() => Response.json({ code: 500, message: "system error" }));
    await expect(htx.cancelAllAfter(60)).rejects.toMatchObject({
      name: "HtxApiError",
      errCode: "500",
      retryable: true,
    });
    expect(requests).toHaveLength(3);
  });

  it("reports a network failure as HtxNetworkError once the retries are spent", async () => {
    const { htx } = clientAnswering(() => {
      throw new TypeError("fetch failed");
    });
    await expect(htx.cancelAllAfter(60)).rejects.toBeInstanceOf(HtxNetworkError);
  });
});

describe("cancelAllAfter: input checked before anything is sent", () => {
  it.each([
    ["1.5", 1.5],
    ["1 (HTX arms nothing under 5 s)", 1],
    ["4", 4],
    ["-1", -1],
    ["NaN", Number.NaN],
    ["a string", "60"],
    ["undefined", undefined],
    ["beyond the maximum", 2_147_484],
  ])("refuses %s with an HtxInputError that says what to pass", async (_, timeout) => {
    const { htx, requests } = clientAnswering(() => fixtureResponse(fixture("cancel-all-after-armed")));
    const error = await htx.cancelAllAfter(timeout as number).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxInputError);
    expect((error as Error).message).toMatch(/0 \(disarm\) or a whole number of seconds from 5 to 2147483/);
    expect(requests).toHaveLength(0);
  });

  it("accepts 0, 5 and the maximum, 2 147 483 s", async () => {
    const { htx, requests } = clientAnswering(() => fixtureResponse(fixture("cancel-all-after-armed")));
    for (const timeout of [0, 5, 2_147_483]) await htx.cancelAllAfter(timeout);
    expect(await Promise.all(requests.map((r) => r.text()))).toEqual([
      '{"timeout":0}',
      '{"timeout":5}',
      '{"timeout":2147483}',
    ]);
  });

  it("refuses unknown options and a signal that is not an AbortSignal", async () => {
    const { htx, requests } = clientAnswering(() => fixtureResponse(fixture("cancel-all-after-armed")));
    await expect(htx.cancelAllAfter(60, { sigal: 1 } as never)).rejects.toThrow(/signal/);
    await expect(htx.cancelAllAfter(60, { signal: {} as AbortSignal })).rejects.toBeInstanceOf(HtxInputError);
    expect(requests).toHaveLength(0);
  });

  it("sends nothing once the caller's signal has aborted", async () => {
    const { htx, requests } = clientAnswering(() => fixtureResponse(fixture("cancel-all-after-armed")));
    await expect(htx.cancelAllAfter(60, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "HtxAbortError",
    });
    expect(requests).toHaveLength(0);
  });
});

describe("cancelAllAfter: aborts", () => {
  it("rejects with HtxAbortError as soon as the signal aborts while HTX has not answered", async () => {
    const { htx } = clientAnswering(() => new Promise<Response>(() => {}));
    const controller = new AbortController();
    const pending = htx.cancelAllAfter(60, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toMatchObject({ name: "HtxAbortError" });
  });
});

describe("cancelAllAfter: redaction", () => {
  it("never shows the secret, the AccessKeyId or the Signature in an error, even when HTX echoes them", async () => {
    let echo = "";
    const { htx, requests } = clientAnswering((request) => {
      echo = request.url;
      return Response.json({ code: 1003, message: `invalid signature for ${request.url} ${KEYS.secretKey}` });
    });
    const error = (await htx.cancelAllAfter(60).catch((e: unknown) => e)) as HtxError;
    expect(echo).toContain(KEYS.accessKey);
    expect(error).toBeInstanceOf(HtxApiError);
    expect(leaks(everyRendering(error), signaturesOf(requests))).toEqual([]);
  });
});

describe("cancelAllAfter: its own rate-limit budget", () => {
  it("takes its slots from rateLimit.cancelAllAfter, not from batch cancel's", async () => {
    const taken: string[] = [];
    const limiter = (name: string) => ({
      acquire: () => {
        taken.push(name);
        return Promise.resolve();
      },
    });
    const recorded = recordingFetch(() => fixtureResponse(fixture("cancel-all-after-armed")));
    const htx = new HtxClient({
      ...KEYS,
      fetch: recorded.fetch,
      rateLimit: { batchCancel: limiter("batchCancel"), cancelAllAfter: limiter("cancelAllAfter") },
    });
    await htx.cancelAllAfter(60);
    expect(taken).toEqual(["cancelAllAfter"]);
  });

  it("checks rateLimit.cancelAllAfter when the client is made, and suggests it for a misspelling", () => {
    expect(() => new HtxClient({ ...KEYS, rateLimit: { cancelAllAfter: { limit: 0, intervalMs: 2000 } } })).toThrow(
      HtxInputError,
    );
    expect(() => new HtxClient({ ...KEYS, rateLimit: { cancelAllAftr: false } as never })).toThrow(
      /did you mean "?cancelAllAfter"?/i,
    );
  });
});
