/**
 * Re-signing a replayed request. A recorded pact holds the consumer's AccessKeyId, a timestamp
 * long past and a signature for another host: the simulator, like HTX, refuses all three. The
 * request is signed again for the loopback server's host, the kit's key and now, with the method
 * the consumer used (HmacSHA256 or Ed25519), keeping every business parameter (a GET's
 * `account-id`, `symbol`, … are signed too: HTX signs the whole query,
 * https://huobiapi.github.io/docs/spot/v1/en/#authentication).
 */
import type { Credentials } from "../../signing/credentials.ts";
import { signUrl } from "../../signing/sign.ts";

/** The parameters Signature V2 adds; everything else in the query is the caller's own. */
const AUTH_PARAMS = ["AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp", "Signature"];

/** What a replayed request is signed with, and for which server. */
export interface ResignTarget {
  /** The simulator's origin, e.g. `http://127.0.0.1:41234`: its host is part of the signed text. */
  baseUrl: string;
  /** The key for the recorded `SignatureMethod` (`Ed25519`, else HmacSHA256). */
  credentials(signatureMethod: string | null): Credentials | Promise<Credentials>;
  /** Epoch ms to sign with: the simulator's clock. */
  now: number;
}

/**
 * The path and query to send instead of `pathAndQuery` (as a proxy sees it, `/v1/…?…`). A request
 * the consumer did not sign (no `AccessKeyId`, no `Signature`: a public endpoint, or a pact that
 * pins HTX's `login-required` answer) is left as it is.
 */
export async function resignPathAndQuery(method: string, pathAndQuery: string, target: ResignTarget): Promise<string> {
  const url = new URL(pathAndQuery, target.baseUrl);
  if (!url.searchParams.has("AccessKeyId") && !url.searchParams.has("Signature")) return pathAndQuery;
  const credentials = await target.credentials(url.searchParams.get("SignatureMethod"));
  for (const name of AUTH_PARAMS) url.searchParams.delete(name);
  const signed = new URL(await signUrl({ method, url, timestamp: target.now, ...credentials }));
  return `${signed.pathname}${signed.search}`;
}
