/**
 * A trading bot that keeps placing orders into a simulator while a test runs a kill switch:
 * `perTick` new open orders every `everyMs`, over the symbols in turn, until stopped (or
 * `forMs` has passed). The ids it placed can be read back.
 */
import { HtxInputError } from "../core/errors.ts";
import type { HtxSimulator } from "./types.ts";

/** Options of {@link startOrderBot}. */
export interface OrderBotOptions {
  /** Whose orders; default 1 (the demo account). */
  uid?: number;
  /** Symbols to place on, in turn; default `["btcusdt"]`. */
  symbols?: readonly string[];
  /** Interval between placements, ms; default 20. */
  everyMs?: number;
  /** Orders per placement; default 1. */
  perTick?: number;
  /** Stops by itself after this many ms; default never. */
  forMs?: number;
}

/** A running bot. */
export interface OrderBot {
  /** Ids of every order placed so far, in order. */
  readonly placed: readonly string[];
  /** Whether it has stopped. */
  readonly stopped: boolean;
  /** Stops placing; idempotent. */
  stop(): void;
}

function check(name: string, value: number | undefined, integer: boolean): void {
  if (value === undefined) return;
  const min = name === "forMs" ? 0 : 1;
  const ok = Number.isFinite(value) && value >= min && (!integer || Number.isSafeInteger(value));
  if (!ok) {
    throw new HtxInputError(
      `startOrderBot: ${name} must be a ${integer ? "whole " : ""}number ≥ ${min}; got ${value}.`,
    );
  }
}

/** Starts placing orders into `simulator` on a timer; the first placement is at once. */
export function startOrderBot(simulator: Pick<HtxSimulator, "placeOrder">, options: OrderBotOptions = {}): OrderBot {
  check("everyMs", options.everyMs, false);
  check("perTick", options.perTick, true);
  check("forMs", options.forMs, false);
  const symbols = options.symbols ?? ["btcusdt"];
  if (symbols.length === 0) throw new HtxInputError("startOrderBot: symbols must name at least one symbol.");
  const uid = options.uid ?? 1;
  const placed: string[] = [];
  let stopped = false;
  const place = () => {
    for (let i = 0; i < (options.perTick ?? 1); i++) {
      const symbol = symbols[placed.length % symbols.length]!;
      placed.push(simulator.placeOrder({ uid, symbol, state: "submitted" }).orderId);
    }
  };
  place();
  const timer = setInterval(place, options.everyMs ?? 20);
  const stop = () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(deadline);
  };
  const deadline = options.forMs === undefined ? undefined : setTimeout(stop, options.forMs);
  return {
    get placed() {
      return placed;
    },
    get stopped() {
      return stopped;
    },
    stop,
  };
}
