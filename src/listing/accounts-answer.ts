/**
 * Reading an answer of `GET /v1/account/accounts` (src/listing/answer.ts, with valibot): loaded
 * on first use by src/listing/spot-account.ts, while its request is in flight.
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

/** The account listing's data, checked; a typed error otherwise. */
export function readAccountsAnswer(
  response: Response,
  ctx: AnswerContext,
): Promise<v.InferOutput<typeof AccountsAnswerSchema>> {
  return readListingAnswer(response, ctx, ACCOUNTS_ANSWER);
}
