/**
 * A hardened realm (SES `harden`, a security tool) may freeze the client's prototype before the
 * first client is made: the client must still be made, and show no secret. Its own file: the
 * freeze lasts for every test of the file.
 */
import { inspect } from "node:util";
import { expect, it } from "vitest";
import { HtxClient } from "../mod.ts";
import { everyRendering, KEYS, leaks } from "./helpers.ts";

it("makes a client whose prototype was frozen before the first, and shows no secret", () => {
  Object.freeze(HtxClient.prototype);
  const htx = new HtxClient({ ...KEYS });
  expect(JSON.stringify(htx)).toBe(`{"baseUrl":"https://api.huobi.pro"}`);
  expect(leaks(`${inspect(htx)}\n${everyRendering(htx)}`)).toEqual([]);
});
