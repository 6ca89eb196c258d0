/**
 * Reading an answer of `GET /v1/account/accounts` (src/listing/answer.ts, with valibot), for
 * src/listing/spot-account.ts; the kill switch loads it while that request is in flight.
 */
import type * as v from "valibot";
import type { AnswerContext } from "../http/answers.ts";
import { AccountsAnswerSchema } from "../schemas/listing.ts";
import { type ListingAnswer, readListingAnswer } from "./answer.ts";

const ACCOUNTS_ANSWER: ListingAnswer<v.InferOutput<typeof AccountsAnswerSchema>> = {
  name: "account listing",
  schema: AccountsAnswerSchema,
  idFields: new Set(["id"]),
};

/** The account listing's answer, checked. */
export type AccountEntries = v.InferOutput<typeof AccountsAnswerSchema>;

/** The account listing's data, checked; a typed error otherwise. */
export function readAccountsAnswer(response: Response, ctx: AnswerContext): Promise<AccountEntries> {
  return readListingAnswer(response, ctx, ACCOUNTS_ANSWER);
}
