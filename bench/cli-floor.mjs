// The floor of the CLI row (bench/index.mjs): what any signing command pays on Node as an ES
// module, and nothing else: node:crypto (fetched as the CLI fetches it), one HMAC-SHA256 of a
// pre-signed text, one line on standard output.
import { SIGNING_TEXT } from "./hmac-text.mjs";

const { createHmac } = globalThis.process.getBuiltinModule("node:crypto");
globalThis.process.stdout.write(`${createHmac("sha256", "bench-secret-key").update(SIGNING_TEXT).digest("base64")}\n`);
