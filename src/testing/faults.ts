/**
 * Injected faults: how each changes an answer, a plan that targets endpoints, symbols and
 * listing pages, and a seeded plan that injects them by rate.
 */
import { htmlAnswer, jsonAnswer, type RateHeaders } from "./answers.ts";
import { bump, envelope, type SimulatorContext } from "./context.ts";
import type { FaultPlan, FaultRule, HtxFault } from "./types.ts";

/** The `stats.faults` key of a fault. */
export function faultName(fault: HtxFault): string {
  if (fault.type === "drop") return fault.after ? "drop-after" : "drop-before";
  if (fault.type === "html") return `html-${fault.status}`;
  return fault.type;
}

/**
 * Answers a request that passed every check, with `fault` applied: an HTML page, an empty
 * answer, `data: null` or an envelope instead of `apply`; a dropped connection before or after
 * it; or its JSON cut in half. Latency and hangs are applied by the router, a listed order's
 * field by the listing ({@link withOrderField}).
 */
export async function answerWithFault(
  ctx: SimulatorContext,
  fault: HtxFault | undefined,
  rate: RateHeaders | undefined,
  apply: () => Response,
): Promise<Response> {
  if (fault?.type === "html") {
    if (fault.status !== 200) bump(ctx.stats.byErrCode, `http-${fault.status}`);
    return htmlAnswer(fault.status);
  }
  if (fault?.type === "empty") {
    return new Response("", { status: 200, headers: { "Content-Type": "application/json" } });
  }
  if (fault?.type === "null-data") return jsonAnswer({ status: "ok", data: null }, rate);
  if (fault?.type === "envelope") return envelope(ctx, fault.errCode, fault.errMsg, rate, true);
  if (fault?.type === "drop" && !fault.after) {
    throw new TypeError("simulated connection drop (before the request applied)");
  }
  const answer = apply();
  if (fault?.type === "drop") throw new TypeError("simulated connection drop (after the request applied)");
  if (fault?.type !== "truncated-json") return answer;
  const text = await answer.text();
  return new Response(text.slice(0, Math.floor(text.length / 2)), { status: 200, headers: answer.headers });
}

/** A listing page with an `order-field` fault applied: one order's field set (or removed) as written. */
export function withOrderField<T extends Record<string, unknown>>(orders: T[], fault: HtxFault | undefined): T[] {
  if (fault?.type !== "order-field") return orders;
  const index = fault.index ?? 0;
  const target = orders[index];
  if (target === undefined) return orders;
  const changed: Record<string, unknown> = { ...target };
  if ("value" in fault) changed[fault.field] = fault.value;
  else delete changed[fault.field];
  return orders.map((order, i) => (i === index ? changed as T : order));
}

/**
 * A {@link FaultPlan} from rules: each request gets the fault of the first rule that matches
 * it (endpoint, listing symbol, listing page) and has hits left.
 *
 * @example
 * ```ts
 * const faults = faultsFor([
 *   { symbol: "ethusdt", page: 2, fault: { type: "hang" } },
 *   { symbol: "btcusdt", fault: { type: "html", status: 503 }, times: 3 },
 *   { endpoint: "open-orders", page: 1, fault: { type: "order-field", field: "price", value: null } },
 * ]);
 * const sim = createHtxSimulator({ faults });
 * ```
 */
export function faultsFor(rules: readonly FaultRule[]): FaultPlan {
  const left = rules.map((rule) => rule.times ?? Infinity);
  return (_request, _n, target = { endpoint: undefined }) => {
    const i = rules.findIndex((rule, k) =>
      left[k]! > 0 &&
      (rule.endpoint === undefined || rule.endpoint === target.endpoint) &&
      (rule.symbol === undefined || (target.endpoint === "open-orders" && rule.symbol === target.symbol)) &&
      (rule.page === undefined || rule.page === target.page)
    );
    if (i < 0) return undefined;
    left[i]!--;
    return rules[i]!.fault;
  };
}

/** Rates (0 to 1) of each fault, drawn per request from a seeded generator (repeatable runs). */
export interface FaultRates {
  /** Connections dropped before the cancel is applied. */
  dropBefore?: number;
  /** Connections dropped after the cancel is applied. */
  dropAfter?: number;
  /** 502 HTML pages. */
  html502?: number;
  /** 503 HTML pages. */
  html503?: number;
  /** 403 Cloudflare pages. */
  html403?: number;
  /** HTML pages with HTTP 200. */
  html200?: number;
  /** JSON answers cut off (the cancel applied). */
  truncatedJson?: number;
  /** Empty 200 answers. */
  empty?: number;
  /** With `latencyMs`: the share of requests that are slow. */
  slow?: number;
  /** How slow a slow answer is, in ms (default 0). */
  latencyMs?: number;
}

/**
 * A {@link FaultPlan} that injects faults at the given rates, only on batch-cancel requests.
 * The same seed gives the same faults in the same order.
 */
export function faultsByRate(rates: FaultRates, seed = 1): FaultPlan {
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: small, seedable, good enough to spread faults.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const table: [number | undefined, HtxFault][] = [
    [rates.dropBefore, { type: "drop", after: false }],
    [rates.dropAfter, { type: "drop", after: true }],
    [rates.html502, { type: "html", status: 502 }],
    [rates.html503, { type: "html", status: 503 }],
    [rates.html403, { type: "html", status: 403 }],
    [rates.html200, { type: "html", status: 200 }],
    [rates.truncatedJson, { type: "truncated-json" }],
    [rates.empty, { type: "empty" }],
    [rates.slow, { type: "latency", ms: rates.latencyMs ?? 0 }],
  ];
  return (request) => {
    if (!new URL(request.url).pathname.endsWith("/batchcancel")) return undefined;
    let roll = random();
    for (const [rate, fault] of table) {
      if (!rate) continue;
      if (roll < rate) return fault;
      roll -= rate;
    }
    return undefined;
  };
}
