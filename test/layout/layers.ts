/**
 * The layers of src/, top-down, as docs/layout.md and each folder's README.md describe them. A
 * module may import modules of its own layer's folder or of a lower layer, never a higher one,
 * and never a folder beside it on the same layer.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["mod.ts"],
  ["cli"],
  ["cloudflare", "testing"],
  ["client.ts"],
  ["kill-switch"],
  ["listing", "dead-mans-switch"],
  ["cancel"],
  ["limits"],
  ["http"],
  ["signing"],
  ["schemas"],
  ["core"],
];

/**
 * The room of a file: its folder under src/ (an entry file such as src/cli.ts belongs to its
 * folder, src/cli/), src/client.ts, or mod.ts.
 */
export function roomOf(path: string): string {
  if (path === "mod.ts") return "mod.ts";
  const rest = path.replace(/^src\//, "");
  const [first = ""] = rest.split("/");
  if (rest.includes("/") || first === "client.ts") return first;
  const entry = first.replace(/\.ts$/, "");
  return ENTRY_FOLDERS[entry] ?? entry;
}

/** Entry files whose folder is named otherwise: src/redis.ts is the Redis limiter's entry. */
const ENTRY_FOLDERS: Record<string, string> = { redis: "limits" };

/** The layer of a room, 0 for the top; -1 for a room no layer names. */
export function layerOf(room: string): number {
  return LAYERS.findIndex((rooms) => rooms.includes(room));
}
