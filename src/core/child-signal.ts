/**
 * Child signals of one shared signal, all fed by a single listener on it. Many waits at once on
 * one signal (the kill switch's listing per symbol, its sweepers, its cancel requests) would
 * each add their own abort listener to it, and past ten Node warns of a leak
 * (MaxListenersExceededWarning); each wait listens to its own child instead.
 */

/** The children of each shared signal that has any, fed by that signal's one listener. */
const childrenOf = new WeakMap<AbortSignal, Set<AbortController>>();

function childrenFed(parent: AbortSignal): Set<AbortController> {
  const known = childrenOf.get(parent);
  if (known) return known;
  const children = new Set<AbortController>();
  childrenOf.set(parent, children);
  parent.addEventListener("abort", () => children.forEach((child) => child.abort(parent.reason)), { once: true });
  return children;
}

/**
 * A signal that aborts with `parent`'s reason when `parent` aborts, adding no listener to
 * `parent` beyond one shared by all its children. Call `dispose()` when done with it.
 */
export function childSignal(parent: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const child = new AbortController();
  if (parent.aborted) {
    child.abort(parent.reason);
    return { signal: child.signal, dispose: () => {} };
  }
  const children = childrenFed(parent);
  children.add(child);
  return { signal: child.signal, dispose: () => children.delete(child) };
}
