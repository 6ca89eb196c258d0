/**
 * Reads an answer of `POST /v2/algo-orders/cancel-all-after` through the shared JSON reader
 * (src/http/answer-reader.ts: HTTP errors, HTML pages, broken streams, HTX's v1 error envelope
 * from its gateway), then HTX's v2 envelope: `code` 200 is the switch's times, any other code an
 * `HtxApiError` carrying it (`errCode`, as text) and HTX's message (`errMsg`, redacted).
 */
import type { AnswerContext } from "../http/answers.ts";
import { readJsonAnswer } from "../http/answer-reader.ts";
import { HtxApiError, HtxResponseError } from "../http/request-errors.ts";
import { type CancelAllAfterData, CancelAllAfterEnvelopeSchema } from "../schemas/cancel-all-after.ts";

/**
 * v2 codes worth sending again: HTX's "system error" (500) and "too many requests" (429), read
 * from HTX's v2 error-code table; a 4xxx/2xxx code is about the request and stays refused.
 */
const RETRYABLE_CODES = new Set([429, 500]);

/**
 * The switch's times from one answer, epoch ms. An arming (`arming` true) must say so: a trigger
 * time not after HTX's clock is no armed switch, whatever the code.
 * @throws {HtxApiError} for a v2 code other than 200, or the v1 envelope.
 * @throws {HtxHttpError | HtxResponseError | HtxNetworkError} as for every answer.
 */
export async function readCancelAllAfterAnswer(
  response: Response,
  ctx: AnswerContext,
  arming = false,
): Promise<CancelAllAfterData> {
  const answer = await readJsonAnswer(response, ctx, CancelAllAfterEnvelopeSchema, { name: "cancel-all-after" });
  if ("data" in answer) {
    const { currentTime, triggerTime } = answer.data;
    if (!arming || triggerTime > currentTime) return answer.data;
    // Arming again is harmless, so this may be sent again like a lost answer.
    throw new HtxResponseError(
      `HTX accepted the dead man's switch but its answer does not show it armed (triggerTime ${triggerTime}, ` +
        `currentTime ${currentTime}): the switch may not be armed.`,
      { status: response.status, bodySnippet: JSON.stringify(answer.data), retryable: true },
      { request: ctx.request },
    );
  }
  const errMsg = ctx.redact ? ctx.redact(answer.message) : answer.message;
  const errCode = String(answer.code);
  throw new HtxApiError(`HTX refused the dead man's switch: ${errCode}: ${errMsg}`, {
    errCode,
    errMsg,
    httpStatus: response.status,
    retryable: RETRYABLE_CODES.has(answer.code),
  }, { request: ctx.request });
}
