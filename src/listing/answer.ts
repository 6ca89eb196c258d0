/**
 * Reads an answer of HTX's listing endpoints (accounts, open orders) into valibot-checked data
 * or a typed error, through the same reader as the batch-cancel answers (src/http/response.ts). Ids
 * there are JSON **numbers** declared 64-bit (docs/htx-notes.md, "Listing and accounts"), so
 * they are read from the JSON text as strings, never through a JS number.
 */
import type * as v from "valibot";
import type { AnswerContext } from "../http/answers.ts";
import { readJsonAnswer } from "../http/answer-reader.ts";

/** A page of 500 orders is about 200 KB; anything far larger is no listing. */
const MAX_BODY_BYTES = 8 << 20;
/**
 * HTX errors worth asking again about besides rate limits: HTX's own transient failures. A GET
 * changes nothing, so HTX's gateway failing is worth another try too.
 */
const TRANSIENT_CODES = new Set(["base-system-error", "timeout", "gateway-internal-error"]);

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

/** One listing endpoint's answer: its name in messages, its ok shape, and its 64-bit integer fields. */
export interface ListingAnswer<T> {
  /** e.g. `"open-order listing"`: "HTX's answer does not have the open-order listing shape". */
  readonly name: string;
  /** The ok answer, ids read as strings of digits. */
  readonly schema: v.GenericSchema<unknown, T>;
  /** The fields whose integer values are read from the text (`id`, `account-id`). */
  readonly idFields: ReadonlySet<string>;
}

/**
 * Reads one listing answer: its data, checked by `answer.schema`, with the integer
 * `answer.idFields` read losslessly.
 * @throws {HtxHttpError | HtxApiError | HtxResponseError | HtxNetworkError}
 */
export function readListingAnswer<T>(response: Response, ctx: AnswerContext, answer: ListingAnswer<T>): Promise<T> {
  return readJsonAnswer(response, ctx, answer.schema, {
    name: answer.name,
    maxBytes: MAX_BODY_BYTES,
    transientCodes: TRANSIENT_CODES,
    parse: (text) => JSON.parse(quoteIntegerFields(text, answer.idFields)),
  });
}
