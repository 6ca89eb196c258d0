/** Modules loaded on first use, so that what an import loads stays small (bench/bundle-size.mjs). */
import { HtxInputError } from "./errors.ts";

/**
 * Loads a module once, on first use; a load that failed is tried again by the next call (a
 * runtime that keeps the failure of a module's own imports fails the same way again).
 * @param what How to name the module in the error, e.g. `"The cancel engine's module"`.
 * @returns A function that resolves to the module.
 * @throws {HtxInputError} when the module cannot be loaded: the install or the bundle is broken,
 *   which the caller must fix, as they must a runtime without `fetch`; nothing was sent. So
 *   `batchCancel` keeps its promise to reject only with `HtxInputError`, before anything is sent.
 */
export function loadOnDemand<M>(load: () => Promise<M>, what: string): () => Promise<M> {
  let loading: Promise<M> | undefined;
  return async () => {
    const attempt = loading ??= load();
    try {
      return await attempt;
    } catch (cause) {
      if (loading === attempt) loading = undefined;
      // A failed import names files, never secrets; a fresh copy keeps no foreign object alive.
      throw new HtxInputError(
        `${what} could not be loaded (reinstall htx-batch-cancel, or bundle its chunks): nothing sent.`,
        { cause: cause instanceof Error ? new Error(cause.message) : String(cause) },
      );
    }
  };
}
