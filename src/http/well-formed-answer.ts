/**
 * The common answer of the batch-cancel endpoint, read without valibot: a 2xx JSON body of the
 * ok shape, checked field by field exactly as `BatchCancelOkSchema` (src/schemas/answers.ts)
 * checks it. Anything else, or anything it is unsure of, is left to the full reader, which
 * says what is wrong; test/well-formed-answer.test.ts holds both to the same verdicts and
 * results over well-formed and malformed answers. So the first call of a process sends its
 * request and reads its answer without loading the schema library (docs/performance.md).
 */
import type { FailedEntry } from "../schemas/answers.ts";
import type { AnswerContext, BatchCancelAnswer } from "./answers.ts";
import { failedCancel, textRedactor } from "./failed-cancel.ts";

type Json = Record<string, unknown>;

/** A JSON object: arrays fail the schema too (they lack its required keys). */
function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `v.nullish(v.string())`: absent, null or a string. */
const nullishString = (entry: Json, key: string) =>
  !(key in entry) || entry[key] === null || entry[key] === undefined || typeof entry[key] === "string";

/** `OrderStateCodeSchema`, nullish: an integer, or a string of 1–3 digits, read as a number. */
function orderState(value: unknown): number | null | undefined | false {
  if (value === null || value === undefined) return value;
  if (typeof value === "number") return Number.isInteger(value) && value;
  return typeof value === "string" && /^-?\d{1,3}$/.test(value) && Number(value);
}

/** One entry of `data.failed` as `FailedEntrySchema` reads it, or undefined where it would refuse it. */
function failedEntry(entry: unknown): FailedEntry | undefined {
  if (!isObject(entry) || typeof entry["err-code"] !== "string") return undefined;
  if (!(nullishString(entry, "order-id") && nullishString(entry, "client-order-id"))) return undefined;
  if (!nullishString(entry, "err-msg")) return undefined;
  const state = "order-state" in entry ? orderState(entry["order-state"]) : undefined;
  if (state === false) return undefined;
  return {
    "order-id": entry["order-id"] as string | null | undefined,
    "client-order-id": entry["client-order-id"] as string | null | undefined,
    "err-code": entry["err-code"],
    "err-msg": entry["err-msg"] as string | null | undefined,
    "order-state": state,
  };
}

/** `data.success` and `data.failed` of the ok shape, or undefined where the schema would refuse it. */
function okData(json: unknown): { success: string[]; failed: FailedEntry[] } | undefined {
  if (!isObject(json) || json.status !== "ok" || !isObject(json.data)) return undefined;
  const { success, failed = [] } = json.data;
  if (!Array.isArray(success) || !success.every((id) => typeof id === "string")) return undefined;
  if (!Array.isArray(failed)) return undefined;
  const entries: FailedEntry[] = [];
  for (const entry of failed) {
    const read = failedEntry(entry);
    if (!read) return undefined;
    entries.push(read);
  }
  return { success, failed: entries };
}

/**
 * The answer of a 2xx body of the ok shape, as the full reader reads it; undefined for any
 * other status or body (an error envelope, HTML, an empty or malformed body): the full
 * reader's to report.
 */
export function readWellFormedAnswer(status: number, body: string, ctx: AnswerContext): BatchCancelAnswer | undefined {
  if (status < 200 || status > 299) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const data = okData(json);
  if (!data) return undefined;
  const redact = textRedactor(ctx);
  return { success: [...data.success], failed: data.failed.map((entry) => failedCancel(entry, redact)) };
}
