// A fresh process's first batch cancel with htx-batch-cancel: import, build a client, cancel.
// the ids of HTX_BENCH_IDS (default 1,2) against HTX_BENCH_URL; prints the call's ms (call → answer).
import { HtxClient } from "../../dist/mod.js";
import { bootAt, cpuMs, env, KEYS } from "./env.mjs";

const htx = new HtxClient({ ...KEYS, baseUrl: env("HTX_BENCH_URL") });
const ids = (env("HTX_BENCH_IDS") ?? "1,2").split(",");
const started = performance.now();
const { success } = await htx.batchCancel({ orderIds: ids });
const ms = performance.now() - started;
if (ids.length > 2 && success.length !== ids.length) throw new Error(`cancelled ${success.length} of ${ids.length}`);
console.log(JSON.stringify({ ms, cpuMs: cpuMs(), bootAt: bootAt() }));
