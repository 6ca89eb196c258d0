/**
 * One Worker's line to the object of one budget: a call with a time limit, a fresh stub after a
 * failure, and the object's answers turned into what they mean (a grant, ask again, a refusal
 * to fix, a failure that starts an outage, or the end of the invocation's subrequests).
 */
import { HtxInputError } from "../core/errors.ts";
import type { HtxEndpoint } from "./budgets.ts";
import type { SlotRecord } from "../limits/limiter.ts";
import { type AcquireAnswer, OBJECT_ORIGIN } from "./protocol.ts";
import { isSubrequestLimit, type SubrequestBudget, subrequestLimitError } from "./subrequests.ts";

/** A stub of the object. */
export interface ObjectStub {
  fetch(request: Request): Promise<Response>;
}

/** The calls a limiter makes to its object. */
export class ObjectLink {
  /** Made anew after a failed call: Cloudflare documents a stub as possibly broken after an exception. */
  #stub: ObjectStub;
  readonly #newStub: () => ObjectStub;
  readonly #endpoint: HtxEndpoint;
  readonly #timeoutMs: number;
  readonly #subrequests: SubrequestBudget | undefined;

  constructor(newStub: () => ObjectStub, endpoint: HtxEndpoint, timeoutMs: number, subrequests?: SubrequestBudget) {
    this.#newStub = newStub;
    this.#stub = newStub();
    this.#endpoint = endpoint;
    this.#timeoutMs = timeoutMs;
    this.#subrequests = subrequests;
  }

  /** One long-polled acquire: the slot's id, or undefined when asked to ask again. Throws when the call fails. */
  async acquire(waiter: string): Promise<string | undefined> {
    // A slot granted after the time limit has nobody to use it: given back (a subrequest, if one is
    // left), not held until maxHoldMs.
    const late = (answer: AcquireAnswer) => {
      if (typeof answer.slot === "string" && (this.#subrequests?.use(false) ?? true)) void this.release(answer.slot);
    };
    const answer = await this.#call(`/acquire?endpoint=${this.#endpoint}&waiter=${waiter}`, "POST", undefined, late);
    return typeof answer.slot === "string" ? answer.slot : undefined;
  }

  /** The object's status: resolves when it answers and works. */
  status(): Promise<void> {
    return this.#told(`/status?endpoint=${this.#endpoint}`, "GET");
  }

  /** Ends the long poll of a caller that has gone (best effort). */
  forget(waiter: string): void {
    this.#call(`/forget?waiter=${waiter}`).catch(() => {});
  }

  /** Gives a slot back; never rejects. */
  release(slot: string): Promise<void> {
    return this.#call(`/release?slot=${encodeURIComponent(slot)}`).then(() => {}, () => {});
  }

  /**
   * Tells the object of the slots taken on the local share, so that it counts them before granting
   * more, and of HTX's rate refusal it could not hear of then (`penalizedAt`, wall clock).
   */
  report(grants: readonly SlotRecord[], penalizedAt?: number): Promise<void> {
    return this.#told(`/report?endpoint=${this.#endpoint}`, "POST", JSON.stringify({ grants, penalizedAt }));
  }

  /** Tells the object that HTX refused a request of this budget for its rate: it grants nothing for a window. */
  penalize(): Promise<void> {
    return this.#told(`/penalize?endpoint=${this.#endpoint}`);
  }

  /** A call whose answer says only that it worked: resolves once the object answers ok. */
  async #told(path: string, method = "POST", body?: string): Promise<void> {
    await this.#call(path, method, body);
  }

  /**
   * One call to the object and its JSON answer (`{}` for none), failed after `timeoutMs`, the
   * answer's body read within that time too. A `{ refused }` answer (bad vars) or a `{ error }`
   * with status 400 (another endpoint's object) becomes an HtxInputError; running out of
   * subrequests, the limit's error; anything else not ok, or an ok answer that is not JSON, an
   * Error that starts an outage. An ok answer that comes after the time limit goes to `late`.
   */
  async #call(
    path: string,
    method = "POST",
    body?: string,
    late?: (answer: AcquireAnswer) => void,
  ): Promise<AcquireAnswer> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new Error(`no answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
    });
    try {
      const request = new Request(`${OBJECT_ORIGIN}${path}`, { method, body });
      const stub = this.#stub;
      const answered = stub.fetch(request).then(async (response) => ({ response, answer: await answerOf(response) }));
      const { response, answer } = await Promise.race([answered, timeout]).catch((error: unknown) => {
        if (timedOut && late) answered.then(({ response, answer }) => response.ok && late(answer), () => {});
        if (isSubrequestLimit(error)) throw subrequestLimitError(this.#subrequests, error);
        if (this.#stub === stub) this.#stub = this.#newStub();
        throw error;
      });
      if (response.ok) return answer;
      if (typeof answer.refused === "string") {
        throw new HtxInputError(`The rate-limit Durable Object refuses its settings: ${answer.refused}`);
      }
      if (response.status === 400 && typeof answer.error === "string") {
        throw new HtxInputError(`The rate-limit Durable Object refuses this request: ${answer.error}`);
      }
      throw new Error(`HTTP ${response.status}${typeof answer.error === "string" ? `: ${answer.error}` : ""}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The object's answer: its JSON, `{}` for none (204). A failure's body that is not JSON (a 404's
 * text) is `{}` too; an ok one throws, as an object that is not ours would.
 */
async function answerOf(response: Response): Promise<AcquireAnswer> {
  if (response.status === 204) {
    await response.body?.cancel();
    return {};
  }
  if (response.ok) return (await response.json()) as AcquireAnswer;
  return (await response.json().catch(() => ({}))) as AcquireAnswer;
}
