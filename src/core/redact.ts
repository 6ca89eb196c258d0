/**
 * Redaction of credentials before anything leaves this module as text.
 *
 * A signed HTX URL is a credential: Signature V2 signs the query, not the body
 * (https://huobiapi.github.io/docs/spot/v1/en/#authentication), so anyone holding the URL can
 * replay it with any body until its timestamp expires.
 * So every URL, body snippet or foreign error we keep passes through here, and only when an
 * error is built: the hot path (signing, sending, reading a good answer) never calls it.
 */
import { REDACTED, redactSignedParams } from "./redact-url.ts";

export { REDACTED, redactUrl } from "./redact-url.ts";

/** Credentials shorter than this are not searched for: they would redact half a message for no gain. */
const MIN_SECRET_CHARS = 4;

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/-]/g;

/** `%2b` and `%2B`, once or twice encoded (`%252B`): the hex digits in either case. */
function percentForm(hex: string): string {
  const caseless = hex.replace(/[A-F]/g, (d) => `[${d}${d.toLowerCase()}]`);
  return `%(?:25)?${caseless}`;
}

/** The UTF-8 bytes of one character as upper-case hex pairs; none for a lone surrogate. */
function utf8Hex(char: string): string[] {
  const code = char.codePointAt(0)!;
  if (code < 0x80) return [code.toString(16).toUpperCase().padStart(2, "0")];
  try {
    return encodeURIComponent(char).slice(1).split("%");
  } catch {
    return [];
  }
}

/** Built once per character: building patterns, not matching them, is what costs. */
const characterPatterns = new Map<string, string>();

/**
 * One character of a secret in every form it takes in a URL, a form body or JSON text: as it
 * is, percent-encoded (upper- or lower-case hex, once or twice; this covers encodeURIComponent
 * and the RFC 3986 form that also encodes `!'()*`), space as `+` (form encoding), `+` as a
 * space (a form-decoded echo), `/` as `\/` (JSON).
 */
function characterPattern(char: string): string {
  let pattern = characterPatterns.get(char);
  if (pattern !== undefined) return pattern;
  const forms = [char.replace(REGEXP_SPECIAL, "\\$&")];
  const bytes = utf8Hex(char);
  if (bytes.length > 0) forms.push(bytes.map(percentForm).join(""));
  if (char === " ") forms.push("\\+");
  if (char === "+") forms.push(" ");
  if (char === "/") forms.push("\\\\/");
  pattern = `(?:${forms.join("|")})`;
  if (characterPatterns.size < 1024) characterPatterns.set(char, pattern);
  return pattern;
}

/** A matcher for every listed secret in every encoding, or undefined when there is none to look for. */
function secretsPattern(secrets: readonly string[]): RegExp | undefined {
  const patterns = secrets
    .filter((secret) => typeof secret === "string" && secret.length >= MIN_SECRET_CHARS)
    .map((secret) => [...secret].map(characterPattern).join(""));
  return patterns.length === 0 ? undefined : new RegExp(patterns.join("|"), "g");
}

/**
 * A function that redacts text as {@link redactText} does, for one set of secrets: the pattern
 * is built once, here, so build one per set of secrets and keep it.
 */
export function redactorFor(secrets: readonly string[]): (text: string) => string {
  const pattern = secretsPattern(secrets);
  return (text) => {
    const out = redactSignedParams(text);
    return pattern === undefined ? out : out.replace(pattern, REDACTED);
  };
}

/**
 * Replaces the values of `AccessKeyId` and `Signature` query parameters (also percent-encoded,
 * as in `Signature%3D…`), and each listed secret in every encoding it can appear in.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  return redactorFor(secrets)(text);
}

/** Longest redacted message, stack and description kept from a foreign value. */
const MAX_MESSAGE_CHARS = 1_000;
const MAX_STACK_CHARS = 4_000;
/** Longest foreign text read at all. */
const MAX_READ_CHARS = 1 << 20;
/** Links of a cause chain copied; deeper links are replaced by a marker. */
const MAX_CAUSE_DEPTH = 8;
/** Errors copied from one AggregateError; the rest are counted in a marker. */
const MAX_AGGREGATED = 10;
/** Errors copied from one thrown value in all, so that no foreign value can make the copy large. */
const MAX_COPIED_ERRORS = 50;

/** What a copy is being made with: one redactor, a budget of errors, the chain above. */
interface CopyContext {
  redact: (text: string) => string;
  budget: number;
  above: Set<unknown>;
}

/** Reads a property of a foreign value; a throwing getter or Proxy trap reads as undefined. */
function read(value: object | ((...args: never[]) => unknown), key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function isInstance(value: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  try {
    return typeof type === "function" && value instanceof type;
  } catch {
    return false;
  }
}

/** Errors from another realm (a vm context, a worker) fail `instanceof Error` but carry its tag. */
function isError(value: object): boolean {
  if (isInstance(value, Error)) return true;
  try {
    return Object.prototype.toString.call(value) === "[object Error]";
  } catch {
    return false;
  }
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Redacted first, cut after, so that no cut leaves half a secret unmatched; only absurd texts
 * are shortened before (to bound the work), far beyond what is kept.
 */
function clean(text: string, ctx: CopyContext, max: number): string {
  return cut(ctx.redact(text.length > MAX_READ_CHARS ? text.slice(0, MAX_READ_CHARS) : text), max);
}

function cleanString(value: unknown, ctx: CopyContext, max: number): string | undefined {
  return typeof value === "string" ? clean(value, ctx, max) : undefined;
}

/** The built-in constructors a copy keeps, so that `instanceof TypeError` still holds. */
const BUILT_IN_ERRORS = [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError] as const;

/** A fresh error of the original's built-in class (or Error), named as the original was. */
function freshError(original: object, name: string, message: string, errors: unknown[] | undefined): Error {
  const copy = errors !== undefined
    ? new AggregateError(errors, message)
    : new (BUILT_IN_ERRORS.find((type) => isInstance(original, type)) ?? Error)(message);
  if (copy.name !== name) {
    Object.defineProperty(copy, "name", { value: name, writable: true, configurable: true, enumerable: false });
  }
  return copy;
}

/** A marker where a copy stops: it says what was left out, and holds nothing foreign. */
function marker(text: string): Error {
  const error = new Error(text);
  error.stack = `Error: ${text}`;
  return error;
}

/** The AggregateError's inner errors, each copied, at most `MAX_AGGREGATED` of them. */
function copyAggregated(value: object, ctx: CopyContext, depth: number): unknown[] | undefined {
  if (!(isInstance(value, AggregateError) || read(value, "name") === "AggregateError")) return undefined;
  const errors = read(value, "errors");
  const count = Array.isArray(errors) ? read(errors, "length") : 0;
  if (typeof count !== "number" || !(count > 0)) return [];
  const copies: unknown[] = [];
  for (let i = 0; i < Math.min(count, MAX_AGGREGATED); i++) {
    copies.push(copyThrown(read(errors as object, String(i)), ctx, depth + 1));
  }
  if (count > MAX_AGGREGATED) copies.push(marker(`[${count - MAX_AGGREGATED} more errors cut]`));
  return copies;
}

/** Gives `copy` the next link of `value`'s chain: a copy, or a marker where the chain is cut or loops. */
function attachCause(copy: Error, value: object, ctx: CopyContext, depth: number): void {
  let has: boolean;
  try {
    has = "cause" in value;
  } catch {
    return;
  }
  if (!has) return;
  const cause = read(value, "cause");
  let copied: unknown;
  if (cause === value || ctx.above.has(cause)) copied = marker("[circular cause]");
  else if (depth >= MAX_CAUSE_DEPTH) copied = marker(`[cause chain cut: deeper than ${MAX_CAUSE_DEPTH} links]`);
  else {
    ctx.above.add(value);
    copied = copyThrown(cause, ctx, depth + 1);
    ctx.above.delete(value);
  }
  Object.defineProperty(copy, "cause", { value: copied, writable: true, configurable: true });
}

/** Gives `copy` the fields that tell failures apart: a string `code` (ECONNREFUSED…), `errno`, `syscall`. */
function attachCodes(copy: Error, value: object, ctx: CopyContext): void {
  const code = cleanString(read(value, "code"), ctx, 100);
  if (code !== undefined) Object.assign(copy, { code });
  const errno = read(value, "errno");
  if (typeof errno === "number" && Number.isFinite(errno)) Object.assign(copy, { errno });
  else if (typeof errno === "string") Object.assign(copy, { errno: cleanString(errno, ctx, 100) });
  const syscall = cleanString(read(value, "syscall"), ctx, 100);
  if (syscall !== undefined) Object.assign(copy, { syscall });
}

/**
 * A fresh Error made from a foreign one: name, redacted message and stack, its codes, the cause
 * chain and an AggregateError's errors, each copied the same way. Everything else (`url`,
 * `request`, `response`, `config`, `headers`, …) is dropped.
 */
function copyError(value: object, ctx: CopyContext, depth: number): Error {
  const name = cleanString(read(value, "name"), ctx, 100) || "Error";
  const message = cleanString(read(value, "message"), ctx, MAX_MESSAGE_CHARS) ?? "";
  const copy = freshError(value, name, message, copyAggregated(value, ctx, depth));
  attachCause(copy, value, ctx, depth);
  attachCodes(copy, value, ctx);
  copy.stack = cleanString(read(value, "stack"), ctx, MAX_STACK_CHARS) ?? `${name}: ${message}`;
  return copy;
}

/** A short description of a value that is not an Error (redacted by the caller). */
function describe(value: unknown): string {
  if (value === null || value === undefined) return `${value}, not an Error`;
  if (typeof value !== "object" && typeof value !== "function") {
    return `a ${typeof value}, not an Error: ${String(value)}`;
  }
  if (isInstance(value, URL)) return `a URL, not an Error: ${String(read(value, "href"))}`;
  if (typeof Request === "function" && isInstance(value, Request)) {
    return `a Request, not an Error: ${String(read(value, "method"))} ${String(read(value, "url"))}`;
  }
  const constructor = read(value, "constructor");
  const typeName = typeof constructor === "function" ? read(constructor, "name") : undefined;
  const message = read(value, "message");
  const what = `a${typeof value === "function" ? " function" : "n object"}` +
    (typeof typeName === "string" && typeName ? ` (${typeName})` : "");
  return `${what}, not an Error${typeof message === "string" ? `: ${message}` : ""}`;
}

/**
 * An Error standing for a value that is not one: its description as the message, and, from an
 * object, its codes and cause chain (some HTTP clients throw `{ code, message, cause }`).
 */
function copyNonError(value: unknown, ctx: CopyContext, depth: number): Error {
  const copy = marker(clean(describe(value), ctx, MAX_MESSAGE_CHARS));
  if ((typeof value === "object" && value !== null) || typeof value === "function") {
    attachCause(copy, value, ctx, depth);
    attachCodes(copy, value, ctx);
  }
  return copy;
}

/** Copies one value: a string stays a (redacted) string; anything else becomes an Error. */
function copyThrown(value: unknown, ctx: CopyContext, depth: number): unknown {
  if (typeof value === "string") return clean(value, ctx, MAX_MESSAGE_CHARS);
  if (ctx.budget-- <= 0) return marker(`[more than ${MAX_COPIED_ERRORS} errors: the rest cut]`);
  try {
    return typeof value === "object" && value !== null && isError(value)
      ? copyError(value, ctx, depth)
      : copyNonError(value, ctx, depth);
  } catch {
    return marker("[a value that could not be read]");
  }
}

/**
 * A copy of a thrown value that is safe to keep, log and inspect: never the value itself, whose
 * own properties (a foreign fetch's `url`, `request`, `config`…) may hold the signed URL. A
 * string comes back redacted; anything else as a fresh Error with a redacted message and stack,
 * its `code`/`errno`/`syscall`, its cause chain (cut after 8 links) and an AggregateError's
 * errors, each copied the same way. A value that is not an Error (a plain object, a URL, a
 * Request, a number) becomes an Error whose message describes it, redacted.
 */
export function redactCause(cause: unknown, secrets: readonly string[]): Error | string {
  const ctx: CopyContext = { redact: redactorFor(secrets), budget: MAX_COPIED_ERRORS, above: new Set() };
  return copyThrown(cause, ctx, 0) as Error | string;
}
