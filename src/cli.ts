#!/usr/bin/env node
/**
 * The `htx-batch-cancel` command. Node: `npx htx-batch-cancel --help`. Deno:
 * `deno run --allow-net --allow-env --allow-read <module>/cli --help`.
 * @module
 */
import { main } from "./cli/main.ts";

// The global, not an import of node:process: see src/cli/main.ts.
const { process } = globalThis;
process.exitCode = await main(process.argv.slice(2));
