/** Timers: a deadline around one piece of work, a signal with a time limit, and an abortable pause. */

/**
 * Runs `work`, failing it with `timeoutError()` after `ms` even if the work ignores
 * `controller`'s signal (which is aborted with the same error).
 */
export async function withTimeout<T>(
  ms: number,
  controller: AbortController,
  timeoutError: () => Error,
  work: () => Promise<T>,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = timeoutError();
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves after `ms`, or as soon as `wake` (if given) aborts; rejects with the signal's reason
 * as soon as `signal` (if given) aborts.
 */
export function sleep(ms: number, signal: AbortSignal | undefined, wake?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function stop() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      wake?.removeEventListener("abort", done);
    }
    function done() {
      stop();
      resolve();
    }
    function onAbort() {
      stop();
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    wake?.addEventListener("abort", done, { once: true });
  });
}

/**
 * `promise`, or a rejection with `signal`'s reason as soon as `signal` aborts: for a wait on
 * work this caller does not own (another caller's lookup), which its signal cannot stop.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * A signal that aborts with `caller`'s reason when it aborts, or after `ms` (never for
 * `Infinity`) with `reason()`; `timedOut` says whether the time ran out. Call `dispose()` when done.
 */
export function timeLimit(ms: number, caller: AbortSignal | undefined, reason: () => unknown = () => undefined) {
  const stop = new AbortController();
  let timedOut = false;
  const timer = ms === Infinity ? undefined : setTimeout(() => {
    timedOut = true;
    stop.abort(reason());
  }, ms);
  const onAbort = () => stop.abort(caller!.reason);
  if (caller?.aborted) onAbort();
  caller?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: stop.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      caller?.removeEventListener("abort", onAbort);
    },
  };
}

/**
 * Lets the process exit while `timer` is pending: Node's and Bun's timers have `unref()`, Deno
 * has `Deno.unrefTimer(id)`; elsewhere (browsers, Workers) nothing keeps a process alive anyway.
 */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  const handle = timer as unknown as { unref?: () => unknown };
  if (typeof handle === "object" && handle !== null && typeof handle.unref === "function") {
    handle.unref();
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
  if (typeof timer === "number" && typeof deno?.unrefTimer === "function") deno.unrefTimer(timer);
}
