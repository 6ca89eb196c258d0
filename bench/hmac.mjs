// µs per signature of a batch-cancel signing text, per HMAC backend, pre-keyed, after warm-up.
// Runs on Node, Deno and Bun alike: `node bench/hmac.mjs`, `deno run -A bench/hmac.mjs`,
// `bun bench/hmac.mjs`. Prints one JSON line. (workerd is timed from outside: bench/index.mjs.)
import { defaultHmac, nativeHmac, nobleHmac, webCryptoHmac } from "../dist/mod.js";
import { SIGNING_TEXT } from "./hmac-text.mjs";

async function microsPerSignature(backend, rounds = 7, count = 5000) {
  const mac = backend.keyed("secret-for-timing");
  for (let i = 0; i < count; i++) await mac(SIGNING_TEXT);
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (let i = 0; i < count; i++) await mac(SIGNING_TEXT);
    samples.push(((performance.now() - started) * 1000) / count);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[rounds >> 1], min: samples[0], max: samples.at(-1) };
}

const runtime = globalThis.Deno
  ? `deno ${Deno.version.deno}`
  : globalThis.Bun
  ? `bun ${Bun.version}`
  : `node ${process.version}`;
const result = { runtime, default: defaultHmac.name, rounds: 7 };
for (const backend of [nativeHmac, nobleHmac, webCryptoHmac]) {
  try {
    result[backend.name] = await microsPerSignature(backend);
  } catch (error) {
    result[backend.name] = String(error.message);
  }
}
console.log(JSON.stringify(result));
