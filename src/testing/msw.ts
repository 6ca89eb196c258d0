/**
 * msw request handlers over a simulator: a user's own tests of their trading code reach "HTX"
 * (timestamp, accounts, open orders, batch cancel) without a network. msw is an optional peer
 * dependency; only this file imports it.
 *
 * ```ts
 * import { setupServer } from "msw/node";
 * import { HtxClient } from "@htx-tools/batch-cancel";
 * import { htxHandlers } from "@htx-tools/batch-cancel/msw";
 * import { createHtxSimulator, DEMO_ACCOUNT } from "@htx-tools/batch-cancel/testing";
 *
 * const sim = createHtxSimulator({ orders: [{ uid: 1, orderId: "1001", state: "submitted" }] });
 * const server = setupServer(...htxHandlers(sim));
 * server.listen();
 * // Code that calls https://api.huobi.pro with the global fetch now reaches the simulator:
 * const htx = new HtxClient({ accessKey: DEMO_ACCOUNT.accessKey, secretKey: DEMO_ACCOUNT.secretKey });
 * await htx.batchCancel({ orderIds: ["1001"] });
 * server.close();
 * ```
 *
 * On npm: `htx-batch-cancel/msw`.
 *
 * @module
 */
import { http, type HttpHandler, HttpResponse } from "msw";
import { createHtxSimulator } from "./simulator.ts";
import type { HtxSimulator, SimulatedAccount, SimulatedUserAccount } from "./types.ts";

/** HTX's two spot API hosts. */
export const HTX_HOSTS: readonly string[] = ["https://api.huobi.pro", "https://api-aws.huobi.pro"];

/** Options of {@link htxHandlers}. */
export interface HtxHandlerOptions {
  /** The caller's IP the simulator sees (msw knows none); default the simulator's `defaultClientIp`. */
  clientIp?: string;
}

/**
 * Handlers that route every request to HTX's hosts (or `hosts`) to `simulator.fetch`.
 * A simulated dropped connection becomes msw's network error.
 */
export function htxHandlers(
  simulator: Pick<HtxSimulator, "fetch">,
  hosts: readonly string[] = HTX_HOSTS,
  options: HtxHandlerOptions = {},
): HttpHandler[] {
  const info = options.clientIp === undefined ? undefined : { clientIp: options.clientIp };
  return hosts.map((host) =>
    http.all(`${host}/*`, async ({ request }) => {
      try {
        return await simulator.fetch(request, info);
      } catch {
        return HttpResponse.error();
      }
    })
  );
}

/** A recorded answer: status, headers, and a JSON `body` or a raw `text`. */
export interface RecordedAnswer {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers?: Record<string, string>;
  /** A JSON body. */
  body?: unknown;
  /** A raw body (HTML, truncated JSON, empty). */
  text?: string;
}

/** The request a recorded answer belongs to. */
export interface RecordedRequest {
  /** `GET` or `POST`. */
  method: string;
  /** The path, without the query. */
  path: string;
  /** The JSON body it was sent with, if any. */
  body?: unknown;
  /** Its business query parameters (a GET's), if any. */
  query?: Record<string, string>;
}

/** Options of {@link recordedAnswerHandlers}. */
export interface RecordedAnswerOptions {
  /** Default HTX's two hosts. */
  hosts?: readonly string[];
  /** API keys the requests must be signed with; default `DEMO_ACCOUNT`. */
  accounts?: SimulatedAccount[];
  /** The UIDs' accounts a recorded listing's `account-id` must name; default one spot account per UID. */
  userAccounts?: SimulatedUserAccount[];
  /** The clock the Timestamp is checked against; default `Date.now`. */
  now?: () => number;
}

/** What differs between a request and the one recorded, or undefined. */
async function mismatch(request: Request, recorded: RecordedRequest): Promise<string | undefined> {
  if (recorded.body !== undefined) {
    const sent = await request.clone().text();
    if (sent !== JSON.stringify(recorded.body)) {
      return `body ${sent} is not the recorded ${JSON.stringify(recorded.body)}`;
    }
  }
  const query = new URL(request.url).searchParams;
  for (const [name, value] of Object.entries(recorded.query ?? {})) {
    if (query.get(name) !== value) return `query parameter ${name}=${query.get(name)} is not the recorded ${value}`;
  }
  return undefined;
}

/**
 * Handlers that answer `method path` on HTX's hosts with a recorded answer (a fixture's
 * `response`), for tests that pin one exact answer rather than simulate state. The request is
 * checked first as the simulator checks it (signature, key, timestamp, Content-Type, body
 * rules): a request HTX would refuse gets the simulator's refusal, not the recording. A
 * request that differs from the recorded one gets HTTP 501 saying how.
 */
export function recordedAnswerHandlers(
  recorded: { request: RecordedRequest; response: RecordedAnswer },
  options: RecordedAnswerOptions = {},
): HttpHandler[] {
  const { request: expected, response } = recorded;
  const checker = createHtxSimulator({
    accounts: options.accounts,
    userAccounts: options.userAccounts,
    now: options.now,
    rateLimit: {
      limit: Infinity,
      batchCancelOpenOrdersLimit: Infinity,
      openOrdersLimit: Infinity,
      accountsLimit: Infinity,
    },
  });
  const body = response.text ?? JSON.stringify(response.body);
  const method = expected.method.toLowerCase() as "get" | "post";
  return (options.hosts ?? HTX_HOSTS).map((host) =>
    http[method](`${host}${expected.path}`, async ({ request }) => {
      const checked = await checker.fetch(request.clone());
      const verdict = checked.status === 200 ? await checked.clone().json() as { status?: string; code?: number } : {};
      // HTX's v1 envelope says "ok"; its v2 envelope (the dead man's switch) code 200.
      if (verdict.status !== "ok" && verdict.code !== 200) return checked;
      const differs = await mismatch(request, expected);
      if (differs) return new HttpResponse(`recordedAnswerHandlers: the ${differs}.`, { status: 501 });
      return new HttpResponse(body, { status: response.status, headers: response.headers });
    })
  );
}
