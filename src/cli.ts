#!/usr/bin/env node
/**
 * The `htx-batch-cancel` command. Node: `npx htx-batch-cancel --help`. Deno:
 * `deno run --allow-net --allow-env --allow-read <module>/cli --help`.
 * @module
 */
import { main } from "./cli/main.ts";

// The global, not an import of node:process: see src/cli/main.ts. No top-level await: npm's
// command is this module bundled as one CommonJS file (scripts/build.mjs).
const { process } = globalThis;
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // What a rejected top-level await did: print it and fail, whatever --unhandled-rejections says.
    console.error(error);
    process.exitCode = 1;
  },
);
