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

/**
 * Ed25519 signed URLs (issue 14). The keys are HTX's public vector key and the project's test key
 * (test/fixtures-ed25519/vectors.ts); each signature is node:crypto's, checked in
 * test/ed25519-runtimes.test.ts. Ed25519 is deterministic: same key, same text, same signature.
 */
export const ED25519_VECTORS = [
  {
    privateKey:
      "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJyWp10Qe1iIkoK+nkM4DWkI6fsQpIni49EUNjcQGXn6\n-----END PRIVATE KEY-----\n",
    accessKey: "access",
    method: "POST",
    url: "https://api.huobi.pro/v1/order/orders/batchcancel",
    time: "2019-11-21T10:00:00Z",
    signature: "ipx55TDvQYVnKbJOea8iu7OEYRUQRtQAg+VvnYjFY9bC11Ie820gqQSCDuwiytjMgLWcGVte2wQ+xPfpbUjBBQ==",
  },
  {
    privateKey:
      "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIDP3ovY6M8ZBI5Gn5v8lk184tZX/72lsI0U/EGCCNiqF\n-----END PRIVATE KEY-----\n",
    accessKey: "access",
    method: "POST",
    url: "https://api.huobi.pro/v1/order/orders/batchcancel",
    time: "2019-11-21T10:00:00Z",
    signature: "FcjeQ6hQFRzxpbiTDi3AJQWi/jVL5IqLbiGFsgkZpN420kZ/IRC0oQe4pQS7l8xSZj86Oz69b+SYBTtphk5dBg==",
  },
  {
    privateKey:
      "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIDP3ovY6M8ZBI5Gn5v8lk184tZX/72lsI0U/EGCCNiqF\n-----END PRIVATE KEY-----\n",
    accessKey: "access",
    method: "GET",
    url: "https://api-aws.huobi.pro/v1/order/openOrders?symbol=btcusdt&account-id=123",
    time: "2026-11-26T12:00:00Z",
    signature: "7KHX8rYcdcWRO3C6hpEqLwb9mHKv+Zq0l9QxAe0x8Vx4ZSkVUETPpiBfJ5DFAhgIXlVDogoT2MNoN6Bh6X5UAQ==",
  },
];

/** The forms a private key is accepted in, each made from the PEM with web APIs only. */
const ED25519_FORMS = {
  pem: (pem) => pem,
  der: (pem) => derOfPem(pem),
  cryptoKey: (pem) => crypto.subtle.importKey("pkcs8", derOfPem(pem), { name: "Ed25519" }, false, ["sign"]),
};

function derOfPem(pem) {
  const body = pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
}

/**
 * The Ed25519 API key of the smoke simulator's second UID: it holds only the public half of the
 * project's test key (the private half is ED25519_VECTORS[1].privateKey), as HTX does.
 */
export const ED25519_ACCOUNT = {
  uid: 2,
  accessKey: "smoke-ed25519-access-key",
  publicKey:
    "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAjhJS4yuO+A7BBtSQoW8pOx5agnFfM9i9qxkyLLykpXA=\n-----END PUBLIC KEY-----\n",
};

/**
 * The simulator every runner serves: the demo HMAC key's UID with 117 open orders, 1 filled, 1
 * canceled, 1 unknown id (`ids`), and the Ed25519 key's UID with 58 open, 1 filled, 1 unknown
 * (`ed25519Ids`).
 */
export function smokeSimulator(testing) {
  const book = testing.demoOrders({ open: 117, filled: 1, canceled: 1, unknown: 1 });
  const ed25519Book = testing.demoOrders({ open: 58, filled: 1, canceled: 0, unknown: 1, uid: ED25519_ACCOUNT.uid });
  const sim = testing.createHtxSimulator({
    accounts: [testing.DEMO_ACCOUNT, ED25519_ACCOUNT],
    orders: [...book.orders, ...ed25519Book.orders],
  });
  return { sim, ids: book.ids, ed25519Ids: ed25519Book.ids };
}

/**
 * Runs the checks; throws on the first failure. Returns what it saw, for the runner's report.
 * @param {{ lib: any, assert: any, baseUrl: string, ids: string[], ed25519Ids: string[] }} options
 */
export async function runSmoke({ lib, assert, baseUrl, ids, ed25519Ids }) {
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

  // 1b. Ed25519 signed URLs, the key given in every form, through Web Crypto.
  for (const [form, make] of Object.entries(ED25519_FORMS)) {
    for (const v of ED25519_VECTORS) {
      const url = await lib.signUrl({ ...v, privateKey: await make(v.privateKey), timestamp: new Date(v.time) });
      assert.equal(new URL(url).searchParams.get("SignatureMethod"), "Ed25519", `ed25519 ${form} ${v.url}`);
      assert.equal(new URL(url).searchParams.get("Signature"), v.signature, `ed25519 ${form} ${v.url}`);
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

  // 2b. 60 ids in 2 requests signed with the Ed25519 key, which the simulator verifies with the
  // runtime's Web Crypto (Deno, Bun) or Node's (workerd and the packed tarball serve it from Node).
  assert.equal(ed25519Ids.length, 60);
  const ed25519 = new lib.HtxClient({
    accessKey: ED25519_ACCOUNT.accessKey,
    privateKey: ED25519_VECTORS[1].privateKey,
    baseUrl,
  });
  const signed = await ed25519.batchCancel({ orderIds: ed25519Ids });
  assert.deepEqual(signed.success, ed25519Ids.slice(0, 58));
  assert.deepEqual(signed.failed.map((f) => [f.orderId, f.state ?? f.errCode]), [
    [ed25519Ids[58], "filled"],
    [ed25519Ids[59], "base-not-found"],
  ]);
  assert.deepEqual(signed.unresolved, []);

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

  // 4. HTX's dead man's switch (issue 25): armed once with the HMAC key, kept armed and disarmed
  // with the Ed25519 key (its refresh timer unref'd where the runtime can), a timeout refused.
  const armed = await htx.cancelAllAfter(60);
  assert.equal(armed.triggerTime - armed.currentTime, 60_000);
  assert.equal((await htx.cancelAllAfter(0)).triggerTime, 0);
  const deadMan = await ed25519.deadMansSwitch({ timeoutSeconds: 30, refreshMs: 10_000 });
  assert.ok(deadMan.triggerTime > Date.now() - 60_000);
  assert.equal((await deadMan.stop()).triggerTime, 0);
  let timeoutError;
  try {
    await htx.cancelAllAfter(3);
  } catch (error) {
    timeoutError = error;
  }
  assert.ok(timeoutError instanceof lib.HtxInputError);

  return {
    deadMansSwitch: "armed, disarmed, kept and stopped (Ed25519), 3 s refused",
    defaultHmac: lib.defaultHmac.name,
    backendsChecked: backends.map((b) => b.name),
    ed25519FormsChecked: Object.keys(ED25519_FORMS),
    submitted: result.success.length,
    failed: result.failed.length,
    ed25519Submitted: signed.success.length,
  };
}
