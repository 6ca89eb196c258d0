/**
 * This process's own busy slots, on its own clock: the ones Redis granted and the ones taken from
 * the local share while Redis was unreachable. When Redis has lost them (a restart) or never saw
 * them (the local share), they are put back with the next call (`ACQUIRE`'s triples), so that the
 * budget counts them until they free, as if Redis had granted them all.
 */

interface Entry {
  /** When the slot was granted (local ms). */
  grantedAt: number;
  /** When its answer came (local ms); absent while in flight. */
  releasedAt?: number;
}

/** The busy slots of one limiter, by member name. */
export class SlotLedger {
  readonly #entries = new Map<string, Entry>();
  /** Bumped whenever a slot is added or answered, to tell whether a copy sent to Redis is still whole. */
  #version = 0;

  constructor(
    private readonly holdMs: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** The version of the ledger: a put-back call that sent an older one did not carry every slot. */
  get version(): number {
    return this.#version;
  }

  /** A slot granted now. */
  granted(member: string): void {
    this.#prune();
    this.#entries.set(member, { grantedAt: this.now() });
    this.#version++;
  }

  /** The slot's answer came now; a second call, or one for a slot never sent, changes nothing. */
  answered(member: string): void {
    const entry = this.#entries.get(member);
    if (!entry || entry.releasedAt !== undefined) return;
    entry.releasedAt = this.now();
    this.#version++;
  }

  /** The slot was never used (its request not sent): it is simply free. */
  forget(member: string): void {
    if (this.#entries.delete(member)) this.#version++;
  }

  /**
   * The busy slots as `ACQUIRE` takes them back: member, `f` (in flight) or `r` (answered), and
   * the whole ms until it frees (rounded up: a slot put back frees no sooner than here).
   */
  busy(): string[] {
    const now = this.now();
    const triples: string[] = [];
    for (const [member, entry] of this.#entries) {
      const freeAt = this.#freeAt(entry);
      if (freeAt <= now) this.#entries.delete(member);
      else triples.push(member, entry.releasedAt === undefined ? "f" : "r", String(Math.ceil(freeAt - now)));
    }
    return triples;
  }

  #freeAt(entry: Entry): number {
    return entry.releasedAt === undefined ? entry.grantedAt + this.holdMs : entry.releasedAt + this.windowMs;
  }

  /**
   * Drops the free slots at the front (grant order), so that the ledger stays as long as the
   * slots of the last `holdMs`, however long the process runs, at a cost of O(1) per grant.
   */
  #prune(): void {
    const now = this.now();
    for (const [member, entry] of this.#entries) {
      if (this.#freeAt(entry) > now) return;
      this.#entries.delete(member);
    }
  }

  /**
   * The busy slots as `SlidingWindowLimiter`'s `restore` takes them (this ledger's clock), so that
   * a local share counts this process's own slots granted by Redis before it failed.
   */
  records(): { grantedAt: number; releasedAt?: number }[] {
    this.busy(); // drops the free ones
    return [...this.#entries.values()].map((entry) => ({ ...entry }));
  }

  /** Whether any slot is still busy. */
  get hasBusy(): boolean {
    return this.busy().length > 0;
  }
}
