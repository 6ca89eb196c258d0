// The floor of a fresh process's first batch cancel: the ids of HTX_BENCH_IDS (default 1,2) in requests of
// 50, signed with node:crypto (Signature V2, HmacSHA256) before the clock starts, then sent at once
// with plain fetch; prints the sending's ms (first fetch → last answer read). Loads nothing of ours.
import { createHmac } from "node:crypto";
import { bootAt, cpuMs, env, KEYS } from "./env.mjs";

const base = new URL(env("HTX_BENCH_URL"));
const ids = (env("HTX_BENCH_IDS") ?? "1,2").split(",");
const path = "/v1/order/orders/batchcancel";
const timestamp = encodeURIComponent(new Date().toISOString().slice(0, 19));
const query = `AccessKeyId=${KEYS.accessKey}&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=${timestamp}`;
const signature = createHmac("sha256", KEYS.secretKey).update(`POST\n${base.host}\n${path}\n${query}`).digest("base64");
const url = `${base.origin}${path}?${query}&Signature=${encodeURIComponent(signature)}`;
const bodies = [];
for (let i = 0; i < ids.length; i += 50) bodies.push(JSON.stringify({ "order-ids": ids.slice(i, i + 50) }));
const headers = { "Content-Type": "application/json" };
const started = performance.now();
await Promise.all(bodies.map(async (body) => (await fetch(url, { method: "POST", headers, body })).text()));
console.log(JSON.stringify({ ms: performance.now() - started, cpuMs: cpuMs(), bootAt: bootAt() }));
