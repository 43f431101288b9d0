/**
 * Group commit for batch handlers of partitions consumed at once: the work
 * handed in while a flush is under way waits and goes out together in the
 * next flush, up to `maxItems`. A handler whose writes are per group of items
 * (a day of counts, a document per key) then writes once for what several
 * partitions brought, and under light load nothing waits (a lone submission
 * is flushed at once).
 *
 * Each submission resolves with the result of the flush that carried it. When
 * a merged flush fails, each of its submissions is flushed again on its own,
 * so an error reaches the partition whose items caused it and no other (the
 * caller's retries and dead-lettering stay per partition). `flush` must be
 * idempotent, as every consumer's handler is.
 */
export class GroupCommit<Item, Result> {
  private readonly queue: Submission<Item, Result>[] = [];
  private flushing = false;

  constructor(
    private readonly flush: (items: Item[]) => Promise<Result>,
    private readonly maxItems: number,
  ) {}

  submit(items: readonly Item[]): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        if (group.length === 1) await this.flushAlone(group[0]!);
        else {
          try {
            const result = await this.flush(group.flatMap((s) => s.items));
            for (const submission of group) submission.resolve(result);
          } catch {
            for (const submission of group) await this.flushAlone(submission);
          }
        }
      }
    } finally {
      // Set before any await can let a submission in: a new one starts its own drain.
      this.flushing = false;
    }
  }

  /** The oldest submissions that fit in one flush (always at least one). */
  private takeGroup(): Submission<Item, Result>[] {
    let count = this.queue[0]!.items.length;
    let take = 1;
    while (take < this.queue.length && count + this.queue[take]!.items.length <= this.maxItems) count += this.queue[take++]!.items.length;
    return this.queue.splice(0, take);
  }

  private async flushAlone(submission: Submission<Item, Result>): Promise<void> {
    try {
      submission.resolve(await this.flush([...submission.items]));
    } catch (error) {
      submission.reject(error);
    }
  }
}

interface Submission<Item, Result> {
  items: readonly Item[];
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}
