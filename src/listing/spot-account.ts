/**
 * The spot account: `GET /v1/account/accounts` (Read permission, 100 per 2 s per UID; its own
 * budget), the entry of `type: "spot"`; its `id` is the `account-id` of open-order listings
 * (docs/htx-notes.md, "Listing accounts and open orders"). Looked up once per client.
 */
import type * as v from "valibot";
import { AccountsAnswerSchema } from "../schemas/listing.ts";
import { HtxAccountError } from "./accounts.ts";
import { type ListingAnswer, readListingAnswer } from "./answer.ts";
import { type ListingSetup, signedGet } from "./signed-get.ts";

/** The path of the account listing. */
const ACCOUNTS_PATH = "/v1/account/accounts";
const ACCOUNTS_ANSWER: ListingAnswer<v.InferOutput<typeof AccountsAnswerSchema>> = {
  name: "account listing",
  schema: AccountsAnswerSchema,
  idFields: new Set(["id"]),
};

/**
 * Reads the UID's accounts and returns the spot account's id.
 * @throws {HtxAccountError} when there is no spot account or it is locked.
 * @throws {HtxError} when the accounts cannot be read.
 */
async function findSpotAccount(setup: ListingSetup, signal: AbortSignal): Promise<string> {
  const answer = await signedGet(
    setup,
    { endpoint: "accounts", path: ACCOUNTS_PATH, params: [] },
    (response, ctx) => readListingAnswer(response, ctx, ACCOUNTS_ANSWER),
    signal,
  );
  const spot = answer.data.find((account) => account.type === "spot");
  if (!spot) {
    const types = answer.data.map((account) => account.type).join(", ") || "none";
    throw new HtxAccountError(
      `This API key's user has no spot account (accounts: ${types}): there are no spot orders to cancel.`,
      "no-spot-account",
    );
  }
  if (spot.state !== "working") {
    throw new HtxAccountError(
      `The spot account ${spot.id} is ${spot.state === "lock" ? "locked" : `"${spot.state}"`}: HTX accepts no ` +
        `cancels for it until it is unlocked (ask HTX support).`,
      "locked",
      spot.id,
    );
  }
  return spot.id;
}

/**
 * The spot account id, looked up once per client: the first lookup that succeeds is kept;
 * concurrent first calls share one lookup; a failed one (or one aborted by its caller's
 * signal) is tried again by the next call.
 */
export class SpotAccount {
  #id: string | undefined;
  /** The lookup in flight, and the signal it was started with; cleared when it fails. */
  #lookup: { promise: Promise<string>; signal: AbortSignal } | undefined;

  /** @param setup How to reach HTX. */
  constructor(private readonly setup: ListingSetup) {}

  /** The spot account's id. */
  async id(signal: AbortSignal): Promise<string> {
    for (;;) {
      if (this.#id !== undefined) return this.#id;
      const lookup = this.#lookup ?? this.#start(signal);
      try {
        return await lookup.promise;
      } catch (error) {
        // Another caller's abort ended the shared lookup: this caller's own is started afresh.
        if (lookup.signal === signal || signal.aborted || !lookup.signal.aborted) throw error;
      }
    }
  }

  #start(signal: AbortSignal) {
    const lookup = { promise: findSpotAccount(this.setup, signal), signal };
    this.#lookup = lookup;
    lookup.promise.then(
      (id) => {
        this.#id = id;
      },
      () => {
        if (this.#lookup === lookup) this.#lookup = undefined;
      },
    );
    return lookup;
  }
}
