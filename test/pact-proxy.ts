/** The Pact kit's request filter driven the way Pact's proxy drives it: an Express request and response. */
import type { HtxPactProvider, PactProxyRequest } from "../src/testing/pact.ts";

/** The provider's base URL the filter re-signs for. */
export const BASE_URL = "http://127.0.0.1:8123";

/** What the filter did with one request: passed it on (with its new URL) or answered it. */
export interface Filtered {
  next: boolean;
  url: string;
  status?: number;
  body?: unknown;
  error?: unknown;
}

export function filter(provider: HtxPactProvider, req: PactProxyRequest): Promise<Filtered> {
  return new Promise((resolve) => {
    let status = 200;
    const res = {
      status(code: number) {
        status = code;
        return res;
      },
      json(body: unknown) {
        resolve({ next: false, url: req.url, status, body });
      },
    };
    provider.requestFilter(BASE_URL)(req, res, (error) => resolve({ next: true, url: req.url, error }));
  });
}

/** Sets up a state as Pact does: a POST of `{ state, action, params }` to the proxy. */
export function given(provider: HtxPactProvider, state: string, params?: unknown): Promise<Filtered> {
  return filter(provider, { method: "POST", url: "/_pactSetup", body: { state, action: "setup", params } });
}

export function teardown(provider: HtxPactProvider, state: string): Promise<Filtered> {
  return filter(provider, { method: "POST", url: "/_pactSetup", body: { state, action: "teardown" } });
}
