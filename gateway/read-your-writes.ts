import { lsnValue } from '../services/kernel/db';

/** How long the gateway remembers a caller's last write: far longer than any replica lag worth serving from. */
const REMEMBERED_MS = 10 * 60_000;
/** At most this many callers remembered; the oldest go first. */
const REMEMBERED_CALLERS = 100_000;

/**
 * Read-your-writes with a read replica (docs/scale-out.md): the primary's WAL position after each
 * caller's last committed write (subgraphs answer it in WRITTEN_LSN_HEADER), sent with that
 * caller's later subgraph requests (MIN_LSN_HEADER); a subgraph reads on the replica only once it
 * has replayed that far, otherwise on the primary. Per gateway process, by user id.
 */
export class WriteMarks {
  private readonly marks = new Map<string, { lsn: string; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The caller wrote: its commit is at or before `lsn`. */
  note(userId: string, lsn: string): void {
    const had = this.marks.get(userId);
    if (had && lsnValue(had.lsn) >= lsnValue(lsn)) return;
    this.marks.delete(userId);
    if (this.marks.size >= REMEMBERED_CALLERS) this.marks.delete(this.marks.keys().next().value!);
    this.marks.set(userId, { lsn, at: this.now() });
  }

  /** The position the caller's reads must see, if it wrote lately. */
  get(userId: string): string | undefined {
    const mark = this.marks.get(userId);
    if (!mark) return undefined;
    if (this.now() - mark.at > REMEMBERED_MS) {
      this.marks.delete(userId);
      return undefined;
    }
    return mark.lsn;
  }
}
