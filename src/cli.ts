#!/usr/bin/env node
/**
 * The `htx-batch-cancel` command. Node: `npx htx-batch-cancel --help`. Deno:
 * `deno run --allow-net --allow-env --allow-read <module>/cli --help`.
 * @module
 */
import process from "node:process";
import { main } from "./cli/main.ts";

process.exitCode = await main(process.argv.slice(2));
