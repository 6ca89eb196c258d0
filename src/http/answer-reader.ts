/**
 * Reads an HTTP answer of HTX into its checked JSON (valibot) or a typed error whose `retryable`
 * says whether sending the same request again is safe and useful ({@link readJsonAnswer},
 * shared with the listings of src/listing/), and a batch-cancel answer into `{ success, failed }`.
 * Loaded on first use through `loadAnswerReader` (src/http/response.ts); the client reads the
 * common well-formed batch-cancel answer without it (./well-formed-answer.ts), to the same result.
 */
import * as v from "valibot";
import { HtxApiError, HtxHttpError, HtxResponseError } from "./request-errors.ts";
import { redactCause, REDACTED } from "../core/redact.ts";
import {
  BatchCancelOkSchema,
  type ErrorEnvelope,
  ErrorEnvelopeSchema,
  TimestampAnswerSchema,
} from "../schemas/answers.ts";
import { type AnswerContext, type BatchCancelAnswer, isRateLimitAnswer, isStaleTimestampAnswer } from "./answers.ts";
import { bodyText, MAX_BODY_BYTES, redactorOf, unreadable } from "./answer-body.ts";
import { failedCancel, textRedactor } from "./failed-cancel.ts";

const SNIPPET_CHARS = 200;
/** Longer than any credential in its longest encoding (a Signature double percent-encoded). */
const SNIPPET_SLACK = 256;
const TRANSIENT_CODES = new Set(["base-system-error", "timeout"]);

/**
 * Folds, redacts, then cuts: redacting after the cut would leave the start of a secret that
 * lies across the cut. The slack covers the longest encoded form of a credential.
 */
function snippet(body: string, redact: (text: string) => string): string {
  const folded = body.replace(/\s+/g, " ").trim();
  const redacted = redact(folded.slice(0, SNIPPET_CHARS + SNIPPET_SLACK));
  if (redacted.length <= SNIPPET_CHARS) return redacted;
  // Never cut a marker in two: "Signature=[REDAC…" would read as a leak, and is one to a scanner.
  const marker = redacted.lastIndexOf(REDACTED, SNIPPET_CHARS - 1);
  const end = marker >= 0 && marker + REDACTED.length > SNIPPET_CHARS ? marker + REDACTED.length : SNIPPET_CHARS;
  return `${redacted.slice(0, end)}…`;
}

function httpError(status: number, body: string, ctx: AnswerContext): HtxHttpError {
  const bodySnippet = snippet(body, redactorOf(ctx));
  const kind = status === 0 || (status >= 300 && status < 400)
    ? "a redirect, which is never followed (a signed URL is a credential)"
    : status === 429
    ? "rate limited"
    : status >= 500
    ? "a server or edge error"
    : status === 403
    ? "forbidden (HTX's Cloudflare edge serves 403 pages to some clients)"
    : "an error";
  const retryable = status === 429 || status >= 500;
  return new HtxHttpError(`HTX answered HTTP ${status}: ${kind}.`, { status, bodySnippet, retryable }, {
    request: ctx.request,
  });
}

function apiError(envelope: ErrorEnvelope, status: number, ctx: AnswerContext, transient: ReadonlySet<string>) {
  const errCode = envelope["err-code"];
  const errMsg = redactorOf(ctx)(envelope["err-msg"] ?? "");
  const retryable = isRateLimitAnswer(errCode, errMsg) || transient.has(errCode);
  const message = isStaleTimestampAnswer(errCode, errMsg)
    ? `HTX refused the request timestamp (${errCode}: ${errMsg}): this machine's clock is off ` +
      `from HTX's. Keep syncTime on (the default) or correct the clock.`
    : `HTX refused the request: ${errCode}: ${errMsg}`;
  return new HtxApiError(message, { errCode, errMsg, httpStatus: status, retryable }, {
    request: ctx.request,
  });
}

/** How {@link readJsonAnswer} reads one endpoint's answers. */
export interface JsonAnswerOptions {
  /** The answer's name in messages: "does not have the `<name>` shape". */
  readonly name: string;
  /** The body text as JSON; default `JSON.parse`. The listings read 64-bit ids from the text with it. */
  readonly parse?: (text: string) => unknown;
  /** A larger body is refused unread; default 1 MiB (50 ids make a few KB). */
  readonly maxBytes?: number;
  /** `err-code`s besides rate limits worth sending again; default `base-system-error` and `timeout`. */
  readonly transientCodes?: ReadonlySet<string>;
}

/** The JSON of a 2xx body, or a retryable error for an empty, HTML or truncated one. */
function parseBody(body: string, status: number, ctx: AnswerContext, parse: (text: string) => unknown): unknown {
  if (body.trim() === "") throw unreadable(`HTX answered HTTP ${status} with an empty body.`, status, ctx);
  try {
    return parse(body);
  } catch (cause) {
    const html = /^\s*</.test(body);
    throw new HtxResponseError(
      html
        ? `HTX answered HTTP ${status} with an HTML page instead of JSON (an edge or maintenance page).`
        : `HTX answered HTTP ${status} with a body that is not valid JSON (truncated?).`,
      { status, bodySnippet: snippet(body, redactorOf(ctx)), retryable: true },
      // V8's message quotes the start of the body.
      { request: ctx.request, cause: redactCause(cause, ctx.secrets ?? []) },
    );
  }
}

function isErrorStatus(json: unknown): boolean {
  return typeof json === "object" && json !== null && (json as { status?: unknown }).status === "error";
}

/** A body of the wrong shape: valibot's messages quote the received value, which may be anything. */
function shapeError(
  issues: readonly v.BaseIssue<unknown>[],
  body: string,
  status: number,
  ctx: AnswerContext,
  name: string,
) {
  const redact = redactorOf(ctx);
  const shown = issues.map((issue) => snippet(`${v.getDotPath(issue) ?? "(root)"}: ${issue.message}`, redact));
  return new HtxResponseError(
    `HTX's answer does not have the ${name} shape: ${shown[0]}`,
    { status, issues: shown, bodySnippet: snippet(body, redact), retryable: false },
    { request: ctx.request },
  );
}

/**
 * Reads one JSON answer of HTX: its ok shape, checked by `schema`, or the typed error of
 * anything else. Every text shown in an error is redacted with `ctx.secrets`.
 * @throws {HtxHttpError} for a non-2xx status or a redirect (the start of the body kept, redacted).
 * @throws {HtxApiError} for HTX's error envelope (`status: "error"`).
 * @throws {HtxResponseError} for an empty, non-JSON (HTML), oversized or wrongly shaped body.
 * @throws {HtxNetworkError} when the body stream breaks.
 */
export async function readJsonAnswer<T>(
  response: Response,
  ctx: AnswerContext,
  schema: v.GenericSchema<unknown, T>,
  options: JsonAnswerOptions,
): Promise<T> {
  const body = await bodyText(response, ctx, options.maxBytes ?? MAX_BODY_BYTES);
  return readJsonText(response.status, body, ctx, schema, options);
}

/** {@link readJsonAnswer} of a body already read whole. */
function readJsonText<T>(
  status: number,
  body: string,
  ctx: AnswerContext,
  schema: v.GenericSchema<unknown, T>,
  options: JsonAnswerOptions,
): T {
  if (status < 200 || status > 299) throw httpError(status, body, ctx);
  const json = parseBody(body, status, ctx, options.parse ?? JSON.parse);
  // The envelope is told apart by `status`, so that the issues point into the right shape.
  if (isErrorStatus(json)) {
    const envelope = v.safeParse(ErrorEnvelopeSchema, json);
    if (!envelope.success) throw shapeError(envelope.issues, body, status, ctx, options.name);
    throw apiError(envelope.output, status, ctx, options.transientCodes ?? TRANSIENT_CODES);
  }
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) throw shapeError(parsed.issues, body, status, ctx, options.name);
  return parsed.output;
}

const BATCH_CANCEL_ANSWER: JsonAnswerOptions = { name: "batch-cancel" };

/**
 * Reads one answer of the batch-cancel endpoint, with context for error messages.
 * @throws {HtxHttpError | HtxApiError | HtxResponseError | HtxNetworkError}
 */
export async function readBatchCancelAnswer(
  response: Response,
  ctx: AnswerContext = {},
): Promise<BatchCancelAnswer> {
  return readBatchCancelText(response.status, await bodyText(response, ctx), ctx);
}

/**
 * {@link readBatchCancelAnswer} of a body already read whole: what the client falls back on
 * when the answer is not the common well-formed one (src/http/batch-cancel-answer.ts).
 * @throws {HtxHttpError | HtxApiError | HtxResponseError}
 */
export function readBatchCancelText(status: number, body: string, ctx: AnswerContext): BatchCancelAnswer {
  const answer = readJsonText(status, body, ctx, BatchCancelOkSchema, BATCH_CANCEL_ANSWER);
  const redact = textRedactor(ctx);
  return { success: answer.data.success, failed: answer.data.failed.map((entry) => failedCancel(entry, redact)) };
}

/** HTX's epoch ms from the JSON of `GET /v1/common/timestamp`, or undefined for any other shape. */
export function readTimestamp(json: unknown): number | undefined {
  const parsed = v.safeParse(TimestampAnswerSchema, json);
  return parsed.success ? parsed.output.data : undefined;
}
