// The text every HMAC timing signs: a batch-cancel request's signing text.
export const SIGNING_TEXT = "POST\napi.huobi.pro\n/v1/order/orders/batchcancel\n" +
  "AccessKeyId=e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-11-26T12%3A00%3A00";
