// The floor: the least work any batch-cancel client must do per call, with nothing of ours:
// sign with node:crypto, call the (canned) fetch, parse the JSON. Also bundled as the size floor.
import { createHmac } from "node:crypto";

export function floorClient(accessKey, secretKey, fetch) {
  return async function cancel(orderIds) {
    const timestamp = encodeURIComponent(new Date().toISOString().slice(0, 19));
    const query = `AccessKeyId=${accessKey}&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=${timestamp}`;
    const signature = createHmac("sha256", secretKey)
      .update(`POST\napi.huobi.pro\n/v1/order/orders/batchcancel\n${query}`)
      .digest("base64");
    const url = `https://api.huobi.pro/v1/order/orders/batchcancel?${query}&Signature=${encodeURIComponent(signature)}`;
    const response = await fetch(url, { method: "POST", body: JSON.stringify({ "order-ids": orderIds }) });
    return JSON.parse(await response.text());
  };
}
