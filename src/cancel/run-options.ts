/**
 * The options of one `batchCancel` (or `listOpenOrders`) call, checked before anything is sent.
 * Loaded with the engine (src/cancel/on-demand.ts): a call awaits its module anyway.
 */
import { HtxInputError } from "../core/errors.ts";
import type { RunOptions } from "./engine.ts";
import { checkFields, describeOption, optionalFunction } from "./options.ts";

const RUN_FIELDS = ["signal", "onProgress"];

/** Options of one `batchCancel` call. */
export interface BatchCancelOptions {
  /**
   * Stops sending: requests not yet sent (and retries) are skipped and their ids reported
   * `unresolved` with `HtxAbortError`; requests already sent are awaited (up to `timeoutMs`),
   * so their ids are still accounted for.
   */
  signal?: AbortSignal;
  /**
   * Called after each request settles, with ids settled so far out of all distinct ids. It may
   * be async; a throw or a rejected promise is ignored.
   */
  onProgress?: (progress: { done: number; total: number }) => unknown;
}

/** Whether a value is an AbortSignal (one of another realm too). */
export function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== "object" || value === null) return false;
  const signal = value as Partial<AbortSignal>;
  return typeof signal.aborted === "boolean" && typeof signal.addEventListener === "function" &&
    typeof signal.removeEventListener === "function";
}

/** @throws {HtxInputError} unless `options` is `{ signal?: AbortSignal, onProgress?: function }`. */
export function validateRunOptions(options: unknown, method = "batchCancel"): RunOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    throw new HtxInputError(`${method}'s options must be { signal?, onProgress? }, got ${describeOption(options)}.`);
  }
  checkFields(`${method}'s options`, options, RUN_FIELDS);
  const { signal, onProgress } = options as BatchCancelOptions;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new HtxInputError(`options.signal must be an AbortSignal, got ${describeOption(signal)}.`);
  }
  return { signal, onProgress: optionalFunction("options.onProgress", onProgress) };
}
