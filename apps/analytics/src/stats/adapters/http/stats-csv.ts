import type { GroupFigures, StatsBody } from '../../../domain/stats.policy';

type Leaf = number | null | { suppressed: true };

function leaves(node: unknown, prefix: string, into: Map<string, Leaf>): Map<string, Leaf> {
  if (node === null || typeof node === 'number') into.set(prefix, node);
  else if (typeof node === 'object' && 'suppressed' in (node as object)) into.set(prefix, node as Leaf);
  else if (typeof node === 'object') for (const [key, value] of Object.entries(node as object)) leaves(value, prefix ? `${prefix}.${key}` : key, into);
  return into;
}

/** A CSV field: quoted when needed, and never read as a formula by a spreadsheet. */
function field(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const cell = (value: Leaf | undefined) => (value === undefined || value === null ? '' : typeof value === 'number' ? String(value) : 'suppressed');

/**
 * The stats body as CSV: one line per bucket, then a `total` line; one column
 * per figure (custom-survey labels become `feedback.custom.<label>` columns).
 * A suppressed figure reads `suppressed`; a ratio with nothing to divide is empty.
 */
export function statsCsv(body: StatsBody): string {
  const rows: { kind: string; start: string; end: string; figures: Map<string, Leaf> }[] = [
    ...body.buckets.map(({ start, end, ...figures }) => ({ kind: 'bucket', start, end, figures: leaves(figures as GroupFigures, '', new Map()) })),
    { kind: 'total', start: body.from, end: body.to, figures: leaves(body.totals, '', new Map()) },
  ];
  const columns = [...new Set(rows.flatMap((row) => [...row.figures.keys()]))];
  const header = ['row', 'businessId', 'start', 'end', 'k', ...columns];
  const lines = rows.map((row) => [row.kind, body.businessId ?? 'all', row.start, row.end, String(body.k), ...columns.map((c) => cell(row.figures.get(c)))]);
  return [header, ...lines].map((line) => line.map(field).join(',')).join('\r\n') + '\r\n';
}
