/**
 * The checks `new HtxClient` runs at once, kept apart from the id checks (src/core/input.ts) so that
 * `import { HtxClient }` loads only these: numbers in range, the base URL, and how a value is
 * described in a message without being echoed.
 */
import { HtxInputError } from "./errors.ts";

/** The longest delay `setTimeout` honours (2^31−1 ms); Node fires longer ones after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647; // 2 ** 31 − 1, written out so that bundlers inline it

/** Shows a caller's value in a message: cut at `max` characters, quoted, control characters escaped. */
export function show(value: unknown, max = 70): string {
  const text = typeof value === "string" ? value : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

/**
 * Whether `value` is a finite number from `min` to `max`, and a whole one when `integer`: the
 * one range check of every numeric option (each caller says in its own words what to pass).
 */
export function isNumberInRange(value: unknown, min: number, max: number, integer: boolean): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max &&
    (!integer || Number.isInteger(value));
}

/** What {@link describe} may show of a value besides its kind; by default nothing. */
export interface DescribeOptions {
  /** Shows numbers, booleans, `undefined` and functions as they print (`NaN`, `-1`), not "a number". */
  readonly printPrimitives?: boolean;
  /** Names `""` "an empty string". */
  readonly emptyString?: boolean;
  /** Names an object that is not a plain one by its tag: "a Map", "a Uint8Array". */
  readonly objectTag?: boolean;
}

/**
 * What a value is for an error message, never what it holds unless `options` say so: `undefined`
 * and `null` by name, else its kind ("a number", "an array", "an object").
 */
export function describe(value: unknown, options: DescribeOptions = {}): string {
  if (value === null) return "null";
  if (typeof value === "string") {
    return value === "" && options.emptyString ? "an empty string" : "a string";
  }
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return options.objectTag ? objectKind(value) : "an object";
  if (options.printPrimitives) return String(value);
  return value === undefined ? "undefined" : `a ${typeof value}`;
}

/** "an object" for a plain object, else its tag: "a Map", "a Uint8Array". */
export function objectKind(value: object): string {
  let type = "Object";
  try {
    type = Object.prototype.toString.call(value).slice(8, -1);
  } catch {
    // A Proxy whose traps throw: "an object" says enough.
  }
  return type === "Object" ? "an object" : `a ${type}`;
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Checks a base URL: https, or http only for loopback (a signed URL is a credential and must
 * not cross a network in clear). No path, query, fragment or credentials: HTX serves its API
 * at the root, and anything else would change the signed path.
 * @returns the origin, e.g. `https://api.huobi.pro`.
 */
export function validateBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== "string" && !(baseUrl instanceof URL)) {
    throw new HtxInputError(`baseUrl must be a URL string, got ${describe(baseUrl)}.`);
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new HtxInputError(`baseUrl ${show(String(baseUrl))} is not a valid URL.`);
  }
  if (url.username || url.password) {
    throw new HtxInputError("baseUrl must not contain a user name or password.");
  }
  const shown = `${url.protocol}//${url.host}`;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOST.test(url.hostname))) {
    throw new HtxInputError(
      `baseUrl ${show(shown)} must use https: (http: is allowed only for loopback hosts: ` +
        `localhost, 127.0.0.0/8, [::1]).`,
    );
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    throw new HtxInputError(
      `baseUrl must be an origin such as "https://api.huobi.pro", without a path, query or ` +
        `fragment.`,
    );
  }
  return url.origin;
}
