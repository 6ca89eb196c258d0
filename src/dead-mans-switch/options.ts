/**
 * The options of `cancelAllAfter` and `deadMansSwitch`, checked before anything is sent.
 * HTX recommends a 60 s timeout refreshed every 15 s (docs/htx-notes.md, "Dead man's switch").
 */
import { HtxInputError } from "../core/errors.ts";
import { isNumberInRange, MAX_TIMER_MS } from "../core/checks.ts";
import type { HtxError } from "../core/errors.ts";
import { checkFields, describeOption, optionalFunction } from "../cancel/options.ts";
import { isAbortSignal } from "../cancel/run-options.ts";
import { validateTimeout } from "./timeout.ts";
import type { DeadMansSwitchErrorInfo, KeepAliveOptions } from "./keep-alive.ts";

/** Options of `HtxClient.deadMansSwitch`. */
export interface DeadMansSwitchOptions {
  /** Seconds HTX waits for the next refresh before it cancels; default 60 (HTX's advice), 5 to 2 147 483. */
  timeoutSeconds?: number;
  /** Milliseconds between refreshes; default 15 000 (HTX's advice); below `timeoutSeconds × 1000`. */
  refreshMs?: number;
  /**
   * Called when a refresh fails (the next one still goes out) or the switch may lapse; a throw
   * or a rejected promise is ignored.
   */
  onError?: (error: HtxError, info: DeadMansSwitchErrorInfo) => unknown;
  /**
   * Aborts the first arming; once armed, stops the refreshes and leaves the switch armed, so HTX
   * cancels at the trigger time (call `stop()` to disarm instead).
   */
  signal?: AbortSignal;
}

/** The signal of an options object, checked. */
function signalOption(signal: unknown): AbortSignal | undefined {
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new HtxInputError(`options.signal must be an AbortSignal, got ${describeOption(signal)}.`);
  }
  return signal;
}

/** @throws {HtxInputError} unless `options` is `{ signal?: AbortSignal }`. */
export function validateCancelAllAfterOptions(options: unknown): { signal: AbortSignal | undefined } {
  if (options === undefined) return { signal: undefined };
  if (typeof options !== "object" || options === null) {
    throw new HtxInputError(`cancelAllAfter's options must be { signal? }, got ${describeOption(options)}.`);
  }
  checkFields("cancelAllAfter's options", options, ["signal"]);
  return { signal: signalOption((options as { signal?: unknown }).signal) };
}

const SWITCH_FIELDS = ["timeoutSeconds", "refreshMs", "onError", "signal"];

/** @throws {HtxInputError} for any option of the wrong type or out of range, and a refresh slower than the timeout. */
export function validateDeadMansSwitchOptions(options: unknown): KeepAliveOptions {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null) {
    throw new HtxInputError(
      `deadMansSwitch's options must be { timeoutSeconds?, refreshMs?, onError?, signal? }, got ${
        describeOption(options)
      }.`,
    );
  }
  checkFields("deadMansSwitch's options", options, SWITCH_FIELDS);
  const given = options as DeadMansSwitchOptions;
  const timeoutSeconds = validateTimeout(given.timeoutSeconds ?? 60, "timeoutSeconds");
  if (timeoutSeconds === 0) {
    throw new HtxInputError(
      "timeoutSeconds must be at least 5 to keep a switch armed: to disarm, call cancelAllAfter(0).",
    );
  }
  const refreshMs = given.refreshMs ?? 15_000;
  if (!isNumberInRange(refreshMs, 1, MAX_TIMER_MS, true)) {
    throw new HtxInputError(`refreshMs must be a whole number of milliseconds ≥ 1, got ${describeOption(refreshMs)}.`);
  }
  if (refreshMs >= timeoutSeconds * 1000) {
    throw new HtxInputError(
      `refreshMs (${refreshMs}) must be below timeoutSeconds × 1000 (${timeoutSeconds * 1000}): every refresh ` +
        "would land after the trigger. HTX advises a quarter of the timeout (60 s, every 15 s).",
    );
  }
  const onError = optionalFunction<KeepAliveOptions["onError"]>("options.onError", given.onError);
  return { timeoutSeconds, refreshMs, onError, signal: signalOption(given.signal) };
}
