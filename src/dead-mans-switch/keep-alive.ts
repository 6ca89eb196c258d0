/**
 * The keep-alive of HTX's dead man's switch: arm once, refresh every `refreshMs`, disarm on
 * `stop()`. A failed refresh is reported and the next one still goes out; a refresh that would
 * land after the trigger time is reported as a lapse (HTX may then have cancelled the orders).
 * The refresh timer never keeps a process alive on its own: a bot that exits stops refreshing,
 * which is the point of the switch.
 */
import { HtxError } from "../core/errors.ts";
import { unrefTimer } from "../core/timers.ts";
import { MAX_TIMER_MS } from "../core/checks.ts";
import { type CancelAllAfterResult, sendCancelAllAfter, type SwitchSetup } from "./cancel-all-after.ts";

/** What `onError` is told besides the error. */
export interface DeadMansSwitchErrorInfo {
  /**
   * `true` when the switch may have fired: a refresh would land (or landed) after the trigger
   * time, so HTX may have cancelled the orders. The keep-alive keeps trying either way.
   */
  lapsed: boolean;
  /** The latest trigger time HTX confirmed, epoch ms (HTX's clock). */
  triggerTime: number;
}

/** The checked options of {@link startKeepAlive}. */
export interface KeepAliveOptions {
  timeoutSeconds: number;
  refreshMs: number;
  onError: ((error: HtxError, info: DeadMansSwitchErrorInfo) => unknown) | undefined;
  signal: AbortSignal | undefined;
}

/** A switch kept armed: its latest trigger time, and how to disarm it. */
export interface DeadMansSwitch {
  /** When HTX cancels unless refreshed, epoch ms (HTX's clock), as last confirmed; `0` once disarmed. */
  readonly triggerTime: number;
  /**
   * Stops refreshing and disarms (timeout 0). A refresh already sent is waited for first, so
   * that it cannot arm the switch again after the disarm. Resolves with HTX's answer once HTX
   * confirmed; rejects with the disarm's error (the switch may then still be armed, and a later
   * `stop()` tries again). Calls while one is under way share its promise.
   */
  stop(): Promise<CancelAllAfterResult>;
  /** `await using` support: `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const lapseError = (triggerTime: number, late: boolean) =>
  new HtxError(
    late
      ? `The dead man's switch was not refreshed before its trigger time (${new Date(triggerTime).toISOString()}): ` +
        "HTX may have cancelled the open orders. Refreshing again."
      : `The next refresh of the dead man's switch lands after its trigger time (${
        new Date(triggerTime).toISOString()
      }): HTX may cancel the open orders first. Lower refreshMs or raise timeoutSeconds.`,
    true,
  );

/** One switch's loop: the timer, the refresh in flight, and the local time of the trigger. */
class KeepAlive implements DeadMansSwitch {
  #triggerTime = 0;
  /** The trigger on the local clock: the send time of the last accepted call plus HTX's remaining time. */
  #deadline = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Fires at the trigger time while a refresh is unanswered: that refresh may land too late. */
  #lapseWatch: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<void> | undefined;
  #stopping: Promise<CancelAllAfterResult> | undefined;
  #halted = false;
  readonly #never = new AbortController().signal;
  /** On the caller's signal while armed; removed once halted, so a stopped switch is not kept reachable. */
  readonly #onAbort = () => this.#halt();
  // Private: the setup holds the key, which no inspection of this object may show.
  readonly #setup: SwitchSetup;
  readonly #options: KeepAliveOptions;

  constructor(setup: SwitchSetup, options: KeepAliveOptions) {
    this.#setup = setup;
    this.#options = options;
  }

  get triggerTime(): number {
    return this.#triggerTime;
  }

  /** The client's clock (its `now` option), local time. */
  #now(): number {
    return this.#setup.engine.clock.local();
  }

  /** Arms once; rejects with HTX's or the transport's error. */
  async arm(): Promise<void> {
    const { signal } = this.#options;
    const sentAt = this.#now();
    this.#accept(await sendCancelAllAfter(this.#setup, this.#options.timeoutSeconds, signal ?? this.#never), sentAt);
    if (this.#halted) return;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (signal?.aborted) this.#halt();
    this.#schedule(sentAt);
  }

  /** Records an accepted call sent at local time `sentAt`. */
  #accept(result: CancelAllAfterResult, sentAt: number): void {
    this.#triggerTime = result.triggerTime;
    // Counted from the send: HTX's timeout started no earlier, whatever the clocks say.
    this.#deadline = sentAt + (result.triggerTime - result.currentTime);
  }

  #report(error: HtxError, lapsed: boolean): void {
    try {
      const returned = this.#options.onError?.(error, { lapsed, triggerTime: this.#triggerTime });
      if (returned instanceof Promise) returned.catch(() => {});
    } catch {
      // A throwing onError must not stop the refreshes.
    }
  }

  /** The next refresh, `refreshMs` after the last one was sent (or at once, when that has passed). */
  #schedule(lastSentAt: number): void {
    if (this.#halted) return;
    const at = lastSentAt + this.#options.refreshMs;
    if (at > this.#deadline) this.#report(lapseError(this.#triggerTime, false), true);
    this.#timer = setTimeout(() => this.#refresh(), Math.max(0, at - this.#now()));
    unrefTimer(this.#timer);
  }

  #refresh(): void {
    const sentAt = this.#now();
    if (sentAt > this.#deadline) this.#report(lapseError(this.#triggerTime, true), true);
    else this.#watchForLapse(this.#deadline - sentAt);
    this.#refreshing = sendCancelAllAfter(this.#setup, this.#options.timeoutSeconds, this.#never).then(
      (result) => {
        if (!this.#halted) this.#accept(result, sentAt);
      },
      (error: unknown) => {
        const failure = error instanceof HtxError ? error : new HtxError("The refresh failed.", true, { cause: error });
        if (!this.#halted) this.#report(failure, this.#now() > this.#deadline);
      },
    ).finally(() => {
      clearTimeout(this.#lapseWatch);
      this.#refreshing = undefined;
      this.#schedule(sentAt);
    });
  }

  /**
   * A refresh still unanswered when the trigger time comes may reach HTX after it (a slow network,
   * an answer held by retries): reported then, not when the refresh at last settles.
   */
  #watchForLapse(inMs: number): void {
    this.#lapseWatch = setTimeout(() => {
      if (!this.#halted) this.#report(lapseError(this.#triggerTime, true), true);
    }, Math.min(inMs, MAX_TIMER_MS));
    unrefTimer(this.#lapseWatch);
  }

  /** No more refreshes; the switch stays as HTX has it. */
  #halt(): void {
    this.#halted = true;
    clearTimeout(this.#timer);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
  }

  stop(): Promise<CancelAllAfterResult> {
    this.#halt();
    return this.#stopping ??= (async () => {
      // A refresh in flight could land after the disarm and arm the switch again: wait for it.
      await this.#refreshing;
      try {
        const result = await sendCancelAllAfter(this.#setup, 0, this.#never);
        this.#triggerTime = 0;
        return result;
      } catch (error) {
        this.#stopping = undefined; // a later stop() tries again
        throw error;
      }
    })();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/**
 * Arms the switch and keeps it armed until `stop()` (or the caller's signal, which stops the
 * refreshes and leaves the switch armed: HTX then cancels at the trigger time).
 * @throws {HtxError} when the first arming failed: nothing is left running.
 */
export async function startKeepAlive(setup: SwitchSetup, options: KeepAliveOptions): Promise<DeadMansSwitch> {
  const keepAlive = new KeepAlive(setup, options);
  await keepAlive.arm();
  return keepAlive;
}
