/**
 * Serves a fetch handler (the simulator) over HTTP with Node's `node:http`, so other processes
 * and runtimes can reach it on loopback. Deno and Bun serve `sim.fetch` with `Deno.serve` and
 * `Bun.serve` directly; this adapter is only for Node.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A running server. */
export interface ServedHandler {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  // The host the client signed is the Host header it sent, port included.
  const url = `http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** The peer's IP as the simulator compares it with a key's `allowedIps` (IPv4-mapped IPv6 unwrapped). */
function peerIp(req: IncomingMessage): string | undefined {
  const address = req.socket.remoteAddress;
  return address?.startsWith("::ffff:") ? address.slice(7) : address;
}

/**
 * Serves `handler` on `host:port` (default 127.0.0.1 and a free port). The handler gets the
 * request and `{ clientIp }`, the peer's address (the simulator checks IP bindings with it). A
 * handler that rejects (the simulator's dropped-connection fault) has its socket destroyed:
 * the client sees a broken connection, as it would from HTX.
 */
export function serveHandler(
  handler: (request: Request, info: { clientIp?: string }) => Promise<Response>,
  options: { port?: number; host?: string } = {},
): Promise<ServedHandler> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    toRequest(req)
      .then((request) => handler(request, { clientIp: peerIp(req) }))
      .then((response) => send(res, response))
      .catch(() => res.socket?.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${port}`,
        port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
