/**
 * Reads an answer of HTX's listing endpoints (accounts, open orders) into valibot-checked data
 * or a typed error. Ids there are JSON **numbers** declared 64-bit (docs/htx-notes.md, "Listing
 * and accounts"), so they are read from the JSON text as strings, never through a JS number.
 */
import * as v from "valibot";
import { HtxApiError, HtxHttpError, HtxNetworkError, HtxResponseError, type RedactedRequest } from "../errors.ts";
import { redactCause, redactText } from "../redact.ts";
import { isRateLimitAnswer, isStaleTimestampAnswer } from "../response.ts";

/** A page of 500 orders is about 200 KB; anything far larger is no listing. */
const MAX_BODY_BYTES = 8 << 20;
const SNIPPET_CHARS = 200;
/** HTX errors worth asking again about: rate limits and HTX's own transient failures. */
const TRANSIENT_CODES = new Set(["base-system-error", "timeout", "gateway-internal-error"]);

/** Where an answer came from, for its errors: the redacted request and the values to redact. */
export interface ListingContext {
  /** The request, URL already redacted. */
  request: RedactedRequest;
  /** The request's AccessKeyId and Signature, redacted from any text shown. */
  secrets: readonly string[];
}

/**
 * The JSON text with the integer values of `fields` (e.g. `"id": 9007199254740993`) turned into
 * strings (`"id": "9007199254740993"`), so that `JSON.parse` keeps every digit. A lexer, not a
 * pattern: keys are the strings directly before a `:`, and string contents are skipped whole.
 */
export function quoteIntegerFields(text: string, fields: ReadonlySet<string>): string {
  const parts: string[] = [];
  let copied = 0;
  let key: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c ? 2 : 1;
      key = text.slice(i + 1, end);
      i = end;
      continue;
    }
    if (c === 0x3a /* : */ && key !== undefined && fields.has(key)) {
      const number = /\s*(-?\d+)(?=\s*[,}\]])/y;
      number.lastIndex = i + 1;
      const match = number.exec(text);
      if (match) {
        const start = number.lastIndex - match[1]!.length;
        parts.push(text.slice(copied, start), `"${match[1]}"`);
        copied = number.lastIndex;
        i = copied - 1;
      }
    }
    if (c > 0x20) key = c === 0x3a ? key : undefined;
  }
  parts.push(text.slice(copied));
  return parts.join("");
}

/** Reads the body as text, refusing more than {@link MAX_BODY_BYTES}. */
async function readBody(response: Response): Promise<string | undefined> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const chunks: string[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks.join("") + decoder.decode();
    bytes += value.byteLength;
    if (bytes > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(decoder.decode(value, { stream: true }));
  }
}

/** The start of a body, whitespace folded, credentials redacted before the cut. */
function snippet(body: string, secrets: readonly string[]): string {
  const redacted = redactText(body.replace(/\s+/g, " ").trim().slice(0, SNIPPET_CHARS + 256), secrets);
  return redacted.length > SNIPPET_CHARS ? `${redacted.slice(0, SNIPPET_CHARS)}…` : redacted;
}

/** HTX's error envelope as an error; `retryable` for rate limits and HTX's transient failures. */
function envelopeError(json: Record<string, unknown>, status: number, ctx: ListingContext): HtxApiError {
  const errCode = String(json["err-code"]);
  const errMsg = redactText(typeof json["err-msg"] === "string" ? json["err-msg"] : "", ctx.secrets);
  const retryable = isRateLimitAnswer(errCode, errMsg) || TRANSIENT_CODES.has(errCode);
  const message = isStaleTimestampAnswer(errCode, errMsg)
    ? `HTX refused the request timestamp (${errCode}: ${errMsg}): this machine's clock is off from HTX's.`
    : `HTX refused the listing: ${errCode}: ${errMsg}`;
  return new HtxApiError(message, { errCode, errMsg, httpStatus: status, retryable }, { request: ctx.request });
}

/**
 * Reads one listing answer: its `data`, checked by `schema`, with the integer `idFields` read
 * losslessly.
 * @throws {HtxHttpError | HtxApiError | HtxResponseError | HtxNetworkError}
 */
export async function readListingAnswer<T>(
  response: Response,
  ctx: ListingContext,
  schema: v.GenericSchema<unknown, T>,
  idFields: ReadonlySet<string>,
): Promise<T> {
  const { status } = response;
  let body: string | undefined;
  try {
    body = await readBody(response);
  } catch (cause) {
    throw new HtxNetworkError(`The connection broke while reading HTX's answer (HTTP ${status}).`, {
      request: ctx.request,
      cause: redactCause(cause, ctx.secrets),
    });
  }
  const problem = (message: string, retryable: boolean, issues?: string[]) =>
    new HtxResponseError(message, { status, issues, bodySnippet: snippet(body ?? "", ctx.secrets), retryable }, {
      request: ctx.request,
    });
  if (body === undefined) throw problem(`HTX's answer is larger than ${MAX_BODY_BYTES} bytes.`, true);
  if (status < 200 || status > 299) {
    const retryable = status === 429 || status >= 500;
    throw new HtxHttpError(`HTX answered HTTP ${status} to the listing.`, {
      status,
      bodySnippet: snippet(body, ctx.secrets),
      retryable,
    }, { request: ctx.request });
  }
  let json: unknown;
  try {
    json = JSON.parse(quoteIntegerFields(body, idFields));
  } catch {
    const what = /^\s*</.test(body) ? "an HTML page" : body.trim() === "" ? "an empty body" : "a body that is not JSON";
    throw problem(`HTX answered HTTP ${status} with ${what} instead of a listing.`, true);
  }
  const record = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  if (record.status === "error" && typeof record["err-code"] === "string") throw envelopeError(record, status, ctx);
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) {
    const issues = parsed.issues.map((i) => snippet(`${v.getDotPath(i) ?? "(root)"}: ${i.message}`, ctx.secrets));
    throw problem(`HTX's answer does not have the listing's shape: ${issues[0]}`, false, issues);
  }
  return parsed.output;
}
