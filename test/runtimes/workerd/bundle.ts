/**
 * Shared by the workerd suites: a Worker entry bundled as one ES module, as wrangler would, with
 * `htx-batch-cancel` and `htx-batch-cancel/cloudflare` resolved to the built module. `HTX_DIST`
 * (a path from the project root; default `dist`) bundles another build, to measure an older
 * version in the same run.
 */
import { build, type Plugin } from "esbuild";

/** The compatibility date every workerd suite pins. */
export const COMPATIBILITY_DATE = "2026-04-01";

const ROOT = new URL("../../../", import.meta.url).pathname;
const DIST = `${ROOT}${process.env.HTX_DIST ?? "dist"}`;

const builtPackage: Plugin = {
  name: "htx-batch-cancel",
  setup(build) {
    build.onResolve({ filter: /^htx-batch-cancel(\/cloudflare)?$/ }, (args) => ({
      path: args.path.endsWith("/cloudflare") ? `${DIST}/src/cloudflare.js` : `${DIST}/mod.js`,
    }));
  },
};

/** Bundles `entry` (a path from the project root) into one ES module. */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [`${ROOT}${entry}`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    plugins: [builtPackage],
  });
  return result.outputFiles[0]!.text;
}
