/**
 * A local stand-in for Upstash's REST API in front of the real redis-server, so that the
 * `@upstash/redis` client runs unchanged against it: `POST /` with the command as a JSON array
 * and `Authorization: Bearer <token>`, answered `{ result }` (strings base64-encoded when the
 * client asks with `Upstash-Encoding: base64`, as it does by default) or, for a Redis error,
 * status 400 and `{ error }`; `POST /pipeline` with an array of commands (the client batches
 * concurrent commands so by default), answered with an array of those, status 200. It forwards
 * each command with ioredis's `call`.
 */
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import { Redis } from "ioredis";

/** The stand-in, served on loopback. */
export interface UpstashStandIn {
  /** `http://127.0.0.1:<port>`, the `url` to give `new Redis({ url, token })`. */
  readonly url: string;
  readonly token: string;
  /** Commands received, by name (`EVALSHA`, `EVAL`, …), to check what the client sent. */
  readonly commands: string[];
  close(): Promise<void>;
}

/** Serves the REST protocol over the Redis at `redisUrl`. */
export async function serveUpstashStandIn(redisUrl: string): Promise<UpstashStandIn> {
  const token = "stand-in-token";
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 0, lazyConnect: true });
  redis.on("error", () => {}); // a killed server is the test's business, reported per command
  const commands: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: "Unauthorized" });
    const body = JSON.parse(Buffer.concat(chunks).toString()) as unknown[];
    const base64 = req.headers["upstash-encoding"] === "base64";
    const run = async ([name, ...args]: unknown[]) => {
      commands.push(String(name).toUpperCase());
      try {
        const result = await redis.call(String(name), ...args.map(String));
        return { result: base64 ? base64Strings(result) : result };
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    if (req.url === "/pipeline") {
      const answers = [];
      for (const command of body as unknown[][]) answers.push(await run(command));
      return reply(200, answers);
    }
    const answer = await run(body);
    reply(answer.error === undefined ? 200 : 400, answer);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    commands,
    async close() {
      server.close();
      redis.disconnect();
      await once(server, "close");
    },
  };
}

function base64Strings(value: unknown): unknown {
  if (typeof value === "string") return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(base64Strings);
  return value;
}
