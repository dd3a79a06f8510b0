/**
 * Group commit: items that arrive while a group is being committed wait, then go in the next group,
 * all of them up to `limit` (counted by `size`; a single larger item goes alone). `submit` resolves
 * with the item's own result once its group is committed, and rejects, for every item of the group,
 * if the group fails: `commit` writes a group whole or not at all.
 */
export class GroupCommit<I, O> {
  private waiting: Array<{ item: I; resolve(result: O): void; reject(err: unknown): void }> = [];
  private draining = false;

  /** `commit` answers one result per item, in the order given. */
  constructor(
    private readonly commit: (items: I[]) => Promise<O[]>,
    private readonly limit: number,
    private readonly size: (item: I) => number = () => 1,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        let n = 0;
        let count = 0;
        while (n < this.waiting.length && (n === 0 || count + this.size(this.waiting[n]!.item) <= this.limit)) count += this.size(this.waiting[n++]!.item);
        const group = this.waiting.splice(0, n);
        try {
          const results = await this.commit(group.map((w) => w.item));
          group.forEach((w, i) => w.resolve(results[i]!));
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
