// ccxt's cold first request (bench/first-request.mjs): import ccxt, build its htx exchange (markets
// stubbed: no request leaves for them), cancelOrders of 2 ids against HTX_BENCH_URL.
import ccxt from "ccxt";

const url = new URL(process.env.HTX_BENCH_URL);
const exchange = new ccxt.htx({ apiKey: "demo-access-key", secret: "demo-secret-key", enableRateLimit: false });
exchange.markets = {};
exchange.urls.hostnames.spot = url.host;
exchange.urls.api.spot = "http://{hostname}";
await exchange.cancelOrders(["1", "2"]);
const { user, system } = process.cpuUsage();
// Node's own start-up done (bench/cold/env.mjs, bootAt), on the bench's clock.
const bootAt = performance.timeOrigin + performance.nodeTiming.bootstrapComplete;
console.log(JSON.stringify({ cpuMs: (user + system) / 1000, bootAt }));
