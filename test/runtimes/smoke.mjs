// The runtime-neutral smoke suite: web APIs only. Each runtime's runner passes the library
// (sources or the built package), its `assert` (node:assert/strict where the runtime has one)
// and the URL of the simulator it serves on loopback.

/** Known-answer vectors of htx-reference.md that signUrl can rebuild end to end. */
export const VECTORS = [
  {
    accessKey: "access",
    secretKey: "secret",
    method: "GET",
    url: "https://api.huobi.pro/v1/account/accounts",
    time: "2019-11-21T10:00:00Z",
    signature: "rWnLcMt3XBAsmXoNHtTQVpvMbH/cE1PXFwQAGeYwt3s=",
  },
  {
    accessKey: "access",
    secretKey: "secret",
    method: "GET",
    url: "https://api.huobi.pro/v1/account/history?account-id=123&currency=btc",
    time: "2019-11-21T10:00:00Z",
    signature: "SGZYJ9Ub/hFerEBbSWsCxl8Djk+LRBgEZOB4fLc4T9Q=",
  },
  {
    accessKey: "abcdefg-hijklmn-opqrst-uvwxyz",
    secretKey: "12345-67890-12345-67890",
    method: "GET",
    url: "https://api.huobi.pro/v1/account/accounts",
    time: "2020-04-01T12:34:56Z",
    signature: "3IUZcEak4IIRrh7/idFrP2Jj77MaWGXR/oQbe9gL4+I=",
  },
  {
    accessKey: "access",
    secretKey: "secret",
    method: "POST",
    url: "https://api.huobi.pro/v1/order/orders/batchcancel",
    time: "2019-11-21T10:00:00Z",
    signature: "9yf9+1LJD8Bv0r1iDtdZJ9dDiW6LKmryEYi7+EtOEE4=",
  },
  {
    accessKey: "access",
    secretKey: "secret",
    method: "POST",
    url: "https://api-aws.huobi.pro/v1/order/orders/batchcancel",
    time: "2019-11-21T10:00:00Z",
    signature: "bhdKz16UUS6l8hQq7oEjDMdYxethSit942niaTt6yVI=",
  },
];

/** The simulator every runner serves: 117 open orders, 1 filled, 1 canceled, 1 unknown id. */
export function smokeSimulator(testing) {
  const book = testing.demoOrders({ open: 117, filled: 1, canceled: 1, unknown: 1 });
  return { sim: testing.createHtxSimulator({ orders: book.orders }), ids: book.ids };
}

/**
 * Runs the checks; throws on the first failure. Returns what it saw, for the runner's report.
 * @param {{ lib: any, assert: any, baseUrl: string, ids: string[] }} options
 */
export async function runSmoke({ lib, assert, baseUrl, ids }) {
  // 1. Every known-answer vector, on every HMAC backend the runtime has.
  const backends = [lib.nobleHmac, lib.webCryptoHmac];
  try {
    lib.nativeHmac.keyed("probe");
    backends.push(lib.nativeHmac);
  } catch {
    // No node:crypto here (workerd without nodejs_compat).
  }
  for (const backend of backends) {
    for (const v of VECTORS) {
      const url = await lib.signUrl({ ...v, timestamp: new Date(v.time), hmac: backend });
      assert.equal(new URL(url).searchParams.get("Signature"), v.signature, `${backend.name} ${v.url}`);
    }
  }

  // 2. 120 ids in 3 requests through the simulator on loopback, every id accounted for.
  assert.equal(ids.length, 120);
  const htx = new lib.HtxClient({ accessKey: "demo-access-key", secretKey: "demo-secret-key", baseUrl });
  let progressCalls = 0;
  const result = await htx.batchCancel({ orderIds: ids }, { onProgress: () => progressCalls++ });
  assert.equal(progressCalls, 3);
  assert.deepEqual(result.success, ids.slice(0, 117));
  assert.deepEqual(result.failed.map((f) => [f.orderId, f.state ?? f.errCode]), [
    [ids[117], "filled"],
    [ids[118], "canceled"],
    [ids[119], "base-not-found"],
  ]);
  assert.deepEqual(result.unresolved, []);

  // 3. An input error: typed, says what to fix, nothing sent.
  let inputError;
  try {
    await htx.batchCancel({ orderIds: [357631450723117] });
  } catch (error) {
    inputError = error;
  }
  assert.equal(inputError?.name, "HtxInputError");
  assert.ok(inputError instanceof lib.HtxInputError);
  assert.match(inputError.message, /pass order ids as strings/);

  return {
    defaultHmac: lib.defaultHmac.name,
    backendsChecked: backends.map((b) => b.name),
    submitted: result.success.length,
    failed: result.failed.length,
  };
}
