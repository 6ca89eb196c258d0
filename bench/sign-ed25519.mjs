// µs per signature with an Ed25519 private key (Web Crypto) against the HmacSHA256 default of the
// same runtime, both through the SigningKey the client signs with, timed in the same run.
// Run through bench/hmac.mjs (Node, Deno, Bun), whose timing harness it uses. createSigningKey is
// internal (the npm build bundles it into chunks): bench/index.mjs bundles src/signing/keys.ts into
// bench/.cache/keys.mjs before it runs the runtimes.
import { createSigningKey } from "./.cache/keys.mjs";
import { SIGNING_TEXT } from "./hmac-text.mjs";

/** The project's test key (test/fixtures-ed25519/vectors.ts): signs nothing real. */
const TEST_KEY_PEM = "-----BEGIN PRIVATE KEY-----\n" +
  "MC4CAQAwBQYDK2VwBCIEIDP3ovY6M8ZBI5Gn5v8lk184tZX/72lsI0U/EGCCNiqF\n-----END PRIVATE KEY-----\n";

/**
 * Times `sign` with `time` (a harness: call → { median, min, max } in µs) for both methods.
 * @returns the two timings and the ratio of their medians (Ed25519 / HMAC default).
 */
export async function signingCosts(time) {
  const hmac = createSigningKey({ accessKey: "access", secretKey: "secret-for-timing" });
  const ed25519 = createSigningKey({ accessKey: "access", privateKey: TEST_KEY_PEM });
  await ed25519.ready();
  const ed25519Text = SIGNING_TEXT.replace("HmacSHA256", "Ed25519");
  const hmacDefault = await time(() => hmac.sign(SIGNING_TEXT));
  const ed = await time(() => ed25519.sign(ed25519Text));
  return { hmacDefault, ed25519: ed, ed25519VsHmacDefault: Number((ed.median / hmacDefault.median).toFixed(2)) };
}
