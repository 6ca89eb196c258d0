/**
 * What `cancelAllOpen` takes, checked before anything is sent: a filter (symbols, side, account)
 * validated like ids, and the call's options. Each mistake is an `HtxInputError` saying what to
 * pass instead.
 */
import { HtxInputError } from "../errors.ts";
import { checkFields, validateRunOptions } from "../cancel/options.ts";
import { MAX_TIMER_MS } from "../cancel/timers.ts";
import {
  type CancelAllOpenFilter,
  type CancelAllOpenOptions,
  DEFAULT_DEADLINE_MS,
  type ValidFilter,
  type ValidKillSwitchOptions,
} from "./options.ts";

const SYMBOL = /^[a-z0-9]{2,32}$/;
const FILTER_FIELDS = ["symbols", "side", "accountId"];
const OPTION_FIELDS = ["signal", "onProgress", "deadlineMs"];

function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

function checkSymbols(symbols: unknown): string[] {
  if (!Array.isArray(symbols)) {
    throw new HtxInputError(`filter.symbols must be an array of symbols, got ${shown(symbols)}.`);
  }
  if (symbols.length === 0) {
    throw new HtxInputError("filter.symbols is empty: leave it out to cancel every symbol, or name at least one.");
  }
  const valid = new Set<string>();
  for (let i = 0; i < symbols.length; i++) {
    if (!(i in symbols)) {
      throw new HtxInputError(`filter.symbols[${i}] is a hole (a sparse array): name a symbol there.`);
    }
    const symbol: unknown = symbols[i];
    if (typeof symbol !== "string" || !SYMBOL.test(symbol)) {
      const lower = typeof symbol === "string" && SYMBOL.test(symbol.toLowerCase());
      throw new HtxInputError(
        `filter.symbols[${i}] ${shown(symbol)} is not an HTX symbol: 2 to 32 lower-case letters and digits, ` +
          `e.g. "btcusdt"${lower ? ` (try "${(symbol as string).toLowerCase()}")` : ""}.`,
      );
    }
    valid.add(symbol);
  }
  return [...valid];
}

function checkAccountId(accountId: unknown): string {
  if (typeof accountId === "bigint" && accountId > 0n) return accountId.toString();
  if (typeof accountId === "string" && /^[1-9][0-9]{0,31}$/.test(accountId)) return accountId;
  const hint = typeof accountId === "number" ? " (as a string: a number may already have lost digits)" : "";
  throw new HtxInputError(`filter.accountId must be the account's id as digits${hint}, got ${shown(accountId)}.`);
}

/** @throws {HtxInputError} unless `filter` is `undefined` or a valid {@link CancelAllOpenFilter}. */
export function validateFilter(filter: unknown): ValidFilter {
  if (filter === undefined) return {};
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    throw new HtxInputError(`cancelAllOpen's filter must be { symbols?, side?, accountId? }, got ${shown(filter)}.`);
  }
  checkFields("cancelAllOpen's filter", filter, FILTER_FIELDS);
  const { symbols, side, accountId } = filter as CancelAllOpenFilter;
  if (side !== undefined && side !== "buy" && side !== "sell") {
    throw new HtxInputError(`filter.side must be "buy" or "sell", got ${shown(side)}.`);
  }
  return {
    ...(symbols === undefined ? {} : { symbols: checkSymbols(symbols) }),
    ...(side === undefined ? {} : { side }),
    ...(accountId === undefined ? {} : { accountId: checkAccountId(accountId) }),
  };
}

/** @throws {HtxInputError} unless `options` is a valid {@link CancelAllOpenOptions}. */
export function validateKillSwitchOptions(options: unknown): ValidKillSwitchOptions {
  if (options === undefined) return { deadlineMs: DEFAULT_DEADLINE_MS };
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new HtxInputError(
      `cancelAllOpen's options must be { signal?, onProgress?, deadlineMs? }, got ${shown(options)}.`,
    );
  }
  checkFields("cancelAllOpen's options", options, OPTION_FIELDS);
  const { deadlineMs = DEFAULT_DEADLINE_MS, signal, onProgress } = options as CancelAllOpenOptions;
  if (typeof deadlineMs !== "number" || !Number.isInteger(deadlineMs) || deadlineMs < 1 || deadlineMs > MAX_TIMER_MS) {
    throw new HtxInputError(
      `options.deadlineMs must be a whole number of ms from 1 to ${MAX_TIMER_MS}, got ${
        typeof deadlineMs === "number" ? String(deadlineMs) : shown(deadlineMs)
      }.`,
    );
  }
  return { ...validateRunOptions({ signal, onProgress }), deadlineMs };
}
