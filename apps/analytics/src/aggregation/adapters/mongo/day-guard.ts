/**
 * How a business-day counts each event once with a single write per batch.
 *
 * A day document carries `pending`: the ids of events added to its counters
 * that may not be recorded as applied yet (`applied_batches`), and `rev`, bumped by
 * every write. A write is made against the `rev` it was planned from (a
 * compare-and-set), so nothing can slip in between the read and the write.
 *
 * The invariant: an event id leaves `pending` only once its record exists.
 * Hence, for an event of the batch:
 * - recorded: already counted, nothing to do;
 * - pending but not recorded: counted by an attempt that stopped before
 *   recording it (a crash, or another consumer right now): not added again,
 *   only recorded;
 * - neither: added now, and pending until recorded.
 * The ids the previous write left pending that are recorded by now are taken
 * off in the same write, so no second write per day is needed to clean up.
 */
export interface DayGuardState {
  /** The day's `rev` as read (null: the day was never written by this scheme). */
  rev: number | null;
  pending: ReadonlySet<string>;
}

export interface DayWritePlan<E extends { eventId: string }> {
  /** Events to add to the counters now. */
  increment: E[];
  /** Events to record as applied once the write is stored (those added now and those found pending). */
  record: E[];
  /** The day's `pending` after the write. */
  pending: string[];
}

export function planDayWrite<E extends { eventId: string }>(events: readonly E[], state: DayGuardState | undefined, recorded: ReadonlySet<string>): DayWritePlan<E> {
  const pendingBefore = state?.pending ?? new Set<string>();
  const increment: E[] = [];
  const record: E[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    if (recorded.has(event.eventId) || seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    record.push(event);
    if (!pendingBefore.has(event.eventId)) increment.push(event);
  }
  const pending = [...pendingBefore].filter((id) => !recorded.has(id));
  for (const event of increment) pending.push(event.eventId);
  return { increment, record, pending };
}
