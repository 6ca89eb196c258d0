#!/usr/bin/env node
// Records one real batch-cancel request/answer pair from HTX as a fixture in test/fixtures/.
//
//   HTX_ACCESS_KEY=… HTX_SECRET_KEY=… npm run record-fixture -- \
//     --name partial-failure --order-ids 123,456 --source "HTX live, 2026-11-26, my test orders"
//
// It CANCELS the orders you name: use orders of your own placed for this. The fixture keeps
// the request's method, path, Content-Type and body, and the answer's status, Content-Type and
// body; the signed query (AccessKeyId, Signature, Timestamp) is never written, and the answer
// is checked for the AccessKeyId before anything is saved.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createBatchCancelRequest, redactUrl } from "../dist/mod.js";

const { values } = parseArgs({
  options: {
    name: { type: "string" },
    source: { type: "string" },
    "order-ids": { type: "string" },
    "client-order-ids": { type: "string" },
    "base-url": { type: "string" },
    out: { type: "string", default: "test/fixtures" },
  },
});
const fail = (message) => {
  process.stderr.write(`record-fixture: ${message}\n`);
  process.exit(2);
};
if (!values.name || !/^[a-z0-9-]+$/.test(values.name)) fail("--name must be a lower-case file name (a-z, 0-9, -).");
if (!values.source) fail("--source must say where the answer came from (host, date, what the orders were).");
const accessKey = process.env.HTX_ACCESS_KEY;
const secretKey = process.env.HTX_SECRET_KEY;
if (!accessKey || !secretKey) fail("set HTX_ACCESS_KEY and HTX_SECRET_KEY.");
const list = (s) => s.split(",").map((x) => x.trim()).filter(Boolean);
const input = values["order-ids"]
  ? { orderIds: list(values["order-ids"]) }
  : { clientOrderIds: list(values["client-order-ids"] ?? "") };

const request = await createBatchCancelRequest(input, { accessKey, secretKey }, { baseUrl: values["base-url"] });
const body = JSON.parse(await request.clone().text());
process.stderr.write(`POST ${redactUrl(request.url)}\n`);
const response = await fetch(request);
const text = await response.text();
if (text.includes(accessKey) || text.includes(secretKey)) fail("the answer contains your credentials; nothing saved.");
let json;
try {
  json = JSON.parse(text);
} catch {
  json = undefined;
}
const url = new URL(request.url);
const fixture = {
  name: values.name,
  source: values.source,
  request: { method: "POST", path: url.pathname, headers: { "Content-Type": "application/json" }, body },
  response: {
    status: response.status,
    headers: { "Content-Type": response.headers.get("content-type") ?? "" },
    ...(json === undefined ? { text } : { body: json }),
  },
  replay: {},
};
const file = `${values.out}/${values.name}.json`;
writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
process.stderr.write(`saved ${file}: HTTP ${response.status}. Fill in "replay" so the simulator test replays it.\n`);
