/** Shared by the workerd suites: a Worker entry bundled as one ES module, as wrangler would. */
import { build } from "esbuild";

/** The compatibility date every workerd suite pins. */
export const COMPATIBILITY_DATE = "2026-04-01";

const ROOT = new URL("../../../", import.meta.url).pathname;

/** Bundles `entry` (a path from the project root); `htx-batch-cancel` resolves to the built module. */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [`${ROOT}${entry}`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    alias: { "htx-batch-cancel": `${ROOT}dist/mod.js` },
  });
  return result.outputFiles[0]!.text;
}
