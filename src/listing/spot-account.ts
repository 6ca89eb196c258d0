/**
 * The spot accounts: `GET /v1/account/accounts` (Read permission, 100 per 2 s per UID; its own
 * budget), the entries of `type: "spot"` whose state is `working`; an `id` is the `account-id` of open-order listings
 * (docs/htx-notes.md, "Listing accounts and open orders"). Looked up once per client.
 */
import { HtxAccountError } from "./accounts.ts";
import { type ListingSetup, signedGet } from "./signed-get.ts";
import { HtxAbortError } from "../http/request-errors.ts";
import { untilAborted } from "../core/timers.ts";
import type { AnswerReader } from "./signed-get.ts";
import type { AccountEntries } from "./accounts-answer.ts";

/** The path of the account listing. */
const ACCOUNTS_PATH = "/v1/account/accounts";

/** A state named for a message: HTX's two known ones in words, any other quoted as unknown. */
function stateName(state: string): string {
  if (state === "lock") return "locked";
  return `in a state this client does not know ("${state}")`;
}

/**
 * Reads the UID's accounts and returns every working spot account's id (a UID may have more
 * than one `spot` entry; a locked one never hides a working one).
 * @throws {HtxAccountError} when there is no spot account, or none is working.
 * @throws {HtxError} when the accounts cannot be read.
 */
async function findSpotAccounts(
  setup: ListingSetup,
  read: AnswerReader<AccountEntries>,
  signal: AbortSignal,
): Promise<string[]> {
  const answer = await signedGet(setup, { endpoint: "accounts", path: ACCOUNTS_PATH, params: [] }, read, signal);
  const spot = answer.data.filter((account) => account.type === "spot");
  if (spot.length === 0) {
    const types = answer.data.map((account) => account.type).join(", ") || "none";
    throw new HtxAccountError(
      `This API key's user has no spot account (accounts: ${types}): there are no spot orders to cancel.`,
      "no-spot-account",
    );
  }
  const working = spot.filter((account) => account.state === "working").map((account) => account.id);
  if (working.length > 0) return working;
  const named = spot.map((account) => `spot account ${account.id} is ${stateName(account.state)}`).join("; ");
  throw new HtxAccountError(
    `No spot account is working (${named}): HTX accepts no cancels for a locked account until it is unlocked ` +
      `(ask HTX support).`,
    "locked",
    spot[0]!.id,
  );
}

/**
 * The working spot accounts' ids, looked up once per client: the first lookup that succeeds is kept;
 * concurrent first calls share one lookup; a failed one (or one aborted by its caller's
 * signal) is tried again by the next call.
 */
export class SpotAccount {
  #ids: string[] | undefined;
  /** The lookup in flight, and the signal it was started with; cleared when it fails. */
  #lookup: { promise: Promise<string[]>; signal: AbortSignal } | undefined;

  /**
   * @param setup How to reach HTX.
   * @param read Reads the answer (src/listing/accounts-answer.ts): passed in, so that the caller
   *   may load it (and valibot) while the request is in flight.
   */
  constructor(private readonly setup: ListingSetup, private readonly read: AnswerReader<AccountEntries>) {}

  /** The working spot accounts' ids, in HTX's order. */
  async ids(signal: AbortSignal): Promise<string[]> {
    for (;;) {
      if (this.#ids !== undefined) return this.#ids;
      const lookup = this.#lookup ?? this.#start(signal);
      try {
        // Another caller's lookup is waited for only until this caller's own signal aborts.
        return await untilAborted(lookup.promise, signal);
      } catch (error) {
        if (signal.aborted) {
          if (error instanceof HtxAbortError) throw error;
          throw new HtxAbortError("Aborted while waiting for the account lookup.", { cause: signal.reason });
        }
        // Another caller's abort ended the shared lookup: this caller's own is started afresh.
        if (lookup.signal === signal || !lookup.signal.aborted) throw error;
      }
    }
  }

  #start(signal: AbortSignal) {
    const lookup = { promise: findSpotAccounts(this.setup, this.read, signal), signal };
    this.#lookup = lookup;
    lookup.promise.then(
      (ids) => {
        this.#ids = ids;
      },
      () => {
        if (this.#lookup === lookup) this.#lookup = undefined;
      },
    );
    return lookup;
  }
}
