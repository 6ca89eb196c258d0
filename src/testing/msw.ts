/**
 * msw request handlers over a simulator: a user's own tests of their trading code reach "HTX"
 * without a network. msw is an optional peer dependency; only this file imports it.
 *
 * ```ts
 * const sim = createHtxSimulator({ orders });
 * const server = setupServer(...htxHandlers(sim));
 * server.listen();
 * ```
 */
import { http, type HttpHandler, HttpResponse } from "msw";
import type { HtxSimulator } from "./simulator.ts";

/** HTX's two spot API hosts. */
export const HTX_HOSTS: readonly string[] = ["https://api.huobi.pro", "https://api-aws.huobi.pro"];

/**
 * Handlers that route every request to HTX's hosts (or `hosts`) to `simulator.fetch`.
 * A simulated dropped connection becomes msw's network error.
 */
export function htxHandlers(
  simulator: Pick<HtxSimulator, "fetch">,
  hosts: readonly string[] = HTX_HOSTS,
): HttpHandler[] {
  return hosts.map((host) =>
    http.all(`${host}/*`, async ({ request }) => {
      try {
        return await simulator.fetch(request);
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

/**
 * A handler that answers `method path` on HTX's hosts with a recorded answer (a fixture's
 * `response`), for tests that pin one exact answer rather than simulate state.
 */
export function recordedAnswerHandlers(
  recorded: { request: { method: string; path: string }; response: RecordedAnswer },
  hosts: readonly string[] = HTX_HOSTS,
): HttpHandler[] {
  const { request, response } = recorded;
  const body = response.text ?? JSON.stringify(response.body);
  const method = request.method.toLowerCase() as "get" | "post";
  return hosts.map((host) =>
    http[method](
      `${host}${request.path}`,
      () => new HttpResponse(body, { status: response.status, headers: response.headers }),
    )
  );
}
