/**
 * `POST /v1/order/orders/batchcancel` (Trade permission, 50 per 2 s per UID): the body rules
 * and per-order answers of docs/htx-notes.md ("The endpoint", "Answers").
 */
import { jsonAnswer, MSG } from "../answers.ts";
import type { Refusal } from "../auth.ts";
import { refuse, type SimulatorContext } from "../context.ts";
import { answerWithFault } from "../faults.ts";
import { ORDER_STATES, type OrderStateName } from "../../core/order-states.ts";
import { admitPrivate, notJson, type Route } from "./route.ts";

const MAX_IDS = 50;
const STATE_CODES = Object.fromEntries(
  Object.entries(ORDER_STATES).map(([code, name]) => [name, Number(code)]),
) as Record<OrderStateName, number>;

/** The ids of a valid body. */
interface CancelBody {
  kind: "order" | "client";
  ids: string[];
}

const badBody = (errCode: string, errMsg: string): Refusal => ({ reason: "bad-body", errCode, errMsg });

/** Checks the body as HTX does; returns the ids, or why they are refused. */
function readCancelBody(text: string): CancelBody | Refusal {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { reason: "malformed-json", errCode: "gateway-internal-error", errMsg: MSG.gateway };
  }
  const record = (typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  const hasOrder = "order-ids" in record;
  const hasClient = "client-order-ids" in record;
  // HTX's answers to both keys, no key, >50 ids and non-string ids are unconfirmed: these
  // are the codes HTX uses for the same mistakes elsewhere.
  if (hasOrder && hasClient) return badBody("bad-request", "Only one of order-ids and client-order-ids may be given.");
  if (!hasOrder && !hasClient) {
    return badBody("validation-constraints-required", "Field is missing: order-ids or client-order-ids.");
  }
  const ids = record[hasOrder ? "order-ids" : "client-order-ids"];
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) {
    return badBody("validation-format-error", "Ids must be an array of strings.");
  }
  if (ids.length === 0) return badBody("batchcancel-order-id-list-empty", MSG.empty);
  if (ids.length > MAX_IDS) return badBody("bad-request", `At most ${MAX_IDS} ids may be canceled per request.`);
  return { kind: hasOrder ? "order" : "client", ids: ids as string[] };
}

/**
 * Applies the cancel of each id and builds HTX's `data`. A failed entry names the id as sent:
 * `order-id` alone for an order-id request (HTX's older examples omit `client-order-id`
 * there; it never hands back a client id it was not sent), `"order-id": ""` and the
 * `client-order-id` for a client-id request.
 */
function cancelAll(ctx: SimulatorContext, uid: number, { kind, ids }: CancelBody) {
  const success: string[] = [];
  const failed: Record<string, unknown>[] = [];
  for (const id of ids) {
    const named = kind === "client" ? { "order-id": "", "client-order-id": id } : { "order-id": id };
    const order = kind === "order" ? ctx.store.byOrderId(uid, id) : ctx.store.byClientId(uid, id);
    if (!order) {
      failed.push({ ...named, "err-code": "base-not-found", "err-msg": MSG.notFound });
      continue;
    }
    const outcome = ctx.store.cancel(order);
    if (outcome.kind === "accepted") {
      ctx.stats.ordersCanceled++;
      success.push(id);
    } else if (outcome.kind === "refused") {
      failed.push({ ...named, "err-code": outcome.errCode, "err-msg": outcome.errMsg });
    } else {
      const orderState = STATE_CODES[outcome.state];
      failed.push({
        ...named,
        "err-code": "order-orderstate-error",
        "err-msg": MSG.orderState,
        "order-state": orderState,
      });
    }
  }
  return { success, failed };
}

/** The batch-cancel route. */
export const batchCancelRoute: Route = {
  method: "POST",
  path: "/v1/order/orders/batchcancel",
  endpoint: "batch-cancel",
  async handle(ctx, req) {
    ctx.stats.batchCancelRequests++;
    const gate = await admitPrivate(ctx, req, "batch-cancel", "trade");
    if (gate instanceof Response) return gate;
    const { caller, rate } = gate;
    const wrongType = notJson(ctx, req, rate);
    if (wrongType) return wrongType;
    const body = readCancelBody(await req.request.text());
    if ("reason" in body) return refuse(ctx, body, rate);
    const uid = caller.key.uid;
    return answerWithFault(
      ctx,
      req.fault,
      rate,
      () => jsonAnswer({ status: "ok", data: cancelAll(ctx, uid, body) }, rate),
    );
  },
};
