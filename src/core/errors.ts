/**
 * One error class per concern, each with a literal `name`, a `retryable` flag and the original
 * `cause`. Requests are attached as `{ method, url }` with the URL already redacted: no error of
 * this module ever holds a secret, an AccessKeyId or a Signature. The errors of a request's
 * outcome are in src/http/request-errors.ts: `new HtxClient` needs only these two.
 */

/** The request an error belongs to, safe to log: its URL has AccessKeyId and Signature redacted. */
export interface RedactedRequest {
  /** HTTP method. */
  readonly method: string;
  /** The URL with `AccessKeyId` and `Signature` redacted. */
  readonly url: string;
}

/** Options shared by every error's constructor. */
export interface HtxErrorOptions {
  /** The underlying error or value; kept as it is unless it shows a credential. */
  cause?: unknown;
  /** The request, already redacted (see `redactUrl`). */
  request?: RedactedRequest;
}

/** Base class of every error this module throws or reports. */
export class HtxError extends Error {
  /** The class's name, a literal per class. */
  override name: string = "HtxError";
  /** `true` when sending the same cancel again may succeed (network, timeout, 5xx, rate limit). */
  readonly retryable: boolean;
  /** The request that failed, with credentials redacted; absent for input errors. */
  readonly request?: RedactedRequest;

  /**
   * Creates the error; subclasses fix `retryable` where it follows from the kind.
   * @param message What happened and what to do.
   * @param retryable Whether sending again may succeed.
   * @param options `cause` and the redacted `request`.
   */
  constructor(message: string, retryable: boolean, options: HtxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = retryable;
    // A plain copy: the error keeps the redacted URL only, never what it was made from.
    if (options.request) this.request = { method: options.request.method, url: options.request.url };
  }

  /** A plain object for `JSON.stringify`: name, message, and the fields that say what happened. */
  toJSON(): Record<string, unknown> {
    const { stack: _stack, cause: _cause, ...fields } = this;
    return { ...fields, name: this.name, message: this.message };
  }
}

/**
 * The caller's input or set-up is wrong (an option, an id, a key, a runtime without `fetch` or
 * Ed25519, a broken install); nothing was sent. The message says what to fix.
 */
export class HtxInputError extends HtxError {
  /** Always `"HtxInputError"`. */
  override name = "HtxInputError" as const;
  /**
   * Creates the error.
   * @param message What is wrong and what to pass instead.
   */
  constructor(message: string, options: HtxErrorOptions = {}) {
    super(message, false, options);
  }
}
