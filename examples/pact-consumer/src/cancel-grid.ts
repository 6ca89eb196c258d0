/**
 * A grid bot's shutdown: cancel its orders by the client ids it gave them. An order that filled
 * or was canceled meanwhile comes back from HTX as `order-orderstate-error` with its state: for
 * the bot that is not an error, the order is simply closed.
 */
import type { HtxClient } from "htx-batch-cancel";

/** What became of the grid's orders. */
export interface GridCancelReport {
  /** Cancels HTX accepted (submitted; the orders close shortly). */
  submitted: string[];
  /** Orders already closed (`order-orderstate-error`), with the state HTX gave: `filled`, `canceled`, … */
  alreadyClosed: { clientOrderId: string; state: string }[];
  /** Orders that may still be open (unknown to HTX, refused for another reason, no answer): look again later. */
  checkAgain: string[];
}

/** Cancels the grid's orders by client id and sorts the outcome for the bot's log and retry loop. */
export async function cancelGrid(htx: HtxClient, clientOrderIds: string[]): Promise<GridCancelReport> {
  const result = await htx.batchCancel({ clientOrderIds });
  const report: GridCancelReport = { submitted: result.success, alreadyClosed: [], checkAgain: [] };
  for (const failed of result.failed) {
    const id = failed.clientOrderId ?? failed.orderId ?? "";
    if (failed.errCode === "order-orderstate-error" && failed.outcome !== "may-be-open") {
      report.alreadyClosed.push({ clientOrderId: id, state: failed.state ?? String(failed.orderState) });
    } else {
      report.checkAgain.push(id);
    }
  }
  report.checkAgain.push(...result.unresolved.map((u) => u.id));
  return report;
}
