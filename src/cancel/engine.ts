/**
 * The cancel engine: ids → chunks of at most 50 → limiter → sign → send → account, with
 * retries. Every id settles to exactly one {@link IdOutcome}, which remembers whether any
 * attempt that carried the id may have been applied, so that a refusal found by a retry is
 * never passed off as "closed before this call".
 */
import type { HtxError } from "../core/errors.ts";
import { HtxResponseError } from "../http/request-errors.ts";
import { MAX_IDS_PER_REQUEST } from "../core/endpoints.ts";
import type { NormalizedIds } from "../core/input.ts";
import { type BatchCancelAnswer, type FailedCancel, isRateLimitError, isStaleTimestampError } from "../http/answers.ts";
import { type AttemptFailure, attemptOnce, type AttemptSetup, mayHaveBeenApplied } from "./attempt.ts";
import { failedOutcome } from "../core/failed-outcome.ts";
import type { IdOutcome } from "./outcome.ts";
import { sleep, untilAborted } from "../core/timers.ts";
import type { ServerClock } from "../http/clock.ts";

/** How failed attempts are retried, validated. */
export interface RetryPolicy {
  /** Extra attempts per request. */
  limit: number;
  /** First backoff in ms, doubled per attempt, with full jitter. */
  baseDelayMs: number;
  /** Longest backoff in ms. */
  maxDelayMs: number;
  /** How long to wait after a rate-limit answer: about one window. */
  afterRateLimitMs: number;
}

/** Everything the engine needs, fixed per client. */
export interface CancelEngine extends AttemptSetup {
  /** How failed attempts are retried. */
  retry: RetryPolicy;
  /** On a stale-timestamp answer, sync the clock and retry once. */
  syncTime: boolean;
}

/** Progress after each request settles: ids settled so far out of all ids. */
export type ProgressCallback = (progress: { done: number; total: number }) => unknown;

/** Per call: the caller's signal (optional) and progress callback. */
export interface RunOptions {
  /** Stops sending new requests and retries; requests in flight run to their answer or timeout. */
  signal?: AbortSignal;
  /** Called after each request settles; a throw or a rejected promise is ignored. */
  onProgress?: ProgressCallback;
}

/**
 * HTX answers `base-record-invalid` for an order placed a moment ago: asking again a little
 * later gets the real answer (docs/htx-notes.md, "Answers").
 */
const TRANSIENT_REFUSALS = new Set(["base-record-invalid"]);

/**
 * Cancels validated ids; never throws. The caller's signal gets one listener per call, however
 * many chunks there are; each chunk has its own controller, which passes that signal's abort on
 * (without a caller's signal, no chunk has one).
 * @returns every id's outcome, to merge with other runs' (e.g. a kill switch's later passes).
 */
export async function runCancels(
  engine: CancelEngine,
  { kind, ids }: NormalizedIds,
  { signal, onProgress }: RunOptions = {},
): Promise<Map<string, IdOutcome>> {
  const outcomes = new Map<string, IdOutcome>();
  const chunks = new Set<AbortController>();
  const onAbort = () => chunks.forEach((chunk) => chunk.abort(signal!.reason));
  signal?.addEventListener("abort", onAbort, { once: true });
  let done = 0;
  try {
    const work: Promise<void>[] = [];
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_REQUEST) {
      // A chunk's controller only passes the caller's abort on: without a caller's signal, none
      // (an AbortController costs Node about a tenth of a small call).
      const chunk = signal ? new AbortController() : undefined;
      if (chunk) {
        if (signal!.aborted) chunk.abort(signal!.reason);
        chunks.add(chunk);
      }
      work.push(
        cancelChunk(engine, { kind, ids: ids.slice(i, i + MAX_IDS_PER_REQUEST) }, chunk?.signal).then((settled) => {
          if (chunk) chunks.delete(chunk);
          for (const [id, outcome] of settled) outcomes.set(id, outcome);
          done += settled.size;
          report(onProgress, { done, total: ids.length });
        }),
      );
    }
    await Promise.all(work);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  return outcomes;
}

/** Calls the progress callback; neither its throw nor its rejected promise may cost the accounting. */
function report(onProgress: ProgressCallback | undefined, progress: { done: number; total: number }): void {
  try {
    const returned = onProgress?.(progress);
    if (typeof (returned as PromiseLike<unknown> | undefined)?.then === "function") {
      (returned as PromiseLike<unknown>).then(undefined, () => {});
    }
  } catch {
    // A failing progress callback must not cost the caller the accounting of their ids.
  }
}

/** What is known of one id while its chunk is being retried. */
interface IdRecord {
  /** Errors of the attempts that carried the id, oldest first. */
  errors: HtxError[];
  /** Whether any of those attempts may have been applied. */
  mayHaveBeenApplied: boolean;
  /** A transient refusal waiting for its retry; reported if no later answer comes. */
  refused?: FailedCancel;
}

/**
 * The records of one chunk's ids, made on first need: most ids are settled by their first
 * answer and never need one.
 */
class Records {
  readonly #byId = new Map<string, IdRecord>();

  /** The id's record, created blank if it has none. */
  of(id: string): IdRecord {
    let record = this.#byId.get(id);
    if (!record) this.#byId.set(id, record = { errors: [], mayHaveBeenApplied: false });
    return record;
  }

  /** Whether nothing was learnt about the id yet. */
  isBlank(id: string): boolean {
    const record = this.#byId.get(id);
    return record === undefined || (record.errors.length === 0 && record.refused === undefined);
  }

  /** Whether an attempt that carried the id may have been applied. */
  mayHaveBeenApplied(id: string): boolean {
    return this.#byId.get(id)?.mayHaveBeenApplied ?? false;
  }
}

/** Shared by every accepted id: it carries nothing of its own. */
const SUCCESS: IdOutcome = Object.freeze({ kind: "success" });

/** Sends one chunk, retrying as allowed; never throws. */
async function cancelChunk(engine: CancelEngine, chunk: NormalizedIds, signal: AbortSignal | undefined) {
  const records = new Records();
  const settled = new Map<string, IdOutcome>();
  let pending = chunk.ids;
  let lastError: HtxError | undefined;
  let synced = false;
  for (let attempt = 0; attempt <= engine.retry.limit && pending.length > 0; attempt++) {
    if (attempt > 0) {
      try {
        await sleep(backoffMs(engine.retry, attempt, lastError), signal);
      } catch {
        break; // aborted: the retry is not sent; what the earlier attempts said stands
      }
    }
    const result = await attemptOnce(engine, { kind: chunk.kind, ids: pending }, signal);
    if (result.error === undefined) {
      pending = account(chunk.kind, pending, result.answer, records, settled, attempt < engine.retry.limit);
      lastError = undefined;
      continue;
    }
    const { error, generation } = result;
    lastError = error;
    if (!result.sent) {
      // Not sent: it tells only ids that nothing else was learnt about yet. Asked again only when
      // it may pass (a signature that did not come in time): nothing left, so that is safe.
      recordError(pending.filter((id) => records.isBlank(id)), result, records);
      if (error.retryable) continue;
      break;
    }
    recordError(pending, result, records);
    if (isStaleTimestampError(error) && engine.syncTime && !synced) {
      synced = true;
      if (!(await syncUnlessAborted(engine.clock, generation, signal))) break;
      attempt--; // the resync's retry is not a "retry"
      continue;
    }
    if (!error.retryable) break;
  }
  for (const id of pending) settled.set(id, finalOutcome(records.of(id)));
  return settled;
}

/**
 * Syncs the clock; `false` when that failed or `signal` aborted first: a timestamp endpoint that
 * hangs must not hold the retry's ids (never sent) past the caller's abort or the kill switch's
 * deadline. The sync itself is shared with other chunks, and bounded by its own timeout.
 */
async function syncUnlessAborted(clock: ServerClock, generation: number, signal: AbortSignal | undefined) {
  if (!signal) return await clock.sync(generation);
  if (signal.aborted) return false;
  return await untilAborted(clock.sync(generation), signal).catch(() => false);
}

function recordError(ids: readonly string[], failure: AttemptFailure, records: Records): void {
  const { error } = failure;
  const applied = mayHaveBeenApplied(failure);
  for (const id of ids) {
    const record = records.of(id);
    record.errors.push(error);
    record.refused = undefined;
    if (applied) record.mayHaveBeenApplied = true;
  }
}

/**
 * Settles the ids an answer decides; returns the ids refused transiently, to send again.
 * @param retryable whether another attempt is left for transient refusals.
 */
function account(
  kind: NormalizedIds["kind"],
  sent: readonly string[],
  answer: BatchCancelAnswer,
  records: Records,
  settled: Map<string, IdOutcome>,
  retryable: boolean,
): string[] {
  const inRequest = new Set(sent);
  const decided = new Map<string, IdOutcome>();
  const again = new Set<string>();
  for (const id of answer.success) {
    if (inRequest.has(id)) decided.set(id, SUCCESS);
  }
  for (const failed of answer.failed) {
    const id = kind === "order" ? failed.orderId : failed.clientOrderId;
    if (id === undefined || !inRequest.has(id) || decided.has(id) || again.has(id)) continue;
    if (retryable && TRANSIENT_REFUSALS.has(failed.errCode)) {
      records.of(id).refused = failed;
      again.add(id);
    } else {
      decided.set(id, refusal(failed, records.mayHaveBeenApplied(id)));
    }
  }
  for (const id of sent) {
    if (!again.has(id)) settled.set(id, decided.get(id) ?? notMentioned(id, records.of(id)));
  }
  return [...again];
}

/** An id the answer does not mention: the answer arrived, so the cancel may have been applied. */
function notMentioned(id: string, record: IdRecord): IdOutcome {
  const error = new HtxResponseError(`HTX's answer does not mention id ${id}.`, {
    status: 200,
    bodySnippet: "",
    retryable: false,
  });
  return { kind: "unresolved", errors: [...record.errors, error], mayHaveBeenApplied: true };
}

function refusal(failed: FailedCancel, earlierMayHaveApplied: boolean): IdOutcome {
  const outcome = failedOutcome(failed.state, earlierMayHaveApplied);
  return {
    kind: "failed",
    failed: outcome === failed.outcome ? failed : { ...failed, outcome },
    mayHaveBeenApplied: earlierMayHaveApplied,
  };
}

/** An id still pending when its chunk stops: its last refusal, or its errors. */
function finalOutcome(record: IdRecord): IdOutcome {
  if (record.refused) return refusal(record.refused, record.mayHaveBeenApplied);
  return { kind: "unresolved", errors: record.errors, mayHaveBeenApplied: record.mayHaveBeenApplied };
}

/**
 * Exponential backoff with full jitter; a rate-limit answer waits for about the next window.
 * Listings (src/listing/) back off the same way.
 */
export function backoffMs(retry: RetryPolicy, attempt: number, error: HtxError | undefined): number {
  if (error && isRateLimitError(error)) return retry.afterRateLimitMs * (0.5 + Math.random() / 2);
  const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return cap / 2 + (Math.random() * cap) / 2;
}
