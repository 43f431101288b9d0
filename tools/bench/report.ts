// Renders evaluated figures: the table printed at the end, the JSON document and
// the SVG chart written under bench-results/. Pure (strings in, strings out);
// writing the files is the runner's job.
import { describeGoal, type EvaluatedFigure } from './goals.ts';
import type { InfraSource } from '../stack/infra-source.ts';

/** Thousands grouped for big numbers, a few significant digits for small ones. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  const abs = Math.abs(n);
  if (abs >= 100) return Math.round(n).toLocaleString('en-US');
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

const withUnit = (n: number, unit: string) => `${formatNumber(n)} ${unit}`;

export interface TableRow {
  scenario: string;
  figure: string;
  baseline: string;
  ratio: string;
  goal: string;
  met: string;
}

export function tableRows(figures: readonly EvaluatedFigure[]): TableRow[] {
  return figures.map((f) => ({
    scenario: f.scenario,
    figure: `${f.name} ${withUnit(f.value, f.unit)}${f.note ? ` (${f.note})` : ''}`,
    baseline: f.baseline ? `${f.baseline.label} ${withUnit(f.baseline.value, f.unit)}` : '',
    ratio: f.ratio === undefined ? '' : `${formatNumber(f.ratio)}x`,
    goal: describeGoal(f.goal, f.unit),
    met: f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  }));
}

const COLUMNS: { key: keyof TableRow; title: string }[] = [
  { key: 'scenario', title: 'scenario' },
  { key: 'figure', title: 'figure' },
  { key: 'baseline', title: 'baseline' },
  { key: 'ratio', title: 'ratio' },
  { key: 'goal', title: 'goal' },
  { key: 'met', title: 'met?' },
];

/** A plain-text table with a header rule, columns padded to their widest cell. */
export function renderTable(figures: readonly EvaluatedFigure[]): string {
  const rows = tableRows(figures);
  const widths = COLUMNS.map((c) => Math.max(c.title.length, ...rows.map((r) => r[c.key].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(COLUMNS.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map((r) => line(COLUMNS.map((c) => r[c.key])))].join('\n');
}

export interface BenchDocument {
  /** ISO time the run started. */
  startedAt: string;
  mode: 'quick' | 'full';
  /** Where the broker, the store and MailDev ran (`--infra`, tools/stack/infra-source.ts). */
  infra: InfraSource;
  machine: { cpus: number; totalMemoryMb: number; node: string };
  /** The commit measured, and whether the working tree differed from it (absent outside a git checkout). */
  revision?: { commit: string; dirty: boolean };
  figures: EvaluatedFigure[];
  /** Per-scenario raw details (sizes, timings, methods), for whoever digs deeper. */
  details: Record<string, unknown>;
  /** Scenarios that failed, with their error; their figures are NaN. */
  failures: { scenario: string; error: string }[];
}

/** How a run names itself (its first line, the chart's title, table.txt): the command and the commit measured. */
export function describeRun(doc: Pick<BenchDocument, 'mode' | 'infra' | 'revision'>): string {
  const flags = `${doc.mode === 'quick' ? ' --quick' : ''}${doc.infra === 'local' ? '' : ` --infra ${doc.infra}`}`;
  const code = doc.revision ? ` at ${doc.revision.commit}${doc.revision.dirty ? ' (with uncommitted changes)' : ''}` : '';
  return `npm run bench${flags}${code}`;
}

/** JSON with NaN written as null (JSON has no NaN). */
export function renderJson(doc: BenchDocument): string {
  return `${JSON.stringify(doc, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Where the goal's line falls on the figure's own scale (for a ratio goal: that multiple of the baseline). */
function goalLimit(f: EvaluatedFigure): number | undefined {
  switch (f.goal?.kind) {
    case 'at-most':
      return f.goal.max;
    case 'ratio-at-least':
      return f.baseline ? f.goal.min * f.baseline.value : undefined;
    case 'ratio-at-most':
      return f.baseline ? f.goal.max * f.baseline.value : undefined;
    default:
      return undefined;
  }
}

/** The figure against its baseline, beside the goal in the chart: ", 0.44x". */
const ratioText = (f: EvaluatedFigure) => (f.ratio !== undefined && Number.isFinite(f.ratio) ? `, ${formatNumber(f.ratio)}x` : '');

/** A white outline under a value label's letters, so that a goal's dashed line crossing it does not run through them. */
const HALO = ' stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"';

/**
 * A horizontal bar chart, one row per figure that has a goal. Units differ from
 * row to row, so each row has its own scale: with a baseline, the figure's bar
 * beside the baseline's; without one, the figure's bar against a marker at the
 * goal's limit. Green meets the goal, red misses it, grey is the baseline, the
 * dashed line is the goal's limit.
 */
export function renderSvg(figures: readonly EvaluatedFigure[], title: string): string {
  const rows = figures.filter((f) => f.goal);
  const width = 1100;
  const labelWidth = 300;
  // room on the right for the longest value label (a baseline name and its figure)
  const barArea = width - labelWidth - 330;
  const rowHeight = 54;
  // the title, then the legend on a line of its own (a long title ran into it)
  const top = 62;
  const height = top + rows.length * rowHeight + 20;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="12" y="44" fill="#555555">green: goal met · red: missed · grey: baseline, measured in the same run · dashed line: the goal's limit</text>`,
  ];
  rows.forEach((f, i) => {
    const y = top + i * rowHeight;
    const colour = f.met ? '#2e7d32' : '#c62828';
    const value = Number.isFinite(f.value) ? f.value : 0;
    const limit = goalLimit(f);
    const scaleMax = Math.max(value, f.baseline?.value ?? 0, limit ?? 0) || 1;
    const length = (v: number) => Math.max(1, Math.round((v / scaleMax) * barArea));
    // The goal's line first, so that the bars and their labels are drawn over it.
    if (limit !== undefined) {
      const x = labelWidth + length(limit);
      parts.push(`<line x1="${x}" y1="${y}" x2="${x}" y2="${y + 44}" stroke="#000000" stroke-dasharray="4 3"/>`);
    }
    parts.push(`<text x="12" y="${y + 16}">${escapeXml(`${f.scenario}: ${f.name}`)}</text>`);
    parts.push(`<text x="12" y="${y + 32}" fill="#555555">${escapeXml(`goal ${describeGoal(f.goal, f.unit)}${ratioText(f)}${f.met === undefined ? '' : f.met ? ' (met)' : ' (missed)'}`)}</text>`);
    parts.push(`<rect x="${labelWidth}" y="${y + 4}" width="${length(value)}" height="16" fill="${colour}"/>`);
    parts.push(`<text x="${labelWidth + length(value) + 6}" y="${y + 16}"${HALO}>${escapeXml(withUnit(f.value, f.unit))}</text>`);
    if (f.baseline) {
      parts.push(`<rect x="${labelWidth}" y="${y + 24}" width="${length(f.baseline.value)}" height="16" fill="#9e9e9e"/>`);
      parts.push(`<text x="${labelWidth + length(f.baseline.value) + 6}" y="${y + 36}" fill="#555555"${HALO}>${escapeXml(`${f.baseline.label} ${withUnit(f.baseline.value, f.unit)}`)}</text>`);
    }
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
