/**
 * `cancelAllOpen`, the kill switch (issue 15), against the simulator: it lists every open order
 * (every page, every symbol), cancels them through the batch-cancel engine, lists again until
 * nothing is left or the deadline passes, and accounts for every order it saw.
 */
import { describe, expect, it } from "vitest";
import {
  type CancelAllOpenFilter,
  type CancelAllOpenOptions,
  type CancelAllOpenResult,
  HtxAbortError,
  HtxAccountError,
  HtxApiError,
  HtxClient,
  type HtxClientOptions,
  HtxError,
  HtxHttpError,
  HtxInputError,
  type RateLimiter,
} from "../mod.ts";
import { createHtxSimulator, type HtxSimulator, type HtxSimulatorOptions, startOrderBot } from "../src/testing/mod.ts";
import { TEST_KEY } from "./fixtures-ed25519/vectors.ts";
import { openOrders } from "./kill-switch/fake-htx.ts";
import {
  breakdown,
  everyRendering,
  idsOf,
  KEYS,
  leaks,
  recordingFetch,
  signaturesOf,
  stuckHmac,
  within,
} from "./helpers.ts";

const BASE_URL = "http://127.0.0.1";

/**
 * A client whose kill switch cancels by id only (`sweep: false` unless a test says otherwise):
 * these tests pin what the cancels by id do; the sweep has its own (test/kill-switch/*.test.ts).
 */
function byIdOnly(htx: HtxClient): HtxClient {
  const cancelAllOpen = htx.cancelAllOpen.bind(htx);
  return Object.assign(htx, {
    cancelAllOpen: (filter?: CancelAllOpenFilter, options?: CancelAllOpenOptions) =>
      cancelAllOpen(filter, { sweep: false, ...options }),
  });
}

/** A simulator with the test key, and a client on it whose requests are recorded. */
function setup(simOptions: HtxSimulatorOptions = {}, clientOptions: Partial<HtxClientOptions> = {}) {
  const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], ...simOptions });
  const recorded = recordingFetch((request) => sim.fetch(request));
  const htx = new HtxClient(
    { ...KEYS, baseUrl: BASE_URL, fetch: recorded.fetch, ...clientOptions } as HtxClientOptions,
  );
  return { sim, htx: byIdOnly(htx), requests: recorded.requests };
}

const openIds = (sim: HtxSimulator) => sim.openOrders(1).map((o) => o.orderId);
/** Every id of a result, from its three lists. */
const accounted = (result: CancelAllOpenResult) =>
  [...result.success, ...result.failed.map((f) => f.orderId!), ...result.unresolved.map((u) => u.id)].sort();
const paths = (requests: Request[]) => requests.map((r) => new URL(r.url).pathname);
/** The business parameters of each open-order listing, in order. */
const listingQueries = (requests: Request[]) =>
  requests.filter((r) => new URL(r.url).pathname === "/v1/order/openOrders").map((r) => {
    const params = new URL(r.url).searchParams;
    for (const name of ["AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp", "Signature"]) {
      params.delete(name);
    }
    return Object.fromEntries(params);
  });

describe("cancelAllOpen: the whole book", () => {
  it("pages through more than 500 open orders, cancels every one, and confirms the book empty", async () => {
    const { sim, htx, requests } = setup({ orders: openOrders(1234, ["btcusdt", "ethusdt", "xrpusdt"]) });
    const result = await htx.cancelAllOpen();
    expect(breakdown(result)).toEqual({ success: 1234, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
    expect(result.stillOpen).toEqual([]);
    expect(result.deadlineReached).toBe(false);
    expect(openIds(sim)).toEqual([]);
    // The first listing took three pages: 500, 500 and 234 orders, newest first.
    const queries = listingQueries(requests);
    expect(queries.slice(0, 3)).toEqual([
      { "account-id": "10000001", size: "500" },
      { "account-id": "10000001", size: "500", from: "5000000734", direct: "next" },
      { "account-id": "10000001", size: "500", from: "5000000234", direct: "next" },
    ]);
    expect(result.accountId).toBe("10000001");
    expect(sim.stats.byEndpoint.accounts.requests).toBe(1);
    expect(sim.stats.batchCancelRequests).toBe(25);
  });

  it("names every order's symbol in result.orders", async () => {
    const { htx } = setup({ orders: openOrders(4, ["btcusdt", "ethusdt"]) });
    const result = await htx.cancelAllOpen();
    const symbols = Object.fromEntries(result.orders.map((o) => [o.id, o.symbol]));
    expect(symbols).toEqual({
      "5000000000": "btcusdt",
      "5000000001": "ethusdt",
      "5000000002": "btcusdt",
      "5000000003": "ethusdt",
    });
    expect(result.orders.find((o) => o.id === "5000000000")).toEqual({
      id: "5000000000",
      symbol: "btcusdt",
      type: "buy-limit",
      state: "submitted",
      price: "1",
      amount: "1",
      filledAmount: "0",
      createdAt: expect.any(Number),
    });
  });

  it("looks the spot account up once per client", async () => {
    const { sim, htx } = setup({ orders: openOrders(3) });
    await htx.cancelAllOpen();
    sim.addOrders(openOrders(2, ["btcusdt"], 6_000_000_000n));
    const second = await htx.cancelAllOpen();
    expect(breakdown(second)).toEqual({ success: 2, failed: {}, unresolved: {} });
    expect(sim.stats.byEndpoint.accounts.requests).toBe(1);
  });

  it("looks the spot account up once for concurrent first calls", async () => {
    const { sim, htx } = setup({ orders: openOrders(3) });
    const [listed, cancelled] = await Promise.all([htx.listOpenOrders(), htx.cancelAllOpen()]);
    expect(listed.accountId).toBe(cancelled.accountId);
    expect(sim.stats.byEndpoint.accounts.requests).toBe(1);
  });

  it("looks the spot account up again after a shared lookup failed", async () => {
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], orders: openOrders(1) });
    let accountLookups = 0;
    const stub = recordingFetch((request) => {
      if (new URL(request.url).pathname === "/v1/account/accounts" && ++accountLookups === 1) {
        return new Response("down", { status: 403 });
      }
      return sim.fetch(request);
    });
    const htx = byIdOnly(new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch, retry: { limit: 0 } }));
    const first = await Promise.allSettled([htx.listOpenOrders(), htx.listOpenOrders()]);
    expect(first.map((settled) => settled.status)).toEqual(["rejected", "rejected"]);
    expect(accountLookups).toBe(1);
    expect((await htx.listOpenOrders()).orders).toHaveLength(1);
    expect(accountLookups).toBe(2);
  });

  it("a caller sharing a lookup that another caller's abort ended looks the account up itself", async () => {
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], orders: openOrders(1) });
    const stop = new AbortController();
    let accountLookups = 0;
    const stub = recordingFetch((request) => {
      if (new URL(request.url).pathname === "/v1/account/accounts" && ++accountLookups === 1) {
        stop.abort(); // the first caller gives up while its lookup is in flight
      }
      return sim.fetch(request);
    });
    const htx = byIdOnly(new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch }));
    const [aborted, other] = await Promise.allSettled([
      htx.listOpenOrders(undefined, { signal: stop.signal }),
      htx.listOpenOrders(),
    ]);
    expect(aborted.status).toBe("rejected");
    expect(other.status === "fulfilled" && other.value.orders).toHaveLength(1);
    expect(accountLookups).toBe(2);
  });

  it("succeeds with nothing to cancel: an empty book is confirmed empty at once", async () => {
    const { sim, htx } = setup();
    const result = await htx.cancelAllOpen();
    expect(breakdown(result)).toEqual({ success: 0, failed: {}, unresolved: {} });
    expect(result).toMatchObject({ confirmedEmpty: true, listings: 1, orders: [], stillOpen: [] });
    expect(sim.stats.batchCancelRequests).toBe(0);
  });
});

describe("cancelAllOpen: filters", () => {
  it("cancels only the symbols given, one listing per symbol, and leaves the others open", async () => {
    const { sim, htx, requests } = setup({ orders: openOrders(9, ["btcusdt", "ethusdt", "xrpusdt"]) });
    const result = await htx.cancelAllOpen({ symbols: ["btcusdt", "xrpusdt"] });
    expect(breakdown(result)).toEqual({ success: 6, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
    expect(new Set(result.orders.map((o) => o.symbol))).toEqual(new Set(["btcusdt", "xrpusdt"]));
    expect(sim.openOrders(1).map((o) => o.symbol)).toEqual(["ethusdt", "ethusdt", "ethusdt"]);
    expect(listingQueries(requests).slice(0, 2)).toEqual([
      { "account-id": "10000001", symbol: "btcusdt", size: "500" },
      { "account-id": "10000001", symbol: "xrpusdt", size: "500" },
    ]);
  });

  it("cancels only one side", async () => {
    const { sim, htx, requests } = setup({ orders: openOrders(6) });
    const result = await htx.cancelAllOpen({ side: "sell" });
    expect(breakdown(result)).toEqual({ success: 3, failed: {}, unresolved: {} });
    expect(sim.openOrders(1).map((o) => o.type)).toEqual(["buy-limit", "buy-limit", "buy-limit"]);
    expect(listingQueries(requests)[0]).toEqual({ "account-id": "10000001", side: "sell", size: "500" });
  });

  it("never cancels an order outside the filter, even when HTX ignores the filter", async () => {
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], orders: openOrders(6, ["btcusdt", "ethusdt"]) });
    // An HTX that answers every listing with the whole book, whatever the query asks for.
    const wholeBook = () =>
      new Response(JSON.stringify({
        status: "ok",
        data: sim.openOrders(1).map((o) => ({ id: Number(o.orderId), symbol: o.symbol, type: o.type, state: o.state })),
      }));
    const fetch = (url: string, init: RequestInit) =>
      new URL(url).pathname === "/v1/order/openOrders" ? Promise.resolve(wholeBook()) : sim.fetch(url, init);
    const htx = byIdOnly(new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch }));
    const result = await htx.cancelAllOpen({ symbols: ["ethusdt"], side: "sell" });
    expect(result.orders.map((o) => [o.symbol, o.type])).toEqual([
      ["ethusdt", "sell-limit"],
      ["ethusdt", "sell-limit"],
      [
        "ethusdt",
        "sell-limit",
      ],
    ]);
    expect(breakdown(result)).toEqual({ success: 3, failed: {}, unresolved: {} });
    // The other three are untouched (the three cancelled may still be settling: an HTX that
    // repeats its page whatever `from` says proves no listing complete, so no round waits for them).
    const untouched = sim.openOrders(1).filter((o) => o.state !== "cancelling");
    expect(untouched.map((o) => `${o.symbol} ${o.type}`)).not.toContain("ethusdt sell-limit");
    expect(untouched).toHaveLength(3);
  });

  it("uses filter.accountId without looking the accounts up", async () => {
    const { sim, htx, requests } = setup({ orders: openOrders(2) });
    const result = await htx.cancelAllOpen({ accountId: "10000001" });
    expect(breakdown(result)).toEqual({ success: 2, failed: {}, unresolved: {} });
    expect(paths(requests)).not.toContain("/v1/account/accounts");
    expect(sim.stats.byEndpoint.accounts.requests).toBe(0);
  });
});

describe("cancelAllOpen: HTX's stricter readings and accounts", () => {
  it("says to pass symbols when HTX refuses a listing without one, having cancelled nothing", async () => {
    const { sim, htx } = setup({ orders: openOrders(3), openOrdersRequired: ["account-id", "symbol"] });
    const error = await htx.cancelAllOpen().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxApiError);
    expect(error).toMatchObject({ errCode: "validation-constraints-required", errMsg: "Field is missing: symbol." });
    expect((error as Error).message).toMatch(/pass the symbols to cancel, e\.g\. cancelAllOpen\(\{ symbols:/);
    expect(sim.stats.batchCancelRequests).toBe(0);
    const result = await htx.cancelAllOpen({ symbols: ["btcusdt"] });
    expect(breakdown(result)).toEqual({ success: 3, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
  });

  it.each([
    ["locked", [{ uid: 1, id: "10000001", type: "spot", state: "lock" as const }], /spot account 10000001 is locked/],
    [
      "missing",
      [{ uid: 1, id: "77", type: "margin", state: "working" as const }],
      /no spot account \(accounts: margin\)/,
    ],
  ])("refuses a %s spot account with HtxAccountError, sending no cancel", async (reason, userAccounts, message) => {
    const { sim, htx } = setup({ orders: openOrders(3), userAccounts });
    const error = await htx.cancelAllOpen().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxAccountError);
    expect(error).toMatchObject({ reason: reason === "locked" ? "locked" : "no-spot-account" });
    expect((error as Error).message).toMatch(message);
    expect(sim.stats.byEndpoint["open-orders"].requests).toBe(0);
    expect(sim.stats.batchCancelRequests).toBe(0);
  });
});

describe("cancelAllOpen: a book that changes while it runs", () => {
  it("cancels the orders a bot keeps placing, until the bot stops and the book is empty", async () => {
    const { sim, htx } = setup({ orders: openOrders(600, ["btcusdt", "ethusdt"]) });
    const bot = startOrderBot(sim, { symbols: ["btcusdt", "ethusdt"], everyMs: 20, perTick: 5, forMs: 400 });
    const result = await htx.cancelAllOpen();
    bot.stop();
    expect(bot.placed.length).toBeGreaterThan(5);
    expect(breakdown(result)).toEqual({ success: 600 + bot.placed.length, failed: {}, unresolved: {} });
    expect(result.success).toEqual(expect.arrayContaining([...bot.placed]));
    expect(result.confirmedEmpty).toBe(true);
    expect(openIds(sim)).toEqual([]);
  });

  it("waits for cancels that settle late, listing again until they are gone", async () => {
    const { sim, htx } = setup({ orders: openOrders(3), cancelSettleMs: 700 });
    const result = await htx.cancelAllOpen();
    expect(breakdown(result)).toEqual({ success: 3, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
    expect(result.listings).toBeGreaterThan(2);
    expect(sim.stats.batchCancelRequests).toBe(1);
    expect(sim.openOrders(1)).toEqual([]);
  });

  it("reports an order listed as cancelling before the call as already closed, and waits for it", async () => {
    // An order set up as cancelling stays so in the simulator: the wait ends at the deadline.
    const { sim, htx } = setup({
      orders: [...openOrders(1), { uid: 1, orderId: "7", state: "cancelling", symbol: "btcusdt" }],
    });
    const result = await htx.cancelAllOpen(undefined, { deadlineMs: 700 });
    expect(breakdown(result)).toEqual({
      success: 1,
      failed: { "order-orderstate-error:already-closed": 1 },
      unresolved: {},
    });
    expect(result).toMatchObject({ confirmedEmpty: false, deadlineReached: true });
    expect(result.stillOpen.map((o) => [o.id, o.state])).toEqual([["7", "cancelling"]]);
    expect(result.listings).toBeGreaterThan(2);
    expect(sim.stats.batchCancelRequests).toBe(1);
  });
});

describe("cancelAllOpen: refusals, faults, the deadline and abort", () => {
  it("sends an order refused for a moment again in a later pass", async () => {
    const refused = { ...openOrders(1)[0]!, refuse: { errCode: "base-record-invalid", times: 4 } };
    const { htx } = setup({ orders: [refused, ...openOrders(2, ["btcusdt"], 6_000_000_000n)] }, { retry: 1 });
    const result = await htx.cancelAllOpen();
    expect(breakdown(result)).toEqual({ success: 3, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
  });

  it("says why the account lookup failed when the deadline passes during its tries: its last error, redacted, as the cause", async () => {
    // A Cloudflare page in front of HTX that echoes the signed URL, answered to every lookup.
    const stub = recordingFetch((request) => new Response(`<html>503 ${request.url}</html>`, { status: 503 }));
    const htx = byIdOnly(new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch, retry: 0 }));
    const error = await htx.cancelAllOpen(undefined, { deadlineMs: 600 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/deadline \(deadlineMs 600\) passed before any open order was listed/);
    expect((error as Error).cause).toBeInstanceOf(HtxHttpError);
    expect((error as Error).cause).toMatchObject({ status: 503 });
    expect(stub.requests.length).toBeGreaterThan(1); // asked again until the deadline
    expect(leaks(everyRendering(error), signaturesOf(stub.requests))).toEqual([]);
  });

  it("names an order HTX keeps refusing as still open when the deadline passes", async () => {
    const stuck = { ...openOrders(1)[0]!, refuse: { errCode: "order-update-error" } };
    const { sim, htx } = setup({ orders: [stuck, ...openOrders(2, ["btcusdt"], 6_000_000_000n)] });
    const result = await htx.cancelAllOpen(undefined, { deadlineMs: 600 });
    expect(breakdown(result)).toEqual({ success: 2, failed: { "order-update-error:may-be-open": 1 }, unresolved: {} });
    expect(result).toMatchObject({ confirmedEmpty: false, deadlineReached: true });
    expect(result.stillOpen.map((o) => o.id)).toEqual([stuck.orderId]);
    expect(openIds(sim)).toEqual([stuck.orderId]);
  });

  it("calls an order closed behind a lost answer 'closed, possibly by this call', and confirms the book", async () => {
    let cancels = 0;
    const { htx } = setup({
      orders: openOrders(3),
      faults: (request) => {
        if (new URL(request.url).pathname !== "/v1/order/orders/batchcancel") return undefined;
        return ++cancels === 1 ? { type: "drop", after: true } : undefined;
      },
    }, { retry: 0 });
    const result = await htx.cancelAllOpen();
    // Pass 1 was applied but lost its answer; then either a pass sent the ids again while they
    // were listed cancelling and HTX named them so, or a listing no longer showed them: either
    // way closed, which this call's first request may have done.
    expect(result.failed.map((f) => f.outcome)).toEqual(Array(3).fill("closed-possibly-by-this-call"));
    expect(breakdown(result).success).toBe(0);
    expect(result.confirmedEmpty).toBe(true);
    expect(cancels).toBeLessThanOrEqual(2);
  });

  it("retries listings that fail on the way (503, dropped connections) and still empties the book", async () => {
    let listings = 0;
    const { htx } = setup({
      orders: openOrders(700),
      faults: (request) => {
        if (new URL(request.url).pathname !== "/v1/order/openOrders") return undefined;
        listings++;
        return listings === 1
          ? { type: "html", status: 503 }
          : listings === 3
          ? { type: "drop", after: false }
          : undefined;
      },
    });
    const result = await htx.cancelAllOpen();
    expect(breakdown(result)).toEqual({ success: 700, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
    expect(result.listingErrors).toEqual([]);
  });

  it("at the deadline stops cancelling, lists once more, and accounts for orders first seen then as not sent", async () => {
    const { sim, htx } = setup({ orders: openOrders(5) });
    const bot = startOrderBot(sim, { everyMs: 20, perTick: 2 });
    try {
      const result = await htx.cancelAllOpen(undefined, { deadlineMs: 500 });
      expect(result).toMatchObject({ confirmedEmpty: false, deadlineReached: true });
      expect(result.stillOpen.length).toBeGreaterThan(0);
      const lastSeen = result.unresolved.filter((u) => u.error instanceof HtxAbortError);
      expect(lastSeen.every((u) => u.mayHaveBeenApplied === false)).toBe(true);
      expect(lastSeen.map((u) => u.id).sort()).toEqual(
        result.stillOpen.filter((o) => !result.success.includes(o.id)).map((o) => o.id).sort(),
      );
      expect(accounted(result)).toEqual(result.orders.map((o) => o.id).sort());
    } finally {
      bot.stop();
    }
  });

  it("on abort sends nothing more, makes no final listing, and names what may still be open", async () => {
    const stop = new AbortController();
    const { sim, htx } = setup({ orders: openOrders(3000), faults: () => ({ type: "latency", ms: 100 }) });
    const result = await htx.cancelAllOpen(undefined, {
      signal: stop.signal,
      onProgress: ({ done }) => {
        if (done > 0) stop.abort();
      },
    });
    expect(result.confirmedEmpty).toBe(false);
    expect(result.deadlineReached).toBe(false);
    // Cancels go out as pages arrive: the abort comes while the listing still pages, so only
    // the orders listed by then are seen; each is accounted for, none sent after the abort.
    const { success, unresolved } = breakdown(result);
    const seen = result.orders.length;
    expect(success).toBeGreaterThan(0);
    expect(unresolved).toEqual(seen > success ? { "HtxAbortError:not-applied": seen - success } : {});
    expect(result.stillOpen.map((o) => o.id).sort()).toEqual(result.unresolved.map((u) => u.id).sort());
    expect(openIds(sim)).toHaveLength(3000 - success);
  });

  it("rejects with HtxAbortError when aborted before anything was listed", async () => {
    const { sim, htx } = setup({ orders: openOrders(3) });
    const error = await htx.cancelAllOpen(undefined, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxAbortError);
    expect(sim.stats.requests).toBe(0);
  });
});

describe("cancelAllOpen: ids, budgets, progress and secrets", () => {
  it("lists and cancels exactly the 64-bit id 9007199254740993, never through a JS number", async () => {
    const id = "9007199254740993"; // 2^53 + 1: as a JS number it reads 9007199254740992
    const { sim, htx, requests } = setup({
      orders: [{ uid: 1, orderId: id, state: "submitted" }, { uid: 1, orderId: "9007199254740992", state: "filled" }],
    });
    const result = await htx.cancelAllOpen();
    expect(result.success).toEqual([id]);
    expect(result.orders.map((o) => o.id)).toEqual([id]);
    const cancel = requests.find((r) => new URL(r.url).pathname === "/v1/order/orders/batchcancel")!;
    expect(await cancel.text()).toBe(`{"order-ids":["${id}"]}`);
    expect(sim.getOrder(1, id)?.state).toMatch(/^cancel/);
    expect(sim.getOrder(1, "9007199254740992")?.state).toBe("filled");
  });

  it("takes each endpoint's slots from its own limiter", async () => {
    const acquired = { batchCancel: 0, openOrders: 0, accounts: 0 };
    const counting = (name: keyof typeof acquired): RateLimiter => ({
      acquire: () => {
        acquired[name]++;
        return Promise.resolve();
      },
    });
    const { sim, htx } = setup({ orders: openOrders(1100) }, {
      rateLimit: {
        batchCancel: counting("batchCancel"),
        openOrders: counting("openOrders"),
        accounts: counting("accounts"),
      },
    });
    const result = await htx.cancelAllOpen();
    expect(result.confirmedEmpty).toBe(true);
    expect(acquired).toEqual({
      batchCancel: sim.stats.batchCancelRequests,
      openOrders: sim.stats.byEndpoint["open-orders"].requests,
      accounts: 1,
    });
    expect(acquired.batchCancel).toBe(22);
  });

  it("keeps within each endpoint's own budget with the default limiters", async () => {
    // 60 listings of one symbol each: more than the 50 per 2 s of open orders.
    const symbols = Array.from({ length: 60 }, (_, i) => `coin${i}usdt`);
    const { sim, htx } = setup({ orders: openOrders(120, symbols) });
    const result = await htx.cancelAllOpen({ symbols });
    expect(breakdown(result)).toEqual({ success: 120, failed: {}, unresolved: {} });
    expect(sim.stats.byEndpoint["open-orders"].rateLimitViolations).toBe(0);
    expect(sim.stats.byEndpoint["open-orders"].maxRequestsInWindow).toBeLessThanOrEqual(50);
  }, 20_000);

  it("reports progress over every order seen, and survives a progress callback that rejects", async () => {
    const { htx } = setup({ orders: openOrders(120) });
    const seen: { done: number; total: number }[] = [];
    const result = await htx.cancelAllOpen(undefined, {
      onProgress: (progress) => {
        seen.push(progress);
        return Promise.reject(new Error("progress display failed"));
      },
    });
    expect(breakdown(result)).toEqual({ success: 120, failed: {}, unresolved: {} });
    expect(seen.at(-1)).toMatchObject({ done: 120, total: 120 });
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
  });

  it("shows no secret, AccessKeyId or Signature in the result, even with errors in it", async () => {
    const { htx, requests } = setup({
      orders: openOrders(60),
      faults: (request) =>
        new URL(request.url).pathname === "/v1/order/openOrders" ? { type: "html", status: 403 } : undefined,
    }, { retry: 0 });
    // A 403 page may pass on a later try: listings are asked again until the deadline.
    const error = await htx.cancelAllOpen(undefined, { deadlineMs: 300 }).catch((e: unknown) => e);
    expect(leaks(everyRendering(error), signaturesOf(requests))).toEqual([]);
    const result = await setup({ orders: openOrders(60) }).htx.cancelAllOpen();
    expect(leaks(everyRendering(result))).toEqual([]);
  });
});

/** What a listing's stub answers; each echoes the key's secret and the request's own Signature. */
const ECHOING_LISTINGS: [string, (secret: string) => (request: Request) => Response | Promise<Response>][] = [
  ["an error envelope", (secret) => (request) =>
    Response.json({
      status: "error",
      "err-code": "bad-request",
      "err-msg": `bad ${secret} ${new URL(request.url).searchParams.get("Signature")}`,
    })],
  [
    "a 403 page",
    (secret) => (request) =>
      new Response(`<p>denied ${secret} sig ${new URL(request.url).searchParams.get("Signature")}</p>`, {
        status: 403,
      }),
  ],
  [
    "a fetch that throws",
    (secret) => (request) =>
      Promise.reject(new Error(`reset ${secret} ${new URL(request.url).searchParams.get("Signature")}`)),
  ],
];

describe("listing errors never show the key's own secrets", () => {
  it.each(ECHOING_LISTINGS)("with an HMAC secret, when %s echoes it", async (_, echo) => {
    const stub = recordingFetch(echo(KEYS.secretKey));
    const htx = byIdOnly(new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch, retry: 0 }));
    // Listings that may pass later are asked again until the deadline; the error says why they failed.
    const error = await htx.cancelAllOpen({ accountId: "10000001" }, { deadlineMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxError);
    expect(stub.requests.length).toBeGreaterThanOrEqual(1);
    expect(leaks(everyRendering(error), signaturesOf(stub.requests))).toEqual([]);
  });

  it.each(ECHOING_LISTINGS)("with an Ed25519 key, when %s echoes its PEM body", async (_, echo) => {
    const stub = recordingFetch(echo(TEST_KEY.pem.split("\n")[1]!));
    const htx = new HtxClient({
      accessKey: KEYS.accessKey,
      privateKey: TEST_KEY.pem,
      baseUrl: BASE_URL,
      fetch: stub.fetch,
      retry: 0,
    });
    const error = await htx.listOpenOrders({ accountId: "10000001" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxError);
    expect(stub.requests).toHaveLength(1);
    expect(leaks(everyRendering(error), signaturesOf(stub.requests), TEST_KEY.pem)).toEqual([]);
  });

  it("nor when a listing's rate limiter throws a text holding the secret", async () => {
    const stub = recordingFetch(() => Response.json({ status: "ok", data: [] }));
    const limiter: RateLimiter = { acquire: () => Promise.reject(new Error(`store down: ${KEYS.secretKey}`)) };
    const htx = byIdOnly(
      new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch, rateLimit: { openOrders: limiter } }),
    );
    const error = await htx.listOpenOrders({ accountId: "10000001" }).catch((e: unknown) => e);
    expect((error as HtxError).message).toMatch(/acquire\(\) failed; the listing was not sent/);
    expect(stub.requests).toEqual([]);
    expect(leaks(everyRendering(error))).toEqual([]);
  });
});

describe("listings and the caller's signal", () => {
  it("sends no listing whose slot was granted after the caller aborted", async () => {
    const stub = recordingFetch(() => Response.json({ status: "ok", data: [] }));
    const controller = new AbortController();
    // A limiter that ignores the signal: it grants the slot after the caller gave up.
    const late: RateLimiter = {
      acquire: () => {
        controller.abort(new Error("caller gave up"));
        return Promise.resolve();
      },
    };
    const htx = byIdOnly(
      new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch, rateLimit: { openOrders: late } }),
    );
    const error = await htx.listOpenOrders({ accountId: "10000001" }, { signal: controller.signal }).catch((e) => e);
    expect(error).toBeInstanceOf(HtxAbortError);
    expect(stub.requests).toEqual([]);
  });

  it("without a signal, gives up on an HMAC backend that never settles after timeoutMs: nothing sent", async () => {
    const stub = recordingFetch(() => Response.json({ status: "ok", data: [] }));
    const htx = new HtxClient({
      ...KEYS,
      baseUrl: BASE_URL,
      fetch: stub.fetch,
      hmac: stuckHmac(() => true),
      timeoutMs: 200,
    });
    const error = await within(5_000, htx.listOpenOrders({ accountId: "10000001" }).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(HtxError);
    expect((error as HtxError).message).toMatch(
      /the HMAC backend did not answer within timeoutMs, 200 ms\); nothing was sent/,
    );
    expect(stub.requests).toEqual([]);
  });

  it.each([
    ["aborted in flight", 5000],
    ["timed out, then aborted while waiting to ask again", 300],
  ])(
    "resolves, saying a sweep may have cancelled, when the deadline ends a sweep that was sent (%s)",
    async (_, timeoutMs) => {
      // The listing fails throughout; the sweep reaches HTX and its answer never comes.
      const stub = recordingFetch((request) =>
        new URL(request.url).pathname === "/v1/order/orders/batchCancelOpenOrders"
          ? new Promise<Response>((_, reject) =>
            request.signal.addEventListener("abort", () => reject(request.signal.reason))
          )
          : new Response("bad gateway", { status: 502 })
      );
      const htx = new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch, timeoutMs, retry: 3 });
      const result = await htx.cancelAllOpen({ accountId: "10000001" }, { deadlineMs: 1200 });
      expect(result).toMatchObject({ confirmedEmpty: false, deadlineReached: true, orders: [] });
      expect(stub.requests.some((r) => new URL(r.url).pathname.endsWith("batchCancelOpenOrders"))).toBe(true);
    },
    15_000,
  );

  it("rejects, nothing cancelled, when no signature comes in time, the sweep's included: nothing was sent", async () => {
    const stub = recordingFetch(() => Response.json({ status: "ok", data: [] }));
    const hmac = stuckHmac(() => true);
    const htx = new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch, hmac, timeoutMs: 200, retry: 0 });
    const error = await htx.cancelAllOpen({ accountId: "10000001" }, { deadlineMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxError);
    expect((error as HtxError).message).toMatch(/nothing was cancelled/);
    expect(stub.requests).toEqual([]);
  });
});

describe("cancelAllOpen: bad input is refused before anything is sent", () => {
  it.each([
    [{ symbols: [] }, /symbols is empty: leave it out to cancel every symbol/],
    [{ symbols: ["BTCUSDT"] }, /symbols\[0\] "BTCUSDT" is not an HTX symbol.*try "btcusdt"/],
    [{ symbols: ["btc/usdt"] }, /symbols\[0\] "btc\/usdt" is not an HTX symbol/],
    [{ symbols: "btcusdt" }, /symbols must be an array/],
    [{ symbols: { 0: "btcusdt" } }, /symbols must be an array of symbols, got an object\.$/],
    // deno-lint-ignore no-sparse-arrays
    [{ symbols: ["btcusdt", , "ethusdt"] }, /symbols\[1\] is a hole/],
    [{ symbols: [42] }, /symbols\[0\] a number is not an HTX symbol/],
    [{ side: "both" }, /side must be "buy" or "sell"/],
    [{ accountId: 10000001 }, /accountId must be the account's id as digits \(as a string/],
    [{ accountId: "-1" }, /accountId must be the account's id as digits/],
    [{ symbol: "btcusdt" }, /filter has no field "symbol"/],
    [["btcusdt"], /filter must be \{ symbols\?, side\?, accountId\? \}/],
    [null, /filter must be/],
  ])("refuses the filter %j", async (filter, message) => {
    const { sim, htx } = setup({ orders: openOrders(3) });
    const error = await htx.cancelAllOpen(filter as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxInputError);
    expect((error as Error).message).toMatch(message);
    expect(sim.stats.requests).toBe(0);
  });

  it.each([0, -5, Number.NaN, Infinity, 2 ** 31, 1.5, "1000"])("refuses deadlineMs %s", async (deadlineMs) => {
    const { sim, htx } = setup({ orders: openOrders(3) });
    const error = await htx.cancelAllOpen(undefined, { deadlineMs } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxInputError);
    expect((error as Error).message).toMatch(/deadlineMs must be a whole number of ms from 1 to 2147483647/);
    expect(sim.stats.requests).toBe(0);
  });

  it.each([
    [{ signal: {} }, /signal must be an AbortSignal/],
    [{ onProgress: "yes" }, /onProgress must be a function/],
    [{ deadline: 5000 }, /options has no field "deadline" \(did you mean "deadlineMs"\?\)/],
  ])("refuses the options %j", async (options, message) => {
    const { sim, htx } = setup({ orders: openOrders(3) });
    const error = await htx.cancelAllOpen(undefined, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxInputError);
    expect((error as Error).message).toMatch(message);
    expect(sim.stats.requests).toBe(0);
  });

  it("refuses per-endpoint rate limits mixed with a window's fields, at construction", () => {
    expect(() => new HtxClient({ ...KEYS, rateLimit: { openOrders: { limit: 5 }, limit: 10 } as never })).toThrow(
      /rateLimit: "limit" is not an endpoint \(put it inside rateLimit\.openOrders\)/,
    );
    expect(() => new HtxClient({ ...KEYS, rateLimit: { accounts: { limit: 0 } } })).toThrow(HtxInputError);
    expect(() => new HtxClient({ ...KEYS, rateLimit: { openOrders: { acquire: 1 } } as never })).toThrow(
      /rateLimit\.openOrders\.acquire must be a function/,
    );
  });
});

/**
 * An HTX whose open-order listing ignores `symbol` and `side` (it pages by `from` and `size`
 * only, newest first), over the simulator's book; `repeat` ignores `from` too. Cancels and
 * accounts go to the simulator.
 */
function filterIgnoringHtx(sim: HtxSimulator, { repeat = false } = {}) {
  return recordingFetch((request) => {
    const url = new URL(request.url);
    if (url.pathname !== "/v1/order/openOrders") return sim.fetch(request);
    const from = url.searchParams.get("from");
    const size = Number(url.searchParams.get("size"));
    const page = sim.openOrders(1)
      .filter((o) => repeat || from === null || BigInt(o.orderId) < BigInt(from))
      .sort((a, b) => (BigInt(b.orderId) > BigInt(a.orderId) ? 1 : -1))
      .slice(0, size)
      .map((o) => `{"id":${o.orderId},"symbol":"${o.symbol}","type":"${o.type}","state":"${o.state}"}`);
    return new Response(`{"status":"ok","data":[${page.join(",")}]}`);
  });
}

describe("cancelAllOpen: HTX ignoring the listing's filter", () => {
  it.each([
    ["side", { side: "sell" as const }, openOrders(3, ["btcusdt"], 1_000n).map((o) => ({ ...o, type: "sell-limit" }))],
    ["symbol", { symbols: ["xrpusdt"] }, openOrders(3, ["xrpusdt"], 1_000n)],
  ])("keeps paging past a full page of orders of another %s, and cancels the matching ones beyond it", async (
    _,
    filter,
    matching,
  ) => {
    // The 500 newest open orders are buys of btcusdt; the 3 matching ones are older.
    const others = openOrders(500, ["btcusdt"], 2_000n).map((o) => ({ ...o, type: "buy-limit" }));
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], orders: [...matching, ...others] });
    const htx = byIdOnly(new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: filterIgnoringHtx(sim).fetch }));
    const result = await htx.cancelAllOpen(filter);
    expect(breakdown(result)).toEqual({ success: 3, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
    expect(sim.openOrders(1)).toHaveLength(500);
  });

  it("does not call a listing complete when HTX repeats a full page of other orders instead of paging on", async () => {
    const sells = openOrders(3, ["btcusdt"], 1_000n).map((o) => ({ ...o, type: "sell-limit" }));
    const buys = openOrders(500, ["btcusdt"], 2_000n).map((o) => ({ ...o, type: "buy-limit" }));
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], orders: [...sells, ...buys] });
    const htx = byIdOnly(
      new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: filterIgnoringHtx(sim, { repeat: true }).fetch }),
    );
    const error = await htx.cancelAllOpen({ side: "sell" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxError);
    expect((error as Error).message).toMatch(/ignored the listing's filter .* could not be listed/);
    expect(sim.stats.batchCancelRequests).toBe(0);
  });
});

describe("cancelAllOpen: the deadline bounds the listings too", () => {
  it("stops waiting for a listing's slot at the deadline when the limiter never grants one", async () => {
    const never: RateLimiter = { acquire: () => new Promise(() => {}) };
    const { sim, htx } = setup({ orders: openOrders(2) }, { rateLimit: { openOrders: never } });
    const error = await htx.cancelAllOpen(undefined, { deadlineMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxError);
    expect((error as Error).message).toMatch(/deadline \(deadlineMs 200\) passed before any open order was listed/);
    expect(sim.stats.byEndpoint["open-orders"].requests).toBe(0);
    expect(sim.stats.batchCancelRequests).toBe(0);
  });

  it("abandons a listing in flight at the deadline; the final listing has its own time, timeoutMs", async () => {
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], orders: openOrders(2) });
    let listings = 0;
    // HTX answers the first listing, then never answers one again (and ignores the abort).
    const stub = recordingFetch((request) =>
      new URL(request.url).pathname === "/v1/order/openOrders" && ++listings > 1
        ? new Promise<Response>(() => {})
        : sim.fetch(request)
    );
    const htx = byIdOnly(new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch, timeoutMs: 1000, retry: 0 }));
    const result = await htx.cancelAllOpen(undefined, { deadlineMs: 500 });
    expect(breakdown(result)).toEqual({ success: 2, failed: {}, unresolved: {} });
    expect(result).toMatchObject({ deadlineReached: true, confirmedEmpty: false });
    // Only the final listing failed (it ran out of its own time): the one in flight at the
    // deadline was abandoned, not waited for until its timeout.
    expect(result.listingErrors).toHaveLength(1);
  });
});

describe("cancelAllOpen: a key HTX refuses", () => {
  it("stops at the first cancel refused for the key (no Trade permission), reporting it once", async () => {
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS, permissions: ["read"] }], orders: openOrders(120) });
    const htx = byIdOnly(new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: sim.fetch }));
    const result = await htx.cancelAllOpen(undefined, { deadlineMs: 3000 });
    expect(breakdown(result)).toEqual({
      success: 0,
      failed: {},
      unresolved: { "HtxApiError:api-signature-not-valid:not-applied": 120 },
    });
    expect(result.refusedForKey).toBeInstanceOf(HtxApiError);
    expect(result.refusedForKey).toMatchObject({ errCode: "api-signature-not-valid" });
    expect(result).toMatchObject({ confirmedEmpty: false, deadlineReached: false, listings: 1 });
    expect(result.unresolved.every((u) => u.errors.length === 1)).toBe(true);
    expect(result.stillOpen).toHaveLength(120);
    expect(sim.stats.batchCancelRequests).toBe(3);
  });

  it("rejects with HTX's refusal of the key when the sweep is refused before any page is listed", async () => {
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS, permissions: ["read"] }], orders: openOrders(120) });
    // The listing is slow; the sweep goes beside it and is refused first.
    const stub = recordingFetch(async (request) => {
      if (new URL(request.url).pathname === "/v1/order/openOrders") await new Promise((r) => setTimeout(r, 200));
      return sim.fetch(request);
    });
    const htx = new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch });
    const error = await htx.cancelAllOpen(undefined, { deadlineMs: 3000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HtxApiError);
    expect(error).toMatchObject({ errCode: "api-signature-not-valid" });
    const paths = stub.requests.map((r) => new URL(r.url).pathname);
    expect(paths).toContain("/v1/order/orders/batchCancelOpenOrders");
    expect(sim.stats.batchCancelRequests).toBe(0);
  });
});

describe("cancelAllOpen: what may still be open, and what this call may have done", () => {
  it("names the orders not cancelled as still open when a later listing fails for good", async () => {
    let listings = 0;
    const sim = createHtxSimulator({
      accounts: [{ uid: 1, ...KEYS }],
      orders: [{ ...openOrders(1)[0]!, refuse: { errCode: "order-disabled" } }, ...openOrders(1, ["btcusdt"], 7n)],
    });
    const stub = recordingFetch((request) =>
      new URL(request.url).pathname === "/v1/order/openOrders" && ++listings > 1
        ? Response.json({ status: "error", "err-code": "api-signature-not-valid", "err-msg": "Incorrect Access key" })
        : sim.fetch(request)
    );
    const htx = byIdOnly(new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch }));
    const result = await htx.cancelAllOpen();
    expect(breakdown(result)).toEqual({ success: 1, failed: { "order-disabled:may-be-open": 1 }, unresolved: {} });
    expect(result.confirmedEmpty).toBe(false);
    expect(result.stillOpen.map((o) => o.id)).toEqual(["5000000000"]);
    expect(result.listingErrors.map((e) => (e as HtxApiError).errCode)).toEqual(["api-signature-not-valid"]);
  });

  it("keeps 'may have been applied' across passes: a lost answer, then refusals, then 'cancelling'", async () => {
    let cancels = 0;
    // Accepted cancels stay `cancelling` (listed) for the whole test.
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], orders: openOrders(1), cancelSettleMs: 60_000 });
    const id = openOrders(1)[0]!.orderId;
    const refusal = (errCode: string, state?: number) =>
      Response.json({
        status: "ok",
        data: { success: [], failed: [{ "order-id": id, "err-code": errCode, "err-msg": "no", "order-state": state }] },
      });
    const stub = recordingFetch(async (request) => {
      if (new URL(request.url).pathname !== "/v1/order/orders/batchcancel") return sim.fetch(request);
      cancels++;
      // Pass 1: the first attempt is applied and its answer lost; its retries are refused
      // for a moment (no state). Pass 2: HTX names the order cancelling.
      if (cancels === 1) {
        await sim.fetch(request);
        return new Promise<Response>(() => {});
      }
      return cancels <= 3 ? refusal("base-record-invalid") : refusal("order-orderstate-error", 10);
    });
    const htx = byIdOnly(
      new HtxClient({
        ...KEYS,
        baseUrl: BASE_URL,
        fetch: stub.fetch,
        timeoutMs: 300,
        retry: { limit: 2, baseDelayMs: 10, maxDelayMs: 20 },
      }),
    );
    const result = await htx.cancelAllOpen(undefined, { deadlineMs: 1500 });
    expect(breakdown(result)).toEqual({
      success: 0,
      failed: { "order-orderstate-error:closed-possibly-by-this-call": 1 },
      unresolved: {},
    });
    expect(cancels).toBe(4);
  });

  it("sends a cancel again when HTX accepted it but later listings still show the order open", async () => {
    let cancels = 0;
    const sim = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], orders: openOrders(1) });
    // HTX accepts every cancel, yet the order stays `submitted` (the cancel was lost inside HTX).
    const stub = recordingFetch(async (request) => {
      if (new URL(request.url).pathname !== "/v1/order/orders/batchcancel") return sim.fetch(request);
      cancels++;
      return Response.json({ status: "ok", data: { success: await idsOf(request), failed: [] } });
    });
    const htx = byIdOnly(new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch: stub.fetch }));
    const result = await htx.cancelAllOpen(undefined, { deadlineMs: 700 });
    expect(breakdown(result)).toEqual({ success: 1, failed: {}, unresolved: {} });
    expect(cancels).toBeGreaterThan(1);
    expect(result).toMatchObject({ confirmedEmpty: false, deadlineReached: true });
    expect(result.stillOpen.map((o) => [o.id, o.state])).toEqual([["5000000000", "submitted"]]);
  });
});
