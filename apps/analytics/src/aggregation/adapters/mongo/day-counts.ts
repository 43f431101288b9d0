/**
 * A business-day's counts as stored (`c`: counters nested by their key, so
 * `feedback.csat.4` is `c.feedback.csat[4]`; `custom`: counts by label hash;
 * `labels`: each hash's label), and the counts a write sets in their place.
 *
 * The counting write is a compare-and-set on the day's `rev` (day-guard.ts), so
 * the counts read with the guard are the counts the write replaces: it can set
 * each field whole instead of incrementing one path per counter. That is fewer
 * paths for the store to resolve: a `$inc` of `c.feedback.csat.4` walks four
 * levels, and mongo-java-server (the local store) spends most of a counting
 * write on that walk (a regular expression compiled per level, in its CPU
 * profile); a `$set` of `c` walks one.
 */
export interface StoredDayCounts {
  c?: Record<string, unknown>;
  custom?: Record<string, number>;
  labels?: Record<string, string>;
}

/** What a batch adds to one day: counter keys (each once per event) and custom counts by label hash. */
export interface DayIncrement {
  counters: readonly string[];
  custom: readonly { key: string; label: string; by: number }[];
}

/** The fields a counting write sets: the stored counts plus the increment (the input is left unchanged). */
export function addToDayCounts(stored: StoredDayCounts, increment: DayIncrement): Required<Pick<StoredDayCounts, 'c'>> & StoredDayCounts {
  const c = copyCounters(stored.c ?? {});
  for (const key of increment.counters) addAtPath(c, key.split('.'));
  if (increment.custom.length === 0) return { c };
  const custom = { ...stored.custom };
  const labels = { ...stored.labels };
  for (const { key, label, by } of increment.custom) {
    custom[key] = (custom[key] ?? 0) + by;
    labels[key] = label;
  }
  return { c, custom, labels };
}

/**
 * A copy of the nested counters, objects copied and numbers kept: structuredClone, which
 * serializes and parses the whole tree, was ~3 % of analytics' busy time in a CPU profile of the
 * pipeline (a copy per business-day written). Anything else is never changed in place (addAtPath
 * replaces what is not an object), so it is shared.
 */
function copyCounters(node: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(node)) {
    const value = node[key];
    copy[key] = value !== null && typeof value === 'object' && !Array.isArray(value) ? copyCounters(value as Record<string, unknown>) : value;
  }
  return copy;
}

/** Adds 1 at a nested path, making the objects on the way; a value in the way that is not an object is replaced (as `$inc` would refuse it, the counters never hold one). */
function addAtPath(node: Record<string, unknown>, path: readonly string[]): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    const current = node[head];
    node[head] = (typeof current === 'number' ? current : 0) + 1;
    return;
  }
  const child = node[head];
  const next = child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  node[head] = next;
  addAtPath(next, rest);
}
