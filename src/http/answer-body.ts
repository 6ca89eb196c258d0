/**
 * Reading the body of an HTTP answer of HTX, without valibot: shared by the full answer reader
 * (./answer-reader.ts) and the batch-cancel path that reads the common well-formed answer
 * without it (./batch-cancel-answer.ts).
 */
import { HtxNetworkError, HtxResponseError } from "./request-errors.ts";
import { redactCause, redactorFor } from "../core/redact.ts";
import type { AnswerContext } from "./answers.ts";

/** The default largest body: no batch-cancel answer comes near it (50 ids make a few KB). */
export const MAX_BODY_BYTES = 1 << 20;

/** The context's redactor, or one built from its secrets when it brings none. */
export function redactorOf(ctx: AnswerContext): (text: string) => string {
  return ctx.redact ?? redactorFor(ctx.secrets ?? []);
}

/** One decoder for every answer: a whole body is decoded in one call, which keeps no state. */
const UTF8 = /* @__PURE__ */ new TextDecoder();

/**
 * Reads the body as UTF-8 text, refusing more than `maxBytes`. The bytes are decoded once, at the
 * end (a character split across chunks is whole by then): no decoder and no string per chunk.
 */
async function readBody(response: Response, maxBytes: number): Promise<string | undefined> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = bytesOf(value);
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(chunk);
  }
  return UTF8.decode(chunks.length === 1 ? chunks[0] : joinBytes(chunks, bytes));
}

/**
 * A chunk as a Uint8Array over its bytes. A custom `fetch`'s stream may give an ArrayBuffer or
 * another view (the per-chunk decoder read those): `Uint8Array#set` would copy no bytes of one or
 * one byte an element, and a string's `byteLength` (undefined) would turn the size check off.
 * Anything else is refused, as `Response#text()` refuses it (a broken read, so retryable).
 */
function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (/^\[object (Shared)?ArrayBuffer\]$/.test(Object.prototype.toString.call(value))) {
    return new Uint8Array(value as ArrayBuffer);
  }
  throw new TypeError(`The answer's body gave a chunk that is not bytes (${typeof value}).`);
}

/** The chunks, end to end, in one array of `bytes` bytes. */
function joinBytes(chunks: readonly Uint8Array[], bytes: number): Uint8Array {
  const whole = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
}

/** An answer that may read right on another try, with no body worth showing. */
export function unreadable(message: string, status: number, ctx: AnswerContext): HtxResponseError {
  return new HtxResponseError(message, { status, bodySnippet: "", retryable: true }, { request: ctx.request });
}

/** The body, read whole, or the typed error of a broken stream or an oversized body. */
export async function bodyText(response: Response, ctx: AnswerContext, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const { status } = response;
  let body: string | undefined;
  try {
    body = await readBody(response, maxBytes);
  } catch (cause) {
    throw new HtxNetworkError(`The connection broke while reading HTX's answer (HTTP ${status}).`, {
      request: ctx.request,
      cause: redactCause(cause, ctx.secrets ?? []),
    });
  }
  if (body === undefined) throw unreadable(`HTX's answer is larger than ${maxBytes} bytes.`, status, ctx);
  return body;
}
