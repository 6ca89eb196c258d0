/**
 * A programmable fake HTX for the kill switch's tests: the simulator (which pages, cancels and
 * sweeps as HTX does), with a hook that may answer any request itself first (a hanging page, a
 * 503 on one symbol, a page of odd fields), and a log of what reached the wire and when.
 */
import { HtxClient, type HtxClientOptions } from "../../mod.ts";
import {
  createHtxSimulator,
  type HtxSimulator,
  type HtxSimulatorOptions,
  type SimulatedOrder,
} from "../../src/testing/mod.ts";
import { KEYS } from "../helpers.ts";

export const BASE_URL = "http://127.0.0.1";
export const OPEN_ORDERS = "/v1/order/openOrders";
export const BATCH_CANCEL = "/v1/order/orders/batchcancel";
export const SWEEP = "/v1/order/orders/batchCancelOpenOrders";

/** What a request is, for a hook: its path, and for listings the symbol, the account and `from`. */
export interface Seen {
  path: string;
  symbol?: string;
  accountId?: string;
  from?: string;
  /** How many requests to this path came before this one. */
  n: number;
  request: Request;
}

/** Answers a request itself, or `undefined` to let the simulator answer. */
export type Hook = (seen: Seen) => Response | Promise<Response> | undefined;

/** One event on the wire: a request sent, or its answer back. */
export interface WireEvent {
  kind: "sent" | "answered";
  path: string;
  n: number;
}

/** `count` open orders of uid 1 from id `first`, over `symbols` in turn, buys and sells alternating. */
export function openOrders(count: number, symbols = ["btcusdt"], first = 5_000_000_000n): SimulatedOrder[] {
  return Array.from({ length: count }, (_, i) => ({
    uid: 1,
    orderId: String(first + BigInt(i)),
    state: "submitted" as const,
    symbol: symbols[i % symbols.length]!,
    type: i % 2 === 0 ? "buy-limit" : "sell-limit",
  }));
}

/** A fake HTX over a simulator of uid 1 with the test key. */
export function fakeHtx(simOptions: HtxSimulatorOptions = {}, hook: Hook = () => undefined) {
  const sim: HtxSimulator = createHtxSimulator({ accounts: [{ uid: 1, ...KEYS }], ...simOptions });
  const counts = new Map<string, number>();
  const wire: WireEvent[] = [];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const request = new Request(url, init);
    const parsed = new URL(url);
    const path = parsed.pathname;
    const n = counts.get(path) ?? 0;
    counts.set(path, n + 1);
    const q = parsed.searchParams;
    const seen: Seen = { path, n, request: request.clone() };
    if (q.has("symbol")) seen.symbol = q.get("symbol")!;
    if (q.has("account-id")) seen.accountId = q.get("account-id")!;
    if (q.has("from")) seen.from = q.get("from")!;
    wire.push({ kind: "sent", path, n });
    const answer = await (hook(seen) ?? sim.fetch(request));
    wire.push({ kind: "answered", path, n });
    return answer;
  };
  const client = (options: Partial<HtxClientOptions> = {}) =>
    new HtxClient({ ...KEYS, baseUrl: BASE_URL, fetch, ...options } as HtxClientOptions);
  const count = (path: string) => counts.get(path) ?? 0;
  return { sim, fetch, client, wire, count };
}

/** A promise that never settles: a request HTX never answers. */
export const never = () => new Promise<Response>(() => {});

/** Resolves after `ms`. */
export const after = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An HTML error page, as Cloudflare answers in front of HTX. */
export const htmlPage = (status: number) =>
  new Response(`<html><body>${status} error</body></html>`, { status, headers: { "Content-Type": "text/html" } });
