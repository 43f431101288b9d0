/**
 * The state this process left each business-day in with its last counting
 * write, so the next batch of the same day need not read it back.
 *
 * Using a remembered state is safe because every counting write is a
 * compare-and-set on the day's `rev` (day-guard.ts) and every other change
 * to what is remembered bumps `rev` too: when another instance (or a change
 * made here by another path) wrote the day since, the write planned from the
 * remembered state matches nothing, and the day is read again and planned
 * afresh. A remembered state is never more than a hint that saves a read.
 *
 * Bounded: the least recently used days are forgotten first (the days being
 * counted are mostly today's, of the businesses active now).
 */
export class WrittenDays<State> {
  private readonly states = new Map<string, State>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.states.size;
  }

  /** The remembered state of a day, if any (and it becomes the most recently used). */
  recall(dayId: string): State | undefined {
    const state = this.states.get(dayId);
    if (state !== undefined) {
      this.states.delete(dayId);
      this.states.set(dayId, state);
    }
    return state;
  }

  remember(dayId: string, state: State): void {
    this.states.delete(dayId);
    this.states.set(dayId, state);
    for (const oldest of this.states.keys()) {
      if (this.states.size <= this.capacity) break;
      this.states.delete(oldest);
    }
  }

  forget(dayIds: Iterable<string>): void {
    for (const dayId of dayIds) this.states.delete(dayId);
  }
}
