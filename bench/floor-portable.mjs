// The size floor: the same least work with web APIs only (what an edge bundle must carry).
export function floorClient(accessKey, secretKey, fetch) {
  const key = crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secretKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return async function cancel(orderIds) {
    const timestamp = encodeURIComponent(new Date().toISOString().slice(0, 19));
    const query = `AccessKeyId=${accessKey}&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=${timestamp}`;
    const mac = await crypto.subtle.sign(
      "HMAC",
      await key,
      new TextEncoder().encode(`POST\napi.huobi.pro\n/v1/order/orders/batchcancel\n${query}`),
    );
    const signature = btoa(String.fromCharCode(...new Uint8Array(mac)));
    const url = `https://api.huobi.pro/v1/order/orders/batchcancel?${query}&Signature=${encodeURIComponent(signature)}`;
    const response = await fetch(url, { method: "POST", body: JSON.stringify({ "order-ids": orderIds }) });
    return JSON.parse(await response.text());
  };
}
