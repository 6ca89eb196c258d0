/**
 * `--dry-run` of a cancel by id: every request signed and printed, credentials redacted, nothing
 * sent; as text, or with `--json` as `{ dryRun, ids, requests: [{ method, url, headers, body }] }`.
 */
import type { ValidCredentials } from "../signing/credentials.ts";
import { createSigningKey } from "../signing/keys.ts";
import { createEndpointSigner } from "../signing/sign.ts";
import { validateBaseUrl } from "../core/checks.ts";
import { BATCH_CANCEL_PATH, DEFAULT_BASE_URL, MAX_IDS_PER_REQUEST } from "../core/endpoints.ts";
import { type BatchCancelInput, normalizeIds } from "../core/input.ts";
import { redactUrl } from "../core/redact-url.ts";
import { batchCancelBody } from "../http/request.ts";
import { plural, type Streams } from "./output.ts";

/** One request as a dry run shows it: the URL redacted, the body as sent. */
interface ShownRequest {
  method: "POST";
  url: string;
  headers: { "Content-Type": "application/json" };
  body: string;
}

/** Signs every request of `input`, printing nothing until all are signed (a key that cannot sign is an error alone). */
async function signedRequests(
  input: BatchCancelInput,
  keys: ValidCredentials,
  baseUrl: string | undefined,
): Promise<{ ids: number; requests: ShownRequest[] }> {
  const { kind, ids } = normalizeIds(input);
  const origin = validateBaseUrl(baseUrl ?? DEFAULT_BASE_URL);
  // The key is imported and the signer built once, for every chunk. Printed from the URL and
  // body themselves: a `Request` would load Node's fetch stack (~30 ms).
  const sign = createEndpointSigner("POST", `${origin}${BATCH_CANCEL_PATH}`, keys.accessKey, createSigningKey(keys));
  const requests: ShownRequest[] = [];
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_REQUEST) {
    const body = batchCancelBody({ kind, ids: ids.slice(i, i + MAX_IDS_PER_REQUEST) });
    const url = redactUrl(await sign(Date.now()));
    requests.push({ method: "POST", url, headers: { "Content-Type": "application/json" }, body });
  }
  return { ids: ids.length, requests };
}

/** Prints the signed requests of `input`; exit code 0. */
export async function dryRun(
  input: BatchCancelInput,
  options: { keys: ValidCredentials; baseUrl: string | undefined; json: boolean },
  streams: Streams,
): Promise<0> {
  const { ids, requests } = await signedRequests(input, options.keys, options.baseUrl);
  if (options.json) {
    const shown = requests.map((request) => ({ ...request, body: JSON.parse(request.body) as unknown }));
    streams.out(`${JSON.stringify({ dryRun: true, ids, requests: shown }, null, 2)}\n`);
    return 0;
  }
  streams.out(`Dry run: ${plural(ids, "id")} in ${plural(requests.length, "request")}; nothing is sent.\n`);
  for (const { method, url, headers, body } of requests) {
    streams.out(`\n${method} ${url}\nContent-Type: ${headers["Content-Type"]}\n${body}\n`);
  }
  return 0;
}
