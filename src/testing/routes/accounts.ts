/**
 * `GET /v1/account/accounts`: the caller's UID's accounts, ids as JSON numbers (Read
 * permission, 100 per 2 s per UID; docs/htx-notes.md, "Listing accounts and open orders").
 */
import { jsonAnswer, JsonDigits } from "../answers.ts";
import { refuse } from "../context.ts";
import { answerWithFault } from "../faults.ts";
import { admitPrivate, businessParams, type Route } from "./route.ts";

/** The account listing route. */
export const accountsRoute: Route = {
  method: "GET",
  path: "/v1/account/accounts",
  endpoint: "accounts",
  async handle(ctx, req) {
    const gate = await admitPrivate(ctx, req, "accounts", "read");
    if (gate instanceof Response) return gate;
    const { caller, rate } = gate;
    const extra = [...businessParams(caller.params).keys()];
    // The endpoint takes no parameters; HTX's answer to one is undocumented: refuse it.
    if (extra.length > 0) {
      const errMsg = `Unsupported parameter: ${extra[0]}.`;
      return refuse(ctx, { reason: "bad-parameter", errCode: "base-argument-unsupported", errMsg }, rate);
    }
    const data = ctx.userAccounts
      .filter((account) => account.uid === caller.key.uid)
      .map((account) => ({
        id: new JsonDigits(account.id),
        type: account.type,
        subtype: account.subtype ?? "",
        state: account.state,
      }));
    return answerWithFault(ctx, req.fault, rate, () => jsonAnswer({ status: "ok", data }, rate));
  },
};
