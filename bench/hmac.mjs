// µs per signature of a batch-cancel signing text, per HMAC backend, pre-keyed, after warm-up;
// then Ed25519 against the default HMAC, through the client's SigningKey (bench/sign-ed25519.mjs).
// Runs on Node, Deno and Bun alike: `node bench/hmac.mjs`, `deno run -A bench/hmac.mjs`,
// `bun bench/hmac.mjs`. Prints one JSON line. (workerd is timed from outside: bench/index.mjs.)
import { defaultHmac, nativeHmac, nobleHmac, webCryptoHmac } from "../dist/mod.js";
import { SIGNING_TEXT } from "./hmac-text.mjs";
import { signingCosts } from "./sign-ed25519.mjs";

/** µs per call of `call` (sync or async), after a warm-up: median, min and max of `rounds`. */
async function microsPerCall(call, rounds = 7, count = 5000) {
  for (let i = 0; i < count; i++) await call();
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (let i = 0; i < count; i++) await call();
    samples.push(((performance.now() - started) * 1000) / count);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[rounds >> 1], min: samples[0], max: samples.at(-1) };
}

function microsPerSignature(backend) {
  const mac = backend.keyed("secret-for-timing");
  return microsPerCall(() => mac(SIGNING_TEXT));
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
try {
  Object.assign(result, await signingCosts(microsPerCall));
} catch (error) {
  result.ed25519 = String(error.message);
}
console.log(JSON.stringify(result));
