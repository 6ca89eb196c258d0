/**
 * Cancels every order id listed in a file (one per line, `#` comments allowed).
 *
 *   HTX_ACCESS_KEY=… HTX_SECRET_KEY=… deno run --allow-net --allow-env --allow-read cancel-all.ts ids.txt
 *
 * In your own project, import from "jsr:@htx-tools/batch-cancel" instead of the relative path.
 */
import { type BatchCancelResult, HtxClient } from "../../mod.ts";

/** Reads ids from `file` and cancels them; `baseUrl` defaults to HTX (or HTX_BASE_URL). */
export async function cancelAll(
  file: string,
  env: { get(name: string): string | undefined },
): Promise<BatchCancelResult> {
  const ids = (await Deno.readTextFile(file)).split("\n").map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const htx = new HtxClient({
    accessKey: env.get("HTX_ACCESS_KEY") ?? "",
    secretKey: env.get("HTX_SECRET_KEY") ?? "",
    baseUrl: env.get("HTX_BASE_URL"),
  });
  return await htx.batchCancel({ orderIds: ids }, {
    onProgress: ({ done, total }) => console.error(`${done}/${total}`),
  });
}

if (import.meta.main) {
  const [file] = Deno.args;
  if (!file) {
    console.error("usage: cancel-all.ts IDS_FILE");
    Deno.exit(2);
  }
  const result = await cancelAll(file, Deno.env);
  console.log(JSON.stringify(result, null, 2));
  Deno.exit(result.failed.length + result.unresolved.length === 0 ? 0 : 1);
}
