/**
 * Builds dist/ once before the suites that run the built command or package, exactly as the
 * package is built for npm (`npm run build`: declarations with tsc, then the bundled entry
 * points with esbuild).
 */
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
}
