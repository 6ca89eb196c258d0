/**
 * Which page of a listing a `GET /v1/order/openOrders` asks for, so that a fault can hit
 * "page 2 of ethusdt": HTX has no page token, a client pages with `from` set to the last id it
 * was given (docs/htx-notes.md, "Listing accounts and open orders"), so page k + 1 is the
 * request whose `from` is the last id of page k as served, for the same UID and filter.
 */

/** The query parameters that page rather than filter a listing, and the signature's own. */
const NOT_FILTER = new Set([
  "from",
  "direct",
  "size",
  "AccessKeyId",
  "SignatureMethod",
  "SignatureVersion",
  "Timestamp",
  "Signature",
]);

const MAX_REMEMBERED = 100_000;

/** A listing's identity: its UID and filter (the parameters that are not paging or signature). */
function listingKey(uid: number | undefined, query: URLSearchParams): string {
  const filter = [...query].filter(([name]) => !NOT_FILTER.has(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${uid ?? "?"}|${new URLSearchParams(filter)}`;
}

/** The pages served, by listing and last id. */
export class ListingPages {
  /** `${listing}|${last id}` → the number of the page that follows it. */
  readonly #next = new Map<string, number>();

  /** The page a listing request asks for: 1 without `from`; undefined when `from` ends no served page. */
  pageOf(uid: number | undefined, query: URLSearchParams): number | undefined {
    const from = query.get("from");
    if (!from) return 1;
    return this.#next.get(`${listingKey(uid, query)}|${from}`);
  }

  /** Records that page `page` of this listing was served, ending at `lastId`. */
  served(uid: number, query: URLSearchParams, page: number | undefined, lastId: string | undefined): void {
    if (page === undefined || lastId === undefined) return;
    // A long-running simulator (the CLI's) forgets old pages rather than grow without bound.
    if (this.#next.size >= MAX_REMEMBERED) this.#next.clear();
    this.#next.set(`${listingKey(uid, query)}|${lastId}`, page + 1);
  }
}
