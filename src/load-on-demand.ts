/** Modules loaded on first use, so that what an import loads stays small (bench/bundle-size.mjs). */
import { HtxError } from "./errors.ts";

/**
 * Loads a module once, on first use; a load that failed is tried again by the next call.
 * @param what How to name the module in the error, e.g. `"The cancel engine's module"`.
 * @returns A function that resolves to the module.
 * @throws {HtxError} when the module cannot be loaded (a broken install or bundle); nothing was sent.
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
      throw new HtxError(`${what} could not be loaded; nothing was sent.`, false, {
        cause: cause instanceof Error ? new Error(cause.message) : String(cause),
      });
    }
  };
}
