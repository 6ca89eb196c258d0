/**
 * What `HtxClient` loads as soon as it is built, without blocking its constructor: the builder
 * of its key and engine, the engine, the id checks and the result. One dynamic import, so that
 * `import { HtxClient }` loads only the options' checks (bench/bundle-size.mjs,
 * test/size-budget.test.ts).
 */
import type { ClientSetup } from "./build.ts";
import { runCancels } from "./engine.ts";
import { normalizeIds } from "../core/input.ts";
import { type BatchCancelResult, buildResult } from "./outcome.ts";
import { validateRunOptions } from "./run-options.ts";

export { buildClient, type ClientSetup } from "./build.ts";

/**
 * `HtxClient.batchCancel` of a built client: the call's options and ids checked, then the ids
 * run through the engine and accounted for.
 * @throws {HtxInputError} only, and only before anything is sent.
 */
export async function batchCancel(setup: ClientSetup, input: unknown, options: unknown): Promise<BatchCancelResult> {
  const run = validateRunOptions(options);
  const ids = normalizeIds(input);
  return buildResult(ids.ids, await runCancels(setup.engine, ids, run));
}
