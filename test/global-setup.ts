/**
 * Builds dist/ once before the suites that run the built command or package, exactly as the
 * package is built for npm (`npm run build`, scripts/build.mjs: declarations with tsc, then the
 * entry points bundled in stages with esbuild; test/build-output.test.ts checks the result).
 */
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
}
