/**
 * `htx-batch-cancel/redis` brings no Redis client: node-redis, ioredis and `@upstash/redis` are
 * optional peers the caller loads, and no other entry point reaches the Redis limiter at all.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { ANY, importGraph, reach } from "../import-graph.ts";

const CLIENTS = ["redis", "ioredis", "@upstash/redis"];
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));

it("the redis entry imports no client package, whatever it loads on demand", async () => {
  const reached = [...reach(await importGraph("src/redis.ts"), "src/redis.ts", ANY)];
  expect(reached.filter((name) => CLIENTS.some((client) => name === client || name.startsWith(`${client}/`))))
    .toEqual([]);
  expect(reached).toContain("src/limits/redis/limiter.ts");
});

it("no other entry point reaches the Redis limiter or a Redis client", async () => {
  for (const entry of ["mod.ts", "src/cloudflare.ts", "src/testing/mod.ts"]) {
    const reached = [...reach(await importGraph(entry), entry, ANY)];
    expect(reached.filter((name) => name.includes("limits/redis/") || CLIENTS.includes(name)), entry).toEqual([]);
  }
});

it("the clients are optional peers, and pinned dev dependencies for the tests", () => {
  for (const client of CLIENTS) {
    expect(pkg.peerDependenciesMeta[client], client).toEqual({ optional: true });
    expect(pkg.devDependencies[client], client).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies[client], client).toBeUndefined();
  }
  expect(pkg.exports["./redis"]).toEqual({ types: "./dist/src/redis.d.ts", default: "./dist/src/redis.js" });
});
