/**
 * How the simulator answers: HTX's envelopes and err-msg texts, HTML pages from the edge, and
 * JSON text whose 64-bit ids are written as numbers without passing through a JS number.
 * Every text says where it comes from; "illustrative" means no recorded HTX answer was found.
 */

/** err-msg texts. */
export const MSG = {
  // Recorded: HTX SDK issue threads (huobi_Java#75, ccxt#9189) and docs/htx-notes.md.
  unknownKey: "Signature not valid: Incorrect Access key [Access key错误]",
  badSignature: "Signature not valid: Verification failure [校验失败]",
  stale: "Signature not valid: Invalid submission time or incorrect time format [无效的提交时间，或时间格式错误]",
  // Recorded: HuobiRDCenter/huobi_Python#110 ("…[IP地址错误]:104.128.67.45"): the caller's IP follows.
  badIp: "Signature not valid: Incorrect IP address [IP地址错误]:",
  // Recorded: ccxt's htx exception table, quoting HTX's answers.
  rateLimit: "Frequency of requests has exceeded the limit, please try again later",
  gateway: "Failed to load data. Try again later.",
  notFound: "The record is not found.",
  orderState: "Incorrect order state",
  // Illustrative.
  missingAuth:
    "Signature parameters are missing: AccessKeyId, SignatureMethod, SignatureVersion, Timestamp and Signature are required.",
  badMethod: "Signature not valid: SignatureMethod must be HmacSHA256 and SignatureVersion 2",
  badMethodEd25519: "Signature not valid: SignatureMethod must be Ed25519 and SignatureVersion 2",
  permission: "Signature not valid: Insufficient API key permission",
  requestLimit: "invalid request limit",
  empty: "The order id list is empty.",
  recordInvalid: "Invalid record",
} as const;

/** err-msg of a per-order err-code, for refusals set up without one. */
export function perOrderMessage(errCode: string): string {
  const known: Record<string, string> = {
    "base-record-invalid": MSG.recordInvalid,
    "base-not-found": MSG.notFound,
    "order-orderstate-error": MSG.orderState,
  };
  return known[errCode] ?? errCode;
}

/** Bodies of the HTML pages the edge serves. */
const HTML_PAGES: Record<200 | 403 | 502 | 503, string> = {
  200:
    "<!DOCTYPE html><html><head><title>HTX</title></head><body><h1>System maintenance</h1><p>We will be back soon.</p></body></html>",
  403:
    "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been blocked</h1><p>Cloudflare Ray ID: 7f00000000000000</p></body></html>",
  502: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
  503:
    "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>",
};

/** A JSON number given as its digits, written as they are (64-bit ids). */
export class JsonDigits {
  /** @param digits A non-negative integer, as text. */
  constructor(readonly digits: string) {
    if (!/^(0|[1-9][0-9]*)$/.test(digits)) throw new TypeError(`not a JSON integer: ${JSON.stringify(digits)}`);
  }
}

/** `JSON.stringify` that writes {@link JsonDigits} as bare numbers (and skips undefined members). */
function jsonText(value: unknown): string {
  if (value instanceof JsonDigits) return value.digits;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const members = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The rate-limit headers of an answer. */
export interface RateHeaders {
  /** `X-HB-RateLimit-Requests-Remain`. */
  remain: number;
  /** `X-HB-RateLimit-Requests-Expire`, in the configured unit. */
  expire: number;
}

const JSON_TYPE = "application/json;charset=utf-8";

/** A JSON answer (HTX's `Content-Type`), with the rate-limit headers when the request was counted. */
export function jsonAnswer(body: unknown, rate?: RateHeaders, status = 200): Response {
  const headers = new Headers({ "Content-Type": JSON_TYPE });
  if (rate) setRateHeaders(headers, rate);
  return new Response(jsonText(body), { status, headers });
}

/** Sets `X-HB-RateLimit-Requests-Remain` and `-Expire`. */
export function setRateHeaders(headers: Headers, rate: RateHeaders): void {
  headers.set("X-HB-RateLimit-Requests-Remain", String(rate.remain));
  headers.set("X-HB-RateLimit-Requests-Expire", String(rate.expire));
}

/** HTX's error envelope: most carry `data: null`, some `ts` and no `data` (docs/htx-notes.md, "Answers"). */
export function envelopeBody(errCode: string, errMsg: string, ts?: number): Record<string, unknown> {
  return { status: "error", "err-code": errCode, "err-msg": errMsg, ...(ts === undefined ? { data: null } : { ts }) };
}

/** An HTML page with this status. */
export function htmlAnswer(status: 200 | 403 | 502 | 503): Response {
  return new Response(HTML_PAGES[status], { status, headers: { "Content-Type": "text/html" } });
}
