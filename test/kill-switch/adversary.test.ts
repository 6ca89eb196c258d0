/**
 * The kill switch against a second adversarial review: many symbols at once, two calls on one
 * client, a sweep that works while every listing fails, and paging that cannot move on.
 */
import { describe, expect, it } from "vitest";
import { type CancelAllOpenOptions, HtxAbortError, HtxError } from "../../mod.ts";
import { killSwitchSummary } from "../../src/cli/output.ts";
import { breakdown } from "../helpers.ts";
import { after, fakeHtx, htmlPage, OPEN_ORDERS, openOrders } from "./fake-htx.ts";

const ACCOUNTS = "/v1/account/accounts";
const SYMBOLS = Array.from({ length: 15 }, (_, i) => `coin${i}usdt`);

/** Settles to "settled" or, when `promise` has not settled after `ms`, to "still waiting". */
const settledWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => "settled", () => "settled"), after(ms).then(() => "still waiting")]);

/** An answer held back until `release()` is called. */
function heldBack() {
  let release = () => {};
  const answered = new Promise<void>((resolve) => (release = resolve));
  return { answered, release: () => release() };
}

describe("many symbols at once", () => {
  it("lists and sweeps 15 symbols without Node's MaxListenersExceededWarning", async () => {
    const htx = fakeHtx({ orders: openOrders(300, SYMBOLS) });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const result = await htx.client().cancelAllOpen({ symbols: SYMBOLS });
      await after(0); // warnings are emitted on a later tick
      expect(result.confirmedEmpty).toBe(true);
      expect(htx.sim.openOrders(1)).toEqual([]);
      expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("two calls at once on one client", () => {
  const stopsBy = {
    "abort": (): CancelAllOpenOptions => {
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 20);
      return { signal: stop.signal };
    },
    "deadline": (): CancelAllOpenOptions => ({ deadlineMs: 50 }),
  };
  it.each([["abort", HtxAbortError], ["deadline", HtxError]] as const)(
    "a second call's %s ends its wait for the first call's account lookup",
    async (by, errorClass) => {
      const held = heldBack();
      const htx = fakeHtx({ orders: openOrders(20) }, ({ path, request, n }) => {
        if (path !== ACCOUNTS || n > 0) return undefined;
        return held.answered.then(() => htx.sim.fetch(request));
      });
      const client = htx.client({ timeoutMs: 10_000 });
      const first = client.cancelAllOpen(undefined, { sweep: false });
      const second = client.cancelAllOpen(undefined, { sweep: false, ...stopsBy[by]() });
      const outcome = await settledWithin(second, 1000);
      held.release();
      expect(outcome).toBe("settled");
      await expect(second).rejects.toBeInstanceOf(errorClass);
      expect(breakdown(await first).success).toBe(20);
    },
  );
});

describe("the sweep when no listing answers", () => {
  it("does not claim nothing was cancelled when the sweep cancelled orders", async () => {
    const htx = fakeHtx({ orders: openOrders(300) }, ({ path }) => (path === OPEN_ORDERS ? htmlPage(503) : undefined));
    const outcome = await htx.client({ retry: 0 }).cancelAllOpen(undefined, { deadlineMs: 600 }).catch((e: Error) => e);
    expect(htx.sim.openOrders(1)).toEqual([]); // the sweep cancelled every order
    expect(outcome).not.toBeInstanceOf(Error);
    const result = outcome as Exclude<typeof outcome, Error>;
    expect(result.swept).toBe(300);
    expect(result.orders).toEqual([]);
    expect(result.confirmedEmpty).toBe(false);
    expect(result.listingErrors.length).toBeGreaterThan(0);
    expect(killSwitchSummary(result)).toMatch(/The sweep \(cancel by criteria\) cancelled 300 orders\./);
  });
});

describe("paging that cannot move on", () => {
  it("does not re-ask one page forever: other symbols' later rounds still run", async () => {
    // btcusdt's listing answers the same page whatever `from` says: an order and an entry with no id.
    const stuck = { id: 42, symbol: "btcusdt", state: "submitted", type: "buy-limit" };
    const htx = fakeHtx({ orders: openOrders(20, ["ethusdt"]) }, ({ path, symbol, n }) => {
      if (path === "/v1/order/orders/batchcancel" && n === 0) {
        htx.sim.addOrders(openOrders(20, ["ethusdt"], 9_000_000_000n)); // placed while the first cancels go out
      }
      if (path !== OPEN_ORDERS || symbol !== "btcusdt") return undefined;
      return Response.json({ status: "ok", data: [stuck, { note: "no id" }] });
    });
    const result = await htx.client({ timeoutMs: 1000 }).cancelAllOpen({ symbols: ["btcusdt", "ethusdt"] }, {
      sweep: false,
      deadlineMs: 2000,
    });
    expect(htx.sim.openOrders(1)).toEqual([]); // the 20 placed later were listed and cancelled too
    expect(result.confirmedEmpty).toBe(false);
    expect(result.listingErrors.some((e) => /same page again/.test(e.message))).toBe(true);
  });

  it("does not confirm a book empty when HTX ignores symbol and from, and caps pages below the size asked", async () => {
    const orders = [...openOrders(50, ["btcusdt"], 1_000n), ...openOrders(400, ["ethusdt"], 9_000n)];
    // Every page: the 100 newest open orders (all ethusdt), whatever `symbol` and `from` say.
    const htx = fakeHtx({ orders }, ({ path }) => {
      if (path !== OPEN_ORDERS) return undefined;
      const newest = htx.sim.openOrders(1)
        .sort((a, b) => (BigInt(b.orderId) > BigInt(a.orderId) ? 1 : -1))
        .slice(0, 100)
        .map((o) => `{"id":${o.orderId},"symbol":"${o.symbol}","type":"${o.type}","state":"${o.state}"}`);
      return new Response(`{"status":"ok","data":[${newest.join(",")}]}`);
    });
    const outcome = await htx.client().cancelAllOpen({ symbols: ["btcusdt"] }, { sweep: false, deadlineMs: 2000 })
      .catch((e: Error) => e);
    expect(htx.sim.openOrders(1).filter((o) => o.symbol === "btcusdt")).toHaveLength(50);
    expect(outcome).toBeInstanceOf(Error); // nothing of btcusdt could be listed: no "confirmed empty"
    expect((outcome as Error).message).toMatch(/ignored the listing's filter .* could not be listed/);
  });
});
