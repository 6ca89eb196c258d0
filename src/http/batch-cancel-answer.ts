/**
 * How the client reads a batch-cancel answer: the body, read whole; the common well-formed
 * answer without valibot (./well-formed-answer.ts); anything else by the full reader, loaded
 * then (./answer-reader.ts), which says what is wrong with it. So a process whose answers are
 * well formed never loads the schema library (docs/performance.md, "First call").
 */
import { HtxResponseError } from "./request-errors.ts";
import { redactCause } from "../core/redact.ts";
import type { AnswerContext, BatchCancelAnswer } from "./answers.ts";
import { bodyText } from "./answer-body.ts";
import { readWellFormedAnswer } from "./well-formed-answer.ts";
import { loadAnswerReader } from "./response.ts";

/**
 * Reads one answer of the batch-cancel endpoint, as `readBatchCancelAnswer` does.
 * @throws {HtxHttpError | HtxApiError | HtxResponseError | HtxNetworkError}; an
 *   `HtxResponseError` too when the full reader is needed and cannot be loaded (a broken install
 *   or bundle): the answer stays unread, so whether the cancel was applied is unknown.
 */
export async function readBatchCancelResponse(response: Response, ctx: AnswerContext): Promise<BatchCancelAnswer> {
  const body = await bodyText(response, ctx);
  const { status } = response;
  const answer = readWellFormedAnswer(status, body, ctx);
  if (answer) return answer;
  let reader: Awaited<ReturnType<typeof loadAnswerReader>>;
  try {
    reader = await loadAnswerReader();
  } catch (cause) {
    throw new HtxResponseError(
      "HTX answered, but this module's answer reader could not be loaded: whether the cancel was applied is unknown.",
      { status, bodySnippet: "", retryable: false },
      { request: ctx.request, cause: redactCause(cause, ctx.secrets ?? []) },
    );
  }
  return reader.readBatchCancelText(status, body, ctx);
}
