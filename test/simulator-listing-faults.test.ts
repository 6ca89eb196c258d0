/**
 * The simulator's hazards for a kill switch's listings (issue 24): faults aimed at one symbol
 * and one page (`faultsFor`), pages that hang until aborted, `data: null`, a listed order with
 * one malformed field, an HTX that caps pages below the asked size, and one that ignores
 * `symbol`.
 */
import { describe, expect, it } from "vitest";
import {
  createHtxSimulator,
  faultsFor,
  type FaultTarget,
  type HtxFault,
  type HtxSimulatorOptions,
  type SimulatedOrder,
} from "../src/testing/mod.ts";
import { answer, BATCH_CANCEL, order, signed } from "./simulator-requests.ts";

const T0 = 1_700_000_000_000;
type Sim = ReturnType<typeof createHtxSimulator>;

/** `count` open orders of `symbol`, ids from `first` up. */
const book = (symbol: string, count: number, first: number): SimulatedOrder[] =>
  Array.from({ length: count }, (_, i) => order(String(first + i), "submitted", { symbol }));

const simOf = (options: HtxSimulatorOptions = {}) =>
  createHtxSimulator({ now: () => T0, orders: [...book("btcusdt", 5, 100), ...book("ethusdt", 5, 200)], ...options });

const list = (sim: Sim, query: Record<string, string>, init?: RequestInit) =>
  signed({ method: "GET", query, timestamp: T0 }).then((request) => answer(sim, new Request(request, init)));

const ids = (body: Record<string, any>) => (body.data as { id: number }[]).map((o) => String(o.id));

/** Lists `symbol` page by page (`size` each, newest first) until a short page; the answers. */
async function pages(sim: Sim, symbol: string, size: number, most = 10) {
  const answers = [];
  let from: string | undefined;
  for (let k = 0; k < most; k++) {
    const query: Record<string, string> = { symbol, size: String(size), ...(from ? { from, direct: "next" } : {}) };
    const got = await list(sim, query);
    answers.push(got);
    if (!Array.isArray(got.body.data) || got.body.data.length < size) break;
    from = ids(got.body).at(-1);
  }
  return answers;
}

describe("simulator: faults aimed at a symbol and a page", () => {
  it("tells the fault plan each listing's endpoint, symbol and page, a retried page keeping its number", async () => {
    const seen: FaultTarget[] = [];
    const sim = simOf({ faults: (_, __, target) => void seen.push(target!) });
    await pages(sim, "ethusdt", 2);
    await list(sim, { symbol: "ethusdt", size: "2", from: "203", direct: "next" }); // page 2 again
    await list(sim, { symbol: "ethusdt", size: "2", from: "202", direct: "next" }); // no page ended at 202
    await answer(sim, signed({ path: BATCH_CANCEL, timestamp: T0 }));
    expect(seen).toEqual([
      { endpoint: "open-orders", symbol: "ethusdt", page: 1 },
      { endpoint: "open-orders", symbol: "ethusdt", page: 2 },
      { endpoint: "open-orders", symbol: "ethusdt", page: 3 },
      { endpoint: "open-orders", symbol: "ethusdt", page: 2 },
      { endpoint: "open-orders", symbol: "ethusdt", page: undefined },
      { endpoint: "batch-cancel" },
    ]);
  });

  it("counts pages per listing: another symbol's page 2 is its own", async () => {
    const sim = simOf({ faults: faultsFor([{ symbol: "ethusdt", page: 2, fault: { type: "html", status: 503 } }]) });
    const eth = await pages(sim, "ethusdt", 2);
    const btc = await pages(sim, "btcusdt", 2);
    expect(eth.map((a) => a.status)).toEqual([200, 503]);
    expect(btc.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(btc.flatMap((a) => ids(a.body))).toEqual(["104", "103", "102", "101", "100"]);
  });

  it("hits a rule `times` times, then answers as usual", async () => {
    const fault: HtxFault = { type: "envelope", errCode: "base-system-error", errMsg: "System error" };
    const sim = simOf({ faults: faultsFor([{ symbol: "btcusdt", fault, times: 2 }]) });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await list(sim, { symbol: "btcusdt" })).body.status);
    expect(statuses).toEqual(["error", "error", "ok"]);
    expect((await list(sim, { symbol: "ethusdt" })).body.status).toBe("ok");
  });

  it.each(
    [
      ["a 503 page", { type: "html", status: 503 }, 503, /503 Service/],
      ["a 502 page", { type: "html", status: 502 }, 502, /502 Bad Gateway/],
      ["a Cloudflare 403", { type: "html", status: 403 }, 403, /Cloudflare/],
      ["data: null", { type: "null-data" }, 200, /^\{"status":"ok","data":null\}$/],
    ] as const,
  )("answers %s for the page it targets", async (_, fault, status, text) => {
    const sim = simOf({ faults: faultsFor([{ endpoint: "open-orders", page: 1, fault }]) });
    const got = await list(sim, { symbol: "btcusdt" });
    expect(got.status).toBe(status);
    expect(got.text).toMatch(text);
  });
});

describe("simulator: a listed order with one malformed field", () => {
  const withField = (fault: HtxFault) => simOf({ faults: faultsFor([{ endpoint: "open-orders", fault }]) });

  it.each(
    [
      ["price null", { field: "price", value: null }, '"price":null'],
      ["amount a number", { field: "amount", value: 1.5 }, '"amount":1.5'],
      ["created-at a string", { field: "created-at", value: "1700000000000" }, '"created-at":"1700000000000"'],
      ["filled-amount null", { field: "filled-amount", value: null }, '"filled-amount":null'],
      ["an id that is not a number", { field: "id", value: "x" }, '"id":"x"'],
    ] as const,
  )("writes %s in the first order of the page, the others as HTX does", async (_, change, written) => {
    const { text, body } = await list(withField({ type: "order-field", ...change }), { symbol: "btcusdt" });
    const [first, ...rest] = text.slice(text.indexOf("[") + 1).split("},{");
    expect(first).toContain(written);
    for (const other of rest) expect(other).not.toContain(written);
    expect(body.data).toHaveLength(5);
  });

  it("removes the field when no value is given, and can aim at another order of the page", async () => {
    const { body } = await list(withField({ type: "order-field", field: "state", index: 2 }), { symbol: "btcusdt" });
    expect(body.data.map((o: Record<string, unknown>) => "state" in o)).toEqual([true, true, false, true, true]);
  });

  it("leaves a page without that order, and other endpoints, as they were", async () => {
    const sim = withField({ type: "order-field", field: "price", value: null, index: 9 });
    expect((await list(sim, { symbol: "btcusdt" })).text).not.toContain("null");
    const cancel = await answer(sim, signed({ path: BATCH_CANCEL, timestamp: T0, body: { "order-ids": ["100"] } }));
    expect(cancel.body).toEqual({ status: "ok", data: { success: ["100"], failed: [] } });
  });
});

describe("simulator: slow and hanging pages", () => {
  /** Whether a promise has settled after the simulator had every chance to answer. */
  async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
    let settled = false;
    promise.then(() => (settled = true), () => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return settled;
  }

  it("hangs a targeted page until the request's signal aborts, then rejects with its reason", async () => {
    const sim = simOf({ faults: faultsFor([{ symbol: "ethusdt", page: 2, fault: { type: "hang" } }]) });
    const first = await list(sim, { symbol: "ethusdt", size: "2" });
    const controller = new AbortController();
    const query = { symbol: "ethusdt", size: "2", from: ids(first.body).at(-1)!, direct: "next" };
    const second = list(sim, query, { signal: controller.signal });
    expect(await settledSoon(second)).toBe(false);
    controller.abort(new Error("deadline"));
    await expect(second).rejects.toThrow("deadline");
    expect(sim.stats.faults).toEqual({ hang: 1 });
  });

  it("never sees a request whose signal aborted before it was sent, as fetch never sends one", async () => {
    const sim = simOf();
    const request = await signed({ path: BATCH_CANCEL, timestamp: T0, body: { "order-ids": ["100"] } });
    const aborted = new Request(request, { signal: AbortSignal.abort(new Error("too late")) });
    await expect(sim.fetch(aborted)).rejects.toThrow("too late");
    expect(sim.getOrder(1, "100")?.state).toBe("submitted");
    expect(sim.stats.requests).toBe(0);
  });

  it("ends a slow answer early when the request's signal aborts, as fetch does", async () => {
    const sim = simOf({ faults: () => ({ type: "latency", ms: 600_000 }) });
    const controller = new AbortController();
    const slow = list(sim, { symbol: "btcusdt" }, { signal: controller.signal });
    expect(await settledSoon(slow)).toBe(false);
    controller.abort(new Error("gave up"));
    await expect(slow).rejects.toThrow("gave up");
  });
});

describe("simulator: an HTX whose listings are not what they seem", () => {
  it("openOrdersPageCap: answers at most the cap whatever size asks, so a short page is not the last", async () => {
    const sim = simOf({ openOrdersPageCap: 2 });
    const answers = await pages(sim, "btcusdt", 500);
    expect(answers.map((a) => a.body.data.length)).toEqual([2]);
    const capped = await pages(sim, "btcusdt", 2);
    expect(capped.flatMap((a) => ids(a.body))).toEqual(["104", "103", "102", "101", "100"]);
  });

  it("openOrdersIgnoresSymbol: lists every symbol whatever symbol says", async () => {
    const honest = await list(simOf(), { symbol: "btcusdt" });
    expect(ids(honest.body)).toEqual(["104", "103", "102", "101", "100"]);
    const ignoring = await list(simOf({ openOrdersIgnoresSymbol: true }), { symbol: "btcusdt" });
    expect(ids(ignoring.body)).toEqual(["204", "203", "202", "201", "200", "104", "103", "102", "101", "100"]);
  });

  it("both at once: a listing of one symbol shows the cap's worth of any symbols", async () => {
    const sim = simOf({ openOrdersIgnoresSymbol: true, openOrdersPageCap: 3 });
    const { body } = await list(sim, { symbol: "btcusdt", size: "500" });
    expect(body.data.map((o: { symbol: string }) => o.symbol)).toEqual(["ethusdt", "ethusdt", "ethusdt"]);
  });
});
