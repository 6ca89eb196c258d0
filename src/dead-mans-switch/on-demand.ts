/**
 * What `cancelAllAfter` and `deadMansSwitch` load on their first call: the switch, its options
 * and its answer's schema. A client that never arms a switch never loads them. The switch's setup
 * is a view of the client's (its key, engine and `cancelAllAfter` limiter), made per call from
 * the client's build, which the client hands over as a promise (src/client.ts).
 */
import type { ClientSetup } from "../cancel/build.ts";
import { type CancelAllAfterResult, createSwitchSetup, sendCancelAllAfter } from "./cancel-all-after.ts";
import { type DeadMansSwitch, startKeepAlive } from "./keep-alive.ts";
import { validateCancelAllAfterOptions, validateDeadMansSwitchOptions } from "./options.ts";
import { validateTimeout } from "./timeout.ts";

/**
 * `HtxClient.cancelAllAfter`: the timeout and options checked, then one call.
 * @throws {HtxInputError} before anything is sent; {@link HtxError} for HTX's refusal or the transport's failure.
 */
export async function cancelAllAfter(
  client: Promise<{ setup: ClientSetup }>,
  timeoutSeconds: unknown,
  options: unknown,
): Promise<CancelAllAfterResult> {
  const { setup } = await client;
  const timeout = validateTimeout(timeoutSeconds);
  const { signal } = validateCancelAllAfterOptions(options);
  return await sendCancelAllAfter(createSwitchSetup(setup), timeout, signal ?? new AbortController().signal);
}

/** `HtxClient.deadMansSwitch`: the options checked, then the switch armed and kept armed. */
export async function deadMansSwitch(
  client: Promise<{ setup: ClientSetup }>,
  options: unknown,
): Promise<DeadMansSwitch> {
  const { setup } = await client;
  const valid = validateDeadMansSwitchOptions(options);
  return await startKeepAlive(createSwitchSetup(setup), valid);
}
