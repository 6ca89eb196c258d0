/**
 * Reading an HTTP answer of HTX: {@link readBatchCancelAnswer} and the public
 * {@link parseBatchCancelResponse}. The reading itself, with valibot, lives in
 * src/http/answer-reader.ts and is loaded on first use: by these, by the listings, and by the
 * client only for an answer that is not the common well-formed one (./batch-cancel-answer.ts),
 * so that a client whose answers are well formed never loads valibot. The answer types and
 * predicates live in src/http/answers.ts.
 */
import type { AnswerContext, BatchCancelAnswer } from "./answers.ts";

/** The valibot half of answer reading, loaded once, on first use; a failed load is tried again next time. */
let loading: Promise<typeof import("./answer-reader.ts")> | undefined;

/** Starts loading the answer reader, or returns the load under way. */
export function loadAnswerReader(): Promise<typeof import("./answer-reader.ts")> {
  const promise = loading ??= import("./answer-reader.ts");
  // Reported to whoever awaits it; a load that failed is started afresh by the next call.
  promise.catch(() => {
    if (loading === promise) loading = undefined;
  });
  return promise;
}

/**
 * Reads one answer of the batch-cancel endpoint, with context for error messages.
 * @throws {HtxHttpError | HtxApiError | HtxResponseError | HtxNetworkError}
 */
export async function readBatchCancelAnswer(
  response: Response,
  ctx: AnswerContext = {},
): Promise<BatchCancelAnswer> {
  return (await loadAnswerReader()).readBatchCancelAnswer(response, ctx);
}

/**
 * Parses an answer of `POST /v1/order/orders/batchcancel`.
 *
 * @returns the ids HTX submitted for cancel and the ones it refused, with `state` names.
 * @throws {HtxHttpError} for a non-2xx status or a redirect (the start of the body kept, redacted).
 * @throws {HtxApiError} for HTX's error envelope (`status: "error"`).
 * @throws {HtxResponseError} for an empty, non-JSON (HTML), oversized or wrongly shaped body.
 */
export function parseBatchCancelResponse(response: Response): Promise<BatchCancelAnswer> {
  return readBatchCancelAnswer(response);
}
