// A module Worker running the smoke suite against the built module (dist/), in workerd with no
// nodejs_compat flag. The simulator runs in Node on loopback; its URL comes in the request.
import * as lib from "../../../dist/mod.js";
import { runSmoke } from "../smoke.mjs";
import { assert } from "./assert.mjs";

export default {
  async fetch(request) {
    const { baseUrl, ids, ed25519Ids } = await request.json();
    try {
      const report = await runSmoke({ lib, assert, baseUrl, ids, ed25519Ids });
      return Response.json({ ok: true, report, userAgent: navigator.userAgent });
    } catch (error) {
      return Response.json({ ok: false, error: String(error?.stack ?? error) }, { status: 500 });
    }
  },
};
