/** `GET /v1/common/timestamp`: public, unsigned, the simulator's clock (docs/htx-notes.md, "Clock"). */
import { jsonAnswer } from "../answers.ts";
import { answerWithFault } from "../faults.ts";
import type { Route } from "./route.ts";

/** The server time route. */
export const timestampRoute: Route = {
  method: "GET",
  path: "/v1/common/timestamp",
  endpoint: "timestamp",
  handle: (ctx, req) => answerWithFault(ctx, req.fault, undefined, () => jsonAnswer({ status: "ok", data: ctx.now() })),
};
