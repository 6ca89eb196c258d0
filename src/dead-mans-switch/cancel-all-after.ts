/**
 * One call of HTX's dead man's switch: `POST /v2/algo-orders/cancel-all-after` with
 * `{"timeout": N}` (Trade permission; docs/htx-notes.md, "Dead man's switch"), through the
 * signed-request transport the listings use (the client's key, fetch, clock, timeout, retry and
 * redaction), on its own budget. Arming again only moves the trigger, so a lost answer is sent
 * again like a listing's.
 */
import type { ClientSetup } from "../cancel/build.ts";
import { sendSigned, type SignedRequestSetup } from "../cancel/signed-request.ts";
import type { AnswerContext } from "../http/answers.ts";
import { readCancelAllAfterAnswer } from "./answer.ts";

/** The endpoint's path. */
export const CANCEL_ALL_AFTER_PATH = "/v2/algo-orders/cancel-all-after";

/** What HTX says of the switch after a call: its clock and the trigger time, epoch ms. */
export interface CancelAllAfterResult {
  /** HTX's clock when it answered, epoch ms. */
  currentTime: number;
  /** When HTX cancels the orders unless called again, epoch ms; `0` once disarmed. */
  triggerTime: number;
}

/** The switch's requests of one client: its key, engine and the `cancelAllAfter` budget. */
export type SwitchSetup = SignedRequestSetup<"cancelAllAfter">;

/** A client's setup of the switch, from what the client was built with; sends nothing. */
export function createSwitchSetup({ engine, key, origin, cancelAllAfterLimiter }: ClientSetup): SwitchSetup {
  return { origin, host: new URL(origin).host, key, engine, limiters: { cancelAllAfter: cancelAllAfterLimiter } };
}

/**
 * Arms the switch for `timeoutSeconds` (already checked), or disarms it with `0`.
 * @throws {HtxError} the last attempt's error: `HtxApiError` for HTX's refusal, `HtxAbortError`
 *   once `signal` aborts.
 */
export async function sendCancelAllAfter(
  setup: SwitchSetup,
  timeoutSeconds: number,
  signal: AbortSignal,
): Promise<CancelAllAfterResult> {
  const request = {
    endpoint: "cancelAllAfter" as const,
    path: CANCEL_ALL_AFTER_PATH,
    params: [],
    body: JSON.stringify({ timeout: timeoutSeconds }),
    noun: "cancel-all-after request",
  };
  const read = (response: Response, ctx: AnswerContext) => readCancelAllAfterAnswer(response, ctx, timeoutSeconds > 0);
  const { currentTime, triggerTime } = await sendSigned(setup, request, read, signal);
  // Disarmed is 0, whatever time HTX may put there.
  return { currentTime, triggerTime: timeoutSeconds === 0 ? 0 : triggerTime };
}
