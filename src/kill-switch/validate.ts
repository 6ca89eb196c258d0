/**
 * What `cancelAllOpen` takes, checked before anything is sent: a filter (symbols, side, account)
 * validated like ids, and the call's options. Each mistake is an `HtxInputError` saying what to
 * pass instead.
 */
import { HtxInputError } from "../core/errors.ts";
import { checkFields } from "../cancel/options.ts";
import { validateRunOptions } from "../cancel/run-options.ts";
import { describe, isNumberInRange, MAX_TIMER_MS, show } from "../core/checks.ts";
import { idDigits, type ListWording, uniqueEntries } from "../core/input.ts";
import {
  type CancelAllOpenFilter,
  type CancelAllOpenOptions,
  DEFAULT_DEADLINE_MS,
  type ValidFilter,
  type ValidKillSwitchOptions,
} from "./options.ts";

const SYMBOL = /^[a-z0-9]{2,32}$/;
const FILTER_FIELDS = ["symbols", "side", "accountId", "clientOrderIdPrefix"];
const OPTION_FIELDS = ["signal", "onProgress", "deadlineMs", "sweep"];
const CLIENT_ID_PREFIX = /^[A-Za-z0-9_-]{1,64}$/;

/** What a value is; a string quoted (it is a symbol, a side or an id gone wrong), cut at 40 characters. */
function shown(value: unknown): string {
  return typeof value === "string" ? show(value, 40) : describe(value);
}

function checkSymbols(symbols: unknown): string[] {
  if (!Array.isArray(symbols)) {
    throw new HtxInputError(`filter.symbols must be an array of symbols, got ${shown(symbols)}.`);
  }
  return uniqueEntries(symbols, "filter.symbols", checkSymbol, SYMBOL_WORDING);
}

const SYMBOL_WORDING: ListWording = {
  entries: "symbols",
  whenEmpty: "leave it out to cancel every symbol, or name at least one.",
  atHole: () => "name a symbol there.",
};

function checkSymbol(symbol: unknown, i: number): string {
  if (typeof symbol === "string" && SYMBOL.test(symbol)) return symbol;
  const lower = typeof symbol === "string" && SYMBOL.test(symbol.toLowerCase());
  throw new HtxInputError(
    `filter.symbols[${i}] ${shown(symbol)} is not an HTX symbol: 2 to 32 lower-case letters and digits, ` +
      `e.g. "btcusdt"${lower ? ` (try "${(symbol as string).toLowerCase()}")` : ""}.`,
  );
}

function checkAccountId(accountId: unknown): string {
  const digits = idDigits(accountId);
  if (digits !== undefined) return digits;
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
  const { symbols, side, accountId, clientOrderIdPrefix } = filter as CancelAllOpenFilter;
  if (
    clientOrderIdPrefix !== undefined &&
    !(typeof clientOrderIdPrefix === "string" && CLIENT_ID_PREFIX.test(clientOrderIdPrefix))
  ) {
    throw new HtxInputError(
      `filter.clientOrderIdPrefix must be 1 to 64 of A-Z, a-z, 0-9, _ and - (as client order ids are), got ${
        shown(clientOrderIdPrefix)
      }.`,
    );
  }
  if (side !== undefined && side !== "buy" && side !== "sell") {
    throw new HtxInputError(`filter.side must be "buy" or "sell", got ${shown(side)}.`);
  }
  return {
    ...(symbols === undefined ? {} : { symbols: checkSymbols(symbols) }),
    ...(side === undefined ? {} : { side }),
    ...(accountId === undefined ? {} : { accountId: checkAccountId(accountId) }),
    ...(clientOrderIdPrefix === undefined ? {} : { clientOrderIdPrefix }),
  };
}

/** @throws {HtxInputError} unless `options` is a valid {@link CancelAllOpenOptions}. */
export function validateKillSwitchOptions(options: unknown, filter: ValidFilter = {}): ValidKillSwitchOptions {
  // The sweep's criteria cannot say a client-order-id prefix: it would cancel other bots' orders.
  const canSweep = filter.clientOrderIdPrefix === undefined;
  if (options === undefined) return { deadlineMs: DEFAULT_DEADLINE_MS, sweep: canSweep };
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new HtxInputError(
      `cancelAllOpen's options must be { signal?, onProgress?, deadlineMs?, sweep? }, got ${shown(options)}.`,
    );
  }
  checkFields("cancelAllOpen's options", options, OPTION_FIELDS);
  const { deadlineMs = DEFAULT_DEADLINE_MS, signal, onProgress, sweep = true } = options as CancelAllOpenOptions;
  if (typeof sweep !== "boolean") throw new HtxInputError(`options.sweep must be true or false, got ${shown(sweep)}.`);
  if (!isNumberInRange(deadlineMs, 1, MAX_TIMER_MS, true)) {
    throw new HtxInputError(
      `options.deadlineMs must be a whole number of ms from 1 to ${MAX_TIMER_MS}, got ${
        typeof deadlineMs === "number" ? String(deadlineMs) : shown(deadlineMs)
      }.`,
    );
  }
  const run = validateRunOptions({ signal, onProgress });
  return { signal: run.signal, onProgress, deadlineMs, sweep: sweep && canSweep };
}
