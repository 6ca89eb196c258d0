/**
 * What `cancelAllAfter` and `deadMansSwitch` load on their first call: the switch, its options
 * and its answer's schema. A client that never arms a switch never loads them.
 */
import {
  type CancelAllAfterResult,
  createSwitchSetup,
  sendCancelAllAfter,
  type SwitchSetup,
} from "./cancel-all-after.ts";
import { type DeadMansSwitch, startKeepAlive } from "./keep-alive.ts";
import { validateCancelAllAfterOptions, validateDeadMansSwitchOptions } from "./options.ts";
import { validateTimeout } from "./timeout.ts";

export { createSwitchSetup, type SwitchSetup };

/**
 * `HtxClient.cancelAllAfter`: the timeout and options checked, then one call.
 * @throws {HtxInputError} before anything is sent; {@link HtxError} for HTX's refusal or the transport's failure.
 */
export async function cancelAllAfter(
  setup: SwitchSetup,
  timeoutSeconds: unknown,
  options: unknown,
): Promise<CancelAllAfterResult> {
  const timeout = validateTimeout(timeoutSeconds);
  const { signal } = validateCancelAllAfterOptions(options);
  return await sendCancelAllAfter(setup, timeout, signal ?? new AbortController().signal);
}

/** `HtxClient.deadMansSwitch`: the options checked, then the switch armed and kept armed. */
export async function deadMansSwitch(setup: SwitchSetup, options: unknown): Promise<DeadMansSwitch> {
  return await startKeepAlive(setup, validateDeadMansSwitchOptions(options));
}
