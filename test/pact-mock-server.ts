/**
 * Pact's mock server under load: it can answer a request before it records the match, and Pact,
 * reading the record as soon as the test returns, then reports the request "expected but not
 * received" although the client had its answer (pact-foundation/pact-js#1835,
 * pact-foundation/pact-reference#535). Seen twice in this project's CI. The fix, pact-core 20.1,
 * needs Node 22; this package runs on Node 20.
 */

/** How long the mock server gets to record what it matched, after the test's last answer. */
const MATCH_BOOKKEEPING_MS = 50;

/** An interaction's test, then a pause before Pact reads what its mock server matched. */
export function recorded<S, T>(test: (server: S) => Promise<T>): (server: S) => Promise<T> {
  return async (server) => {
    const result = await test(server);
    await new Promise((resolve) => setTimeout(resolve, MATCH_BOOKKEEPING_MS));
    return result;
  };
}
