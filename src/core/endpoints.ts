/** Where HTX's batch-cancel endpoint is: constants only, so that the client's option checks need no more. */

/** HTX's main host. `https://api-aws.huobi.pro` is the same API, closer to AWS. */
export const DEFAULT_BASE_URL = "https://api.huobi.pro";
/** The path of the batch-cancel endpoint. */
export const BATCH_CANCEL_PATH = "/v1/order/orders/batchcancel";
/** HTX accepts at most 50 ids per batch-cancel request. */
export const MAX_IDS_PER_REQUEST = 50;
