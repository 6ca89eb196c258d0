/**
 * The errors of a request's outcome: HTX's error envelope, an HTTP status, the network, a
 * timeout, an abort, an answer of the wrong shape (src/core/errors.ts has the base class).
 */
import { HtxError, type HtxErrorOptions } from "../core/errors.ts";

/** HTX answered with its error envelope (`status: "error"`), usually with HTTP 200. */
export class HtxApiError extends HtxError {
  /** Always `"HtxApiError"`. */
  override name = "HtxApiError" as const;
  /** HTX's `err-code`, e.g. `api-signature-not-valid`. */
  readonly errCode: string;
  /** HTX's `err-msg`. */
  readonly errMsg: string;
  /** The HTTP status the envelope came with (HTX uses 200 for business errors). */
  readonly httpStatus: number;

  /**
   * Creates the error.
   * @param message What happened.
   * @param fields HTX's `err-code` and `err-msg`, the HTTP status, and whether a retry may help.
   */
  constructor(
    message: string,
    fields: { errCode: string; errMsg: string; httpStatus: number; retryable: boolean },
    options: HtxErrorOptions = {},
  ) {
    super(message, fields.retryable, options);
    this.errCode = fields.errCode;
    this.errMsg = fields.errMsg;
    this.httpStatus = fields.httpStatus;
  }
}

/** An HTTP status that is not a usable answer: 3xx (never followed), 4xx, 5xx, often an HTML page. */
export class HtxHttpError extends HtxError {
  /** Always `"HtxHttpError"`. */
  override name = "HtxHttpError" as const;
  /** The HTTP status (0 for an opaque redirect). */
  readonly status: number;
  /** The start of the body, whitespace folded, credentials redacted. */
  readonly bodySnippet: string;

  /**
   * Creates the error.
   * @param message What happened.
   * @param fields The status, the start of the body, and whether a retry may help.
   */
  constructor(
    message: string,
    fields: { status: number; bodySnippet: string; retryable: boolean },
    options: HtxErrorOptions = {},
  ) {
    super(message, fields.retryable, options);
    this.status = fields.status;
    this.bodySnippet = fields.bodySnippet;
  }
}

/** How many links of a cause chain are searched for a `code`. */
const MAX_CAUSE_DEPTH = 8;

/**
 * The first string `code` along a cause chain (`error.code`, `error.cause.code`, …), e.g.
 * `ECONNREFUSED` from undici's `TypeError: fetch failed` whose cause holds the socket error.
 */
function causeCode(cause: unknown): string | undefined {
  let current = cause;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth++) {
    if (typeof current !== "object" || current === null) return undefined;
    const { code } = current as { code?: unknown };
    if (typeof code === "string" && code !== "") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The request did not get a complete answer: connection refused or dropped, DNS, TLS. Whether
 * the cancel was applied depends on when it broke; `code` tells (see `mayHaveBeenApplied`).
 */
export class HtxNetworkError extends HtxError {
  /** Always `"HtxNetworkError"`. */
  override name = "HtxNetworkError" as const;
  /**
   * The cause's code where the runtime gave one: `ECONNREFUSED`, `ENOTFOUND`, `EAI_AGAIN`,
   * `ECONNRESET`, `UND_ERR_SOCKET`, `UND_ERR_CONNECT_TIMEOUT`, `CERT_HAS_EXPIRED`, …
   */
  readonly code?: string;
  /**
   * Creates the error; the message gets the cause's code appended, e.g. `… arrived (ECONNREFUSED).`
   * @param message What failed.
   * @param options `cause` (already redacted) and the redacted `request`.
   */
  constructor(message: string, options: HtxErrorOptions = {}) {
    const code = causeCode(options.cause);
    super(code === undefined ? message : `${message.replace(/\.$/, "")} (${code}).`, true, options);
    if (code !== undefined) this.code = code;
  }
}

/** No complete answer within `timeoutMs`. Outcome unknown: the cancel may have been applied. */
export class HtxTimeoutError extends HtxError {
  /** Always `"HtxTimeoutError"`. */
  override name = "HtxTimeoutError" as const;
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * Creates the error.
   * @param message What timed out.
   * @param timeoutMs The limit that was exceeded.
   */
  constructor(message: string, timeoutMs: number, options: HtxErrorOptions = {}) {
    super(message, true, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `signal` aborted before this request was sent: it was not sent. */
export class HtxAbortError extends HtxError {
  /** Always `"HtxAbortError"`. */
  override name = "HtxAbortError" as const;
  /**
   * Creates the error.
   * @param message What was not sent.
   */
  constructor(message: string, options: HtxErrorOptions = {}) {
    super(message, false, options);
  }
}

/** The answer was not what HTX sends: empty, not JSON, or JSON of the wrong shape. */
export class HtxResponseError extends HtxError {
  /** Always `"HtxResponseError"`. */
  override name = "HtxResponseError" as const;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** Where the JSON did not fit the schema, as `path: message` lines (valibot issues). */
  readonly issues: readonly string[];
  /** The start of the body, whitespace folded, credentials redacted. */
  readonly bodySnippet: string;

  /**
   * Creates the error.
   * @param message What is wrong with the answer.
   * @param fields The status, schema issues, the start of the body, and whether a retry may help.
   */
  constructor(
    message: string,
    fields: { status: number; issues?: readonly string[]; bodySnippet: string; retryable: boolean },
    options: HtxErrorOptions = {},
  ) {
    super(message, fields.retryable, options);
    this.status = fields.status;
    this.issues = fields.issues ?? [];
    this.bodySnippet = fields.bodySnippet;
  }
}
