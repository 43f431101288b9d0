/** Where a partition's consumer group resumes: the offset of the next message to read. */
export interface OffsetCommit {
  topic: string;
  partition: number;
  offset: string;
}

/** A run of consecutive messages of one partition handed to a handler, up to `lastOffset`. */
export interface LedgerEntry {
  readonly topic: string;
  readonly partition: number;
  readonly lastOffset: string;
  state: 'pending' | 'stored' | 'failed';
}

interface PartitionLedger {
  topic: string;
  partition: number;
  /** Entries not yet known to be stored, in offset order. */
  waiting: LedgerEntry[];
  /** Next offset after the stored prefix: everything before it is stored. */
  position?: string;
  /** The last position committed to the group. */
  committed?: string;
}

/**
 * What may be committed when a partition's runs are stored out of step with
 * reading it. A consumer whose handler stores a run while the next ones are
 * already being read (analytics' counts) cannot commit what it has read, only
 * what is stored, and a run stored before an earlier one is not enough: the
 * group resumes from a single offset, so it may move only past a prefix of
 * runs that are all stored. A run that failed holds its partition's position
 * where it is until the consumer starts over from the committed offsets (a new
 * ledger); nothing after it is committed.
 *
 * Pure bookkeeping (no I/O): the consumer adds runs in the order it reads
 * them, settles each when its handler is done, and commits `committable()`.
 */
export class OffsetLedger {
  private readonly partitions = new Map<string, PartitionLedger>();

  private static keyOf(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  /** Records a run handed to a handler; runs of a partition must be added in offset order. */
  add(topic: string, partition: number, lastOffset: string): LedgerEntry {
    const key = OffsetLedger.keyOf(topic, partition);
    let ledger = this.partitions.get(key);
    if (!ledger) this.partitions.set(key, (ledger = { topic, partition, waiting: [] }));
    const previous = ledger.waiting.at(-1)?.lastOffset ?? (ledger.position === undefined ? undefined : (BigInt(ledger.position) - 1n).toString());
    if (previous !== undefined && BigInt(lastOffset) <= BigInt(previous)) throw new Error(`${topic}[${partition}]: run up to ${lastOffset} added after one up to ${previous}`);
    const entry: LedgerEntry = { topic, partition, lastOffset, state: 'pending' };
    ledger.waiting.push(entry);
    return entry;
  }

  /** The run's effects are stored (or, `false`, will not be: its partition's position stays before it). */
  settle(entry: LedgerEntry, stored: boolean): void {
    if (entry.state !== 'pending') return;
    entry.state = stored ? 'stored' : 'failed';
    const ledger = this.partitions.get(OffsetLedger.keyOf(entry.topic, entry.partition));
    if (!ledger) return;
    while (ledger.waiting[0]?.state === 'stored') ledger.position = (BigInt(ledger.waiting.shift()!.lastOffset) + 1n).toString();
  }

  /** Positions that moved since they were last committed. */
  committable(): OffsetCommit[] {
    return [...this.partitions.values()]
      .filter((p) => p.position !== undefined && p.position !== p.committed)
      .map(({ topic, partition, position }) => ({ topic, partition, offset: position! }));
  }

  /** These positions are committed to the group. */
  committed(commits: readonly OffsetCommit[]): void {
    for (const { topic, partition, offset } of commits) {
      const ledger = this.partitions.get(OffsetLedger.keyOf(topic, partition));
      if (ledger && (ledger.committed === undefined || BigInt(offset) > BigInt(ledger.committed))) ledger.committed = offset;
    }
  }

  /** Whether any run is neither stored nor failed. */
  hasPending(): boolean {
    return [...this.partitions.values()].some((p) => p.waiting.some((e) => e.state === 'pending'));
  }
}
