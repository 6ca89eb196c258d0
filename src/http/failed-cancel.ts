/**
 * One refused id of a batch-cancel answer, as the client reports it: HTX's entry of
 * `data.failed`, checked, with its state named and its outcome said. Shared by the full answer
 * reader (./answer-reader.ts) and the reader of the common well-formed answer
 * (./well-formed-answer.ts), so that both report a refusal alike.
 */
import { ORDER_STATES, type OrderStateName } from "../core/order-states.ts";
import { failedOutcome } from "../core/failed-outcome.ts";
import type { FailedEntry } from "../schemas/answers.ts";
import type { AnswerContext, FailedCancel } from "./answers.ts";
import { redactorOf } from "./answer-body.ts";

function stateName(code: number): OrderStateName | undefined {
  return (ORDER_STATES as Record<string, OrderStateName | undefined>)[String(code)];
}

/** Redacts foreign texts of one answer, each distinct text once: they repeat ("Incorrect order state"). */
export function textRedactor(ctx: AnswerContext): (text: string) => string {
  const done = new Map<string, string>();
  let redact: ((text: string) => string) | undefined;
  return (text) => {
    let redacted = done.get(text);
    if (redacted === undefined) done.set(text, redacted = text && (redact ??= redactorOf(ctx))(text));
    return redacted;
  };
}

/** A checked entry of `data.failed` as the client reports it, its foreign text redacted. */
export function failedCancel(entry: FailedEntry, redact: (text: string) => string): FailedCancel {
  const errMsg = entry["err-msg"] ?? "";
  const code = entry["order-state"] ?? undefined;
  const state = code === undefined ? undefined : stateName(code);
  // One answer alone: no earlier attempt of this call can have closed the order.
  return {
    ...(entry["order-id"] ? { orderId: entry["order-id"] } : {}),
    ...(entry["client-order-id"] ? { clientOrderId: entry["client-order-id"] } : {}),
    errCode: entry["err-code"],
    // A foreign text: it may echo the request's credentials.
    errMsg: redact(errMsg),
    ...(code === undefined ? {} : { orderState: code }),
    ...(state ? { state } : {}),
    outcome: failedOutcome(state, false),
  };
}
