/**
 * The kill switch against the cases of issue 24's review, one test a row: it acts while it
 * lists, never stops for one bad page, symbol or field, keeps every order it saw, and is
 * bounded by its deadline whatever hangs.
 */
import { describe, expect, it } from "vitest";
import { HtxError } from "../../mod.ts";
import { breakdown, fixture, fixtureResponse, stuckHmac } from "../helpers.ts";
import { after, BATCH_CANCEL, fakeHtx, htmlPage, never, OPEN_ORDERS, openOrders, SWEEP } from "./fake-htx.ts";

const byId = { sweep: false } as const;
const ids = (orders: { id: string }[]) => orders.map((o) => o.id).sort();

describe("the kill switch cancels while it lists", () => {
  it("cancels page 1's orders while page 2 hangs", async () => {
    const htx = fakeHtx(
      { orders: openOrders(1000) },
      ({ path, from }) => (path === OPEN_ORDERS && from ? never() : undefined),
    );
    const result = await htx.client({ timeoutMs: 2000 }).cancelAllOpen(undefined, { ...byId, deadlineMs: 1000 });
    expect(breakdown(result).success).toBe(500);
    expect(htx.sim.openOrders(1)).toHaveLength(500);
    expect(result.confirmedEmpty).toBe(false);
  });

  it("sends the first cancel before the second page is answered (within one round trip of the first page)", async () => {
    // A page after the first answers 100 ms late; the first cancel must not wait for it.
    const slow = fakeHtx(
      { orders: openOrders(1500) },
      ({ path, from, request }) =>
        path === OPEN_ORDERS && from ? after(100).then(() => slow.sim.fetch(request)) : undefined,
    );
    await slow.client().cancelAllOpen(undefined, byId);
    const firstCancel = slow.wire.findIndex((e) => e.kind === "sent" && e.path === BATCH_CANCEL);
    const secondPage = slow.wire.findIndex((e) => e.kind === "answered" && e.path === OPEN_ORDERS && e.n === 1);
    expect(firstCancel).toBeGreaterThan(-1);
    expect(firstCancel).toBeLessThan(secondPage);
  });
});

describe("one bad symbol, page or field never stops the others", () => {
  it("cancels ethusdt's orders when another symbol is refused, whichever comes first", async () => {
    const refuseBad = ({ path, symbol }: { path: string; symbol?: string }) =>
      path === OPEN_ORDERS && symbol === "btcusdtt"
        ? Response.json({ status: "error", "err-code": "invalid-parameter", "err-msg": "invalid symbol" })
        : undefined;
    for (const symbols of [["btcusdt", "btcusdtt", "ethusdt"], ["btcusdtt", "ethusdt"]]) {
      const htx = fakeHtx({ orders: openOrders(40, ["btcusdt", "ethusdt"]) }, refuseBad);
      const result = await htx.client().cancelAllOpen({ symbols }, { ...byId, deadlineMs: 3000 });
      const eth = result.orders.filter((o) => o.symbol === "ethusdt").map((o) => o.id);
      expect(eth).toHaveLength(20);
      expect(result.success).toEqual(expect.arrayContaining(eth));
      expect(result.confirmedEmpty).toBe(false);
      expect(result.listingErrors.some((e) => /invalid symbol/.test(e.message))).toBe(true);
    }
  });

  it("keeps listing the other symbols while one answers 503, and lists it once it recovers", async () => {
    let failures = 0;
    const htx = fakeHtx(
      { orders: openOrders(60, ["btcusdt", "ethusdt", "xrpusdt"]) },
      ({ path, symbol }) => path === OPEN_ORDERS && symbol === "btcusdt" && failures++ < 6 ? htmlPage(503) : undefined,
    );
    const client = htx.client({ retry: { limit: 1, baseDelayMs: 10, maxDelayMs: 40 } });
    const result = await client.cancelAllOpen({ symbols: ["btcusdt", "ethusdt", "xrpusdt"] }, byId);
    expect(breakdown(result)).toEqual({ success: 60, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
  });

  it.each([
    ["price null", { price: null }],
    ["amount a number", { amount: 1.5 }],
    ["created-at a string", { "created-at": "yesterday" }],
    ["filled-amount null", { "filled-amount": null }],
  ])("cancels all 300 orders when one is listed with %s", async (_, odd) => {
    const htx = fakeHtx({ orders: openOrders(300) }, ({ path, request }) => {
      if (path !== OPEN_ORDERS) return undefined;
      return htx.sim.fetch(request).then(async (response) => {
        const page = await response.json() as { data: Record<string, unknown>[] };
        if (page.data[7]) Object.assign(page.data[7], odd);
        return Response.json(page);
      });
    });
    const result = await htx.client().cancelAllOpen(undefined, byId);
    expect(breakdown(result)).toEqual({ success: 300, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
  });

  it("reports an order whose id cannot be read, and cancels the rest of its page", async () => {
    const htx = fakeHtx({ orders: openOrders(30) }, ({ path, request, n }) => {
      if (path !== OPEN_ORDERS || n > 0) return undefined;
      return htx.sim.fetch(request).then(async (response) => {
        const page = await response.json() as { data: Record<string, unknown>[] };
        page.data.push({ id: "not-an-id", symbol: "btcusdt", state: "submitted" });
        return Response.json(page);
      });
    });
    const result = await htx.client().cancelAllOpen(undefined, byId);
    expect(breakdown(result).success).toBe(30);
    expect(result.listingErrors.some((e) => /could not be read \(no readable id\)/.test(e.message))).toBe(true);
    expect(result.confirmedEmpty).toBe(true); // a later listing read every entry and found nothing
  });

  it("retries a first listing that answers 502 for a while instead of rejecting", async () => {
    let until = 0;
    const htx = fakeHtx({ orders: openOrders(50) }, ({ path }) => {
      if (path !== OPEN_ORDERS) return undefined;
      until ||= Date.now() + 600;
      return Date.now() < until ? htmlPage(502) : undefined;
    });
    const result = await htx.client({ retry: { limit: 0 } }).cancelAllOpen(undefined, { ...byId, deadlineMs: 5000 });
    expect(breakdown(result)).toEqual({ success: 50, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
  });

  it("asks again when the account lookup answers 502 for a while, instead of rejecting", async () => {
    const htx = fakeHtx(
      { orders: openOrders(20) },
      ({ path, n }) => path === "/v1/account/accounts" && n < 3 ? htmlPage(502) : undefined,
    );
    const result = await htx.client({ retry: 0 }).cancelAllOpen(undefined, { ...byId, deadlineMs: 5000 });
    expect(breakdown(result)).toEqual({ success: 20, failed: {}, unresolved: {} });
    expect(htx.count("/v1/account/accounts")).toBe(4);
  });

  it.each([
    ["a page with data null", () => Response.json({ status: "ok", data: null })],
    ["a Cloudflare 403 page", () => htmlPage(403)],
  ])("asks again after %s and cancels the orders", async (_, bad) => {
    const htx = fakeHtx(
      { orders: openOrders(50) },
      ({ path, n }) => (path === OPEN_ORDERS && n < 2 ? bad() : undefined),
    );
    const result = await htx.client({ retry: 0 }).cancelAllOpen(undefined, { ...byId, deadlineMs: 5000 });
    expect(breakdown(result)).toEqual({ success: 50, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
  });
});

describe("never drop what was seen", () => {
  it("keeps the orders a later listing cut short by the caller's abort showed, in orders and stillOpen", async () => {
    const NEW = 9_000_000_000n;
    const stop = new AbortController();
    // A bot places 700 orders as the first cancel goes out; their cancels never answer, and the
    // listing that finds them hangs at its second page, where the caller aborts.
    const htx = fakeHtx({ orders: openOrders(300) }, ({ path, from, n }) => {
      if (path === BATCH_CANCEL && n === 0) htx.sim.addOrders(openOrders(700, ["btcusdt"], NEW));
      if (path === BATCH_CANCEL && n >= 6) return never();
      if (path !== OPEN_ORDERS || from === undefined || BigInt(from) < NEW) return undefined;
      setTimeout(() => stop.abort(), 50);
      return never();
    });
    const client = htx.client({ timeoutMs: 300 });
    const result = await client.cancelAllOpen(undefined, { ...byId, signal: stop.signal });
    const late = result.orders.filter((o) => BigInt(o.id) >= NEW);
    expect(result.orders).toHaveLength(800);
    expect(late).toHaveLength(500);
    expect(ids(result.stillOpen)).toEqual(ids(late));
    expect(result.confirmedEmpty).toBe(false);
  });
});

describe("bounded by the deadline, always", () => {
  it("returns within deadlineMs + 2 × timeoutMs with an hmac backend that never settles", async () => {
    const htx = fakeHtx({ orders: openOrders(10) });
    const hmac = { keyed: () => () => new Promise<Uint8Array>(() => {}) };
    const client = htx.client({ hmac, timeoutMs: 200 } as never);
    const started = Date.now();
    const outcome = await client.cancelAllOpen(undefined, { deadlineMs: 300 }).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(HtxError);
    expect(Date.now() - started).toBeLessThan(300 + 2 * 200 + 500);
  });

  it("reports cancels whose signing hangs at the deadline as not sent, never as possibly applied", async () => {
    // The listings are signed; the cancels' signatures never come (the text HTX signs: METHOD\nhost\npath\nquery).
    const hmac = stuckHmac((text) => text.startsWith("POST\n") && text.includes(`\n${BATCH_CANCEL}\n`));
    const htx = fakeHtx({ orders: openOrders(120) });
    const [deadlineMs, timeoutMs] = [500, 500];
    const client = htx.client({ hmac, timeoutMs });
    await client.listOpenOrders(); // loads the kill switch: its first load is not what the bound is about
    const started = Date.now();
    const result = await client.cancelAllOpen(undefined, { ...byId, deadlineMs });
    expect(Date.now() - started).toBeLessThan(deadlineMs + 2 * timeoutMs);
    expect(hmac.texts.filter((text) => text.includes(BATCH_CANCEL)).length).toBeGreaterThan(0);
    expect(htx.count(BATCH_CANCEL)).toBe(0);
    expect(breakdown(result)).toEqual({ success: 0, failed: {}, unresolved: { "HtxError:not-applied": 120 } });
    expect(result.stillOpen).toHaveLength(120);
  });

  it("does not wait out a hanging clock resync past the deadline: the final listing's time is the only extra", async () => {
    // The first listing answers; every later one is refused as stale while HTX's clock never answers.
    const htx = fakeHtx({ orders: openOrders(10) }, ({ path, n }) => {
      if (path === "/v1/common/timestamp") return never();
      if (path === OPEN_ORDERS && n > 0) return fixtureResponse(fixture("error-stale-timestamp"));
      return undefined;
    });
    const started = Date.now();
    const result = await htx.client({ timeoutMs: 1000 }).cancelAllOpen(undefined, { ...byId, deadlineMs: 200 });
    const tookMs = Date.now() - started;
    expect(breakdown(result).success).toBe(10);
    expect(htx.count("/v1/common/timestamp")).toBeGreaterThan(0);
    expect(tookMs).toBeLessThan(200 + 1000 + 400);
  });
});

describe("accounts", () => {
  it("cancels on every working spot account; a locked first entry does not hide a working one", async () => {
    const userAccounts = [
      { uid: 1, id: "100", type: "spot", state: "lock" as const },
      { uid: 1, id: "200", type: "spot", state: "working" as const },
      { uid: 1, id: "300", type: "spot", state: "working" as const },
    ];
    const orders = [
      ...openOrders(20, ["btcusdt"], 1_000n).map((o) => ({ ...o, accountId: "200" })),
      ...openOrders(20, ["btcusdt"], 2_000n).map((o) => ({ ...o, accountId: "300" })),
    ];
    const htx = fakeHtx({ userAccounts, orders });
    const result = await htx.client().cancelAllOpen(undefined, byId);
    expect(result.accountIds).toEqual(["200", "300"]);
    expect(breakdown(result)).toEqual({ success: 40, failed: {}, unresolved: {} });
    expect(result.confirmedEmpty).toBe(true);
  });

  it("names a spot account in a state it does not know", async () => {
    const userAccounts = [{ uid: 1, id: "100", type: "spot", state: "frozen" }];
    const fake = fakeHtx(
      {},
      ({ path }) => path === "/v1/account/accounts" ? Response.json({ status: "ok", data: userAccounts }) : undefined,
    );
    const error = await fake.client().cancelAllOpen().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/spot account 100 is in a state this client does not know \("frozen"\)/);
  });
});

describe("confirmation that short pages cannot fool", () => {
  it("does not confirm a book empty when HTX ignores symbol and caps its pages", async () => {
    const orders = [...openOrders(400, ["ethusdt"], 9_000n), ...openOrders(384, ["btcusdt"], 1_000n)];
    const htx = fakeHtx({ orders, openOrdersIgnoresSymbol: true, openOrdersPageCap: 100 });
    const result = await htx.client().cancelAllOpen({ symbols: ["btcusdt"] }, byId);
    expect(htx.sim.openOrders(1).filter((o) => o.symbol === "btcusdt")).toEqual([]);
    expect(breakdown(result).success).toBe(384);
    expect(result.confirmedEmpty).toBe(true);
    expect(htx.sim.openOrders(1)).toHaveLength(400);
  });
});

describe("truth across lists", () => {
  it("an id unresolved after its cancel and absent from a later complete listing is closed, and not re-sent", async () => {
    let cancels = 0;
    // The cancel is applied, its answer lost (a 502 after applying it); the orders close at once.
    const htx = fakeHtx({ orders: openOrders(120), cancelSettleMs: 0 }, ({ path, request }) => {
      if (path !== BATCH_CANCEL) return undefined;
      cancels++;
      return htx.sim.fetch(request).then(() => htmlPage(502));
    });
    const result = await htx.client({ retry: 0 }).cancelAllOpen(undefined, byId);
    expect(result.confirmedEmpty).toBe(true);
    expect(breakdown(result)).toEqual({
      success: 0,
      failed: { "absent-from-listing:closed-possibly-by-this-call": 120 },
      unresolved: {},
    });
    expect(cancels).toBe(3);
  });
});

describe("the sweep", () => {
  it("sweeps by criteria on its own budget beside the cancels by id, with no rate-limit violation", async () => {
    const htx = fakeHtx({ orders: openOrders(3000, ["btcusdt", "ethusdt"]) });
    const result = await htx.client().cancelAllOpen();
    expect(result.confirmedEmpty).toBe(true);
    expect(result.swept).toBeGreaterThan(0);
    expect(htx.count(SWEEP)).toBeGreaterThan(0);
    expect(htx.sim.openOrders(1)).toEqual([]);
    expect(htx.sim.stats.rateLimitViolations).toBe(0);
    // Every order seen is accounted for: accepted by id, or closed (by the sweep, possibly).
    const { success, failed, unresolved } = breakdown(result);
    expect(unresolved).toEqual({});
    expect(success + Object.values(failed).reduce((a, b) => a + b, 0)).toBe(result.orders.length);
  });

  it("sends no sweep with sweep: false, nor for a clientOrderIdPrefix filter", async () => {
    const orders = openOrders(40).map((o, i) => ({ ...o, clientOrderId: `${i % 2 ? "botA" : "botB"}-${i}` }));
    const htx = fakeHtx({ orders });
    const result = await htx.client().cancelAllOpen({ clientOrderIdPrefix: "botA-" });
    expect(htx.count(SWEEP)).toBe(0);
    expect(breakdown(result).success).toBe(20);
    expect(htx.sim.openOrders(1).every((o) => o.clientOrderId?.startsWith("botB-"))).toBe(true);
    const off = fakeHtx({ orders: openOrders(40) });
    await off.client().cancelAllOpen(undefined, { sweep: false });
    expect(off.count(SWEEP)).toBe(0);
  });
});
