/**
 * `POST /v2/algo-orders/cancel-all-after`, HTX's dead man's switch (Trade permission;
 * docs/htx-notes.md, "Dead man's switch"): `{"timeout": N}` arms the caller's UID for N s (N ≥ 5)
 * or disarms it (0); unless called again before the trigger time, HTX cancels "all of your orders
 * on the spot market (a maximum cancellation of 500 orders)". Answers are HTX's v2 envelope, with
 * `data` as `{ currentTime, triggerTime }` in ms (current docs) or, with the simulator's
 * `cancelAllAfterAnswer: "array-2021"`, as two strings of seconds (HTX's 2021 announcement).
 *
 * `cancelAllAfterMinSeconds` raises the shortest timeout that arms (default 5, HTX's), to play an
 * HTX that refuses a timeout the client lets through.
 *
 * Undocumented, so chosen here: which 500 (the oldest first), no rate limit (HTX gives none), no
 * largest timeout, and refusals of the gateway (signature, key, permission) in the v1 envelope
 * the other routes answer with. The trigger fires on the simulator's clock, when the simulator is
 * next asked anything ({@link fireDueSwitches}).
 */
import { jsonAnswer } from "../answers.ts";
import { authenticate, checkAccess, isRefusal } from "../auth.ts";
import { bump, refuse, type SimulatorContext } from "../context.ts";
import { answerWithFault } from "../faults.ts";
import type { Route } from "./route.ts";

/** HTX's most it cancels when the trigger fires. */
export const MAX_CANCELLED_ON_TRIGGER = 500;

/** The armed switches of one simulator: UID → trigger time (simulator clock, ms). */
const armed = new WeakMap<SimulatorContext, Map<number, number>>();

function switchesOf(ctx: SimulatorContext): Map<number, number> {
  let switches = armed.get(ctx);
  if (!switches) armed.set(ctx, switches = new Map());
  return switches;
}

/** The trigger time of a UID's armed switch, or undefined when none is armed. */
export function armedTrigger(ctx: SimulatorContext, uid: number): number | undefined {
  fireDueSwitches(ctx);
  return switchesOf(ctx).get(uid);
}

/**
 * Fires every switch whose trigger time has come: up to 500 of its UID's open orders are
 * cancelled, the oldest first, and the switch is disarmed.
 */
export function fireDueSwitches(ctx: SimulatorContext): void {
  const switches = armed.get(ctx);
  if (!switches || switches.size === 0) return;
  const now = ctx.now();
  for (const [uid, triggerTime] of switches) {
    if (now < triggerTime) continue;
    switches.delete(uid);
    let cancelled = 0;
    for (const order of ctx.store.listed(uid)) {
      if (cancelled >= MAX_CANCELLED_ON_TRIGGER) break;
      if (order.state === "cancelling") continue;
      if (ctx.store.cancel(order).kind === "accepted") {
        cancelled++;
        ctx.stats.ordersCanceled++;
      }
    }
  }
}

/** HTX's v2 error answer, counted by its code. */
function v2Error(ctx: SimulatorContext, code: number, message: string): Response {
  bump(ctx.stats.byErrCode, String(code));
  bump(ctx.stats.rejections, "bad-body");
  return jsonAnswer({ code, message });
}

/** The timeout of a body, or HTX's v2 refusal of it (2003 as HTX's docs show, 2002 for a bad value). */
function readTimeout(ctx: SimulatorContext, text: string): number | Response {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return v2Error(ctx, 2002, "invalid field value");
  }
  const timeout = typeof body === "object" && body !== null ? (body as { timeout?: unknown }).timeout : undefined;
  if (timeout === undefined || timeout === null) return v2Error(ctx, 2003, "missing mandatory field");
  const valid = typeof timeout === "number" && Number.isSafeInteger(timeout) &&
    (timeout === 0 || timeout >= ctx.options.cancelAllAfterMinSeconds);
  return valid ? timeout : v2Error(ctx, 2002, "invalid field value");
}

/** The answer of an accepted call, in the shape the simulator is set to. */
function accepted(ctx: SimulatorContext, currentTime: number, triggerTime: number): Response {
  const data = ctx.options.cancelAllAfterAnswer === "array-2021"
    ? [String(Math.floor(currentTime / 1000)), String(Math.floor(triggerTime / 1000))]
    : { currentTime, triggerTime };
  return jsonAnswer({ code: 200, message: "success", data });
}

/** The dead man's switch route. */
export const cancelAllAfterRoute: Route = {
  method: "POST",
  path: "/v2/algo-orders/cancel-all-after",
  endpoint: "cancel-all-after",
  async handle(ctx, req) {
    const caller = await authenticate(req.request, req.url, ctx.ring);
    if (isRefusal(caller)) return refuse(ctx, caller);
    const denied = checkAccess(caller.key, "trade", req.clientIp);
    if (denied) return refuse(ctx, denied);
    const timeout = readTimeout(ctx, await req.request.text());
    if (timeout instanceof Response) return timeout;
    const uid = caller.key.uid;
    return await answerWithFault(ctx, req.fault, undefined, () => {
      const now = ctx.now();
      const switches = switchesOf(ctx);
      if (timeout === 0) switches.delete(uid);
      else switches.set(uid, now + timeout * 1000);
      return accepted(ctx, now, timeout === 0 ? 0 : now + timeout * 1000);
    });
  },
};
