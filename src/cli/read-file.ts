/**
 * Reads a file the command names (`--ids-file`, `--private-key-file`) as UTF-8; `0` is standard
 * input. node:fs is fetched when a file is read, with `process.getBuiltinModule` (Node 20.16+,
 * Deno 2), not imported: Node builds the ES module facade of an imported built-in at start-up,
 * about 3.5 ms for node:fs, which a command reading no file need not pay (bench, CLI row).
 */
export function readTextFile(path: string | 0): string {
  return globalThis.process.getBuiltinModule("node:fs").readFileSync(path, "utf8");
}
