/**
 * Reads an answer of `POST /v2/algo-orders/cancel-all-after` through the shared JSON reader
 * (src/http/answer-reader.ts: HTTP errors, HTML pages, broken streams, HTX's v1 error envelope
 * from its gateway), then HTX's v2 envelope: `code` 200 is the switch's times, any other code an
 * `HtxApiError` carrying it (`errCode`, as text) and HTX's message (`errMsg`, redacted).
 */
import type { AnswerContext } from "../http/answers.ts";
import { readJsonAnswer } from "../http/answer-reader.ts";
import { HtxApiError } from "../http/request-errors.ts";
import { type CancelAllAfterData, CancelAllAfterEnvelopeSchema } from "../schemas/cancel-all-after.ts";

/**
 * v2 codes worth sending again: HTX's "system error" (500) and "too many requests" (429), read
 * from HTX's v2 error-code table; a 4xxx/2xxx code is about the request and stays refused.
 */
const RETRYABLE_CODES = new Set([429, 500]);

/**
 * The switch's times from one answer, epoch ms.
 * @throws {HtxApiError} for a v2 code other than 200, or the v1 envelope.
 * @throws {HtxHttpError | HtxResponseError | HtxNetworkError} as for every answer.
 */
export async function readCancelAllAfterAnswer(response: Response, ctx: AnswerContext): Promise<CancelAllAfterData> {
  const answer = await readJsonAnswer(response, ctx, CancelAllAfterEnvelopeSchema, { name: "cancel-all-after" });
  if ("data" in answer) return answer.data;
  const errMsg = ctx.redact ? ctx.redact(answer.message) : answer.message;
  const errCode = String(answer.code);
  throw new HtxApiError(`HTX refused the dead man's switch: ${errCode}: ${errMsg}`, {
    errCode,
    errMsg,
    httpStatus: response.status,
    retryable: RETRYABLE_CODES.has(answer.code),
  }, { request: ctx.request });
}
