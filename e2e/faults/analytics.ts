import { withDatabase } from '../src/support';

/** Sum of one analytics counter (e.g. `feedback.csat.4`) over days of analytics' `business_days`. */
export function analyticsCounter(days: { c?: Record<string, unknown> }[], key: string): number {
  let sum = 0;
  for (const day of days) {
    let node: unknown = day.c;
    for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
    sum += typeof node === 'number' ? node : 0;
  }
  return sum;
}

/** A business's days as analytics stores them (in the database of `prefix`, default the stack's own). */
export function businessDays(businessId: string, prefix?: string): Promise<{ c?: Record<string, unknown> }[]> {
  return withDatabase('analytics', (db) => db.collection<{ c?: Record<string, unknown> }>('business_days').find({ businessId }).toArray(), prefix);
}
