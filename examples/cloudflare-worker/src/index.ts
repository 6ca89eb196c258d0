/**
 * A kill switch as a Cloudflare Worker: `POST /cancel` with `{ "orderIds": [...] }` (or
 * `clientOrderIds`) and `Authorization: Bearer <KILL_SWITCH_TOKEN>` cancels the orders and
 * answers the full result as JSON, every id accounted for. Keys come from Worker secrets:
 *
 *   wrangler secret put HTX_ACCESS_KEY
 *   wrangler secret put HTX_SECRET_KEY
 *   wrangler secret put KILL_SWITCH_TOKEN
 */
import { HtxClient, HtxInputError } from "htx-batch-cancel";

export interface Env {
  HTX_ACCESS_KEY: string;
  HTX_SECRET_KEY: string;
  KILL_SWITCH_TOKEN: string;
  /** Optional: another HTX host, e.g. https://api-aws.huobi.pro. */
  HTX_BASE_URL?: string;
}

const encoder = new TextEncoder();

/** Compares two strings in constant time, by their SHA-256 digests (equal lengths, no early exit). */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([given, expected].map((s) => crypto.subtle.digest("SHA-256", encoder.encode(s))));
  const x = new Uint8Array(a!);
  const y = new Uint8Array(b!);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

function problem(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== "/cancel") return problem(404, "Not found: POST /cancel");
    if (request.method !== "POST") return problem(405, "Use POST /cancel");
    if (!env.KILL_SWITCH_TOKEN) return problem(500, "KILL_SWITCH_TOKEN is not set");
    const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
    if (!(await sameSecret(token, env.KILL_SWITCH_TOKEN))) return problem(401, "Missing or wrong bearer token");

    let input: unknown;
    try {
      input = await request.json();
    } catch {
      return problem(400, 'Body must be JSON: {"orderIds": ["…"]} or {"clientOrderIds": ["…"]}');
    }
    try {
      const htx = new HtxClient({
        accessKey: env.HTX_ACCESS_KEY,
        secretKey: env.HTX_SECRET_KEY,
        baseUrl: env.HTX_BASE_URL,
      });
      return Response.json(await htx.batchCancel(input as never));
    } catch (error) {
      if (error instanceof HtxInputError) return problem(400, error.message);
      throw error;
    }
  },
};
