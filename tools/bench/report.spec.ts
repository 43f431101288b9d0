import { evaluate, type EvaluatedFigure } from './goals.ts';
import { describeRun, formatNumber, renderJson, renderSvg, renderTable, tableRows } from './report.ts';

const figures: EvaluatedFigure[] = [
  evaluate({ scenario: 'pipeline', name: 'throughput', value: 735.4, unit: 'events/s', note: '5,000 answers', baseline: { label: 'bare kafkajs', value: 3300 }, goal: { kind: 'ratio-at-least', min: 0.8 } }),
  evaluate({ scenario: 'latency', name: 'p50', value: 12.34, unit: 'ms' }),
  evaluate({ scenario: 'latency', name: 'p99', value: 180, unit: 'ms', goal: { kind: 'at-most', max: 250 } }),
  evaluate({ scenario: 'memory', name: 'peak RSS <requests>', value: Number.NaN, unit: 'MB', goal: { kind: 'at-most', max: 256 } }),
];

describe('formatNumber', () => {
  it('groups thousands, keeps a few digits of small numbers, and says n/a for what was not measured', () => {
    expect(formatNumber(123_456.7)).toBe('123,457');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(0.2222)).toBe('0.22');
    expect(formatNumber(Number.NaN)).toBe('n/a');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('n/a');
  });
});

describe('the table', () => {
  it('has the columns scenario | figure | baseline | ratio | goal | met?', () => {
    const [header, rule] = renderTable(figures).split('\n');
    expect(header!.split('|').map((c) => c.trim())).toEqual(['scenario', 'figure', 'baseline', 'ratio', 'goal', 'met?']);
    expect(rule).toMatch(/^-+(-\|-+)+$/);
  });

  it('puts each figure beside its baseline, the ratio, the goal and the verdict', () => {
    const [pipeline, p50, p99, rss] = tableRows(figures);
    expect(pipeline).toEqual({
      scenario: 'pipeline',
      figure: 'throughput 735 events/s (5,000 answers)',
      baseline: 'bare kafkajs 3,300 events/s',
      ratio: '0.22x',
      goal: '>= 0.8x baseline',
      met: 'NO',
    });
    expect(p50).toMatchObject({ baseline: '', ratio: '', goal: '', met: '' });
    expect(p99).toMatchObject({ goal: '<= 250 ms', met: 'yes' });
    expect(rss).toMatchObject({ figure: 'peak RSS <requests> n/a MB', met: 'NO' });
  });

  it('aligns the columns', () => {
    const lines = renderTable(figures).split('\n');
    const bars = (line: string) => [...line].flatMap((ch, i) => (ch === '|' ? [i] : []));
    for (const line of lines.slice(2)) expect(bars(line)).toEqual(bars(lines[0]!));
  });
});

describe('the JSON document', () => {
  it('writes unmeasured figures as null (JSON has no NaN)', () => {
    const json = renderJson({ startedAt: '2026-11-25T00:00:00.000Z', mode: 'quick', infra: 'local', machine: { cpus: 2, totalMemoryMb: 1, node: 'v24' }, figures, details: {}, failures: [] });
    const parsed = JSON.parse(json) as { figures: { value: number | null }[] };
    expect(parsed.figures.map((f) => f.value)).toEqual([735.4, 12.34, 180, null]);
  });
});

describe('the SVG chart', () => {
  const svg = renderSvg(figures, 'bench & co');

  it('is one SVG document with a row per figure that has a goal', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('pipeline: throughput');
    expect(svg).toContain('latency: p99');
    expect(svg).not.toContain('latency: p50');
  });

  it('colours met goals green and missed ones red, and draws the baseline in grey', () => {
    expect(svg).toContain('fill="#2e7d32"');
    expect(svg).toContain('fill="#c62828"');
    expect(svg).toContain('fill="#9e9e9e"');
  });

  it('states each goal with the ratio it is judged on', () => {
    expect(svg).toContain('goal &gt;= 0.8x baseline, 0.22x (missed)');
    expect(svg).toContain('goal &lt;= 250 ms (met)');
  });

  it('keeps the legend off the title line, so a long title cannot run into it', () => {
    const y = (text: string) => Number(new RegExp(`<text x="\\d+" y="(\\d+)"[^>]*>${text}`).exec(svg)?.[1]);
    expect(y('bench &amp; co')).toBeLessThan(y('green: goal met'));
  });

  it('outlines every value label, so that a goal line crossing it does not run through its letters', () => {
    const valueLabels = svg.split('\n').filter((line) => /^<text x="\d+" y="\d+"[^>]*>[^<]*(ms|MB|req\/s|events\/s)<\/text>$/.test(line));
    expect(valueLabels).toHaveLength(4); // the pipeline and its baseline, p99, peak RSS
    for (const label of valueLabels) expect(label).toContain('paint-order="stroke"');
  });

  it('escapes text', () => {
    expect(svg).toContain('bench &amp; co');
    expect(svg).toContain('peak RSS &lt;requests&gt;');
    expect(svg).not.toContain('<requests>');
  });
});

describe('describeRun', () => {
  it('names the command and the commit measured, and says when the tree had uncommitted changes', () => {
    expect(describeRun({ mode: 'full', infra: 'local', revision: { commit: '0e78612abcde', dirty: false } })).toBe('npm run bench at 0e78612abcde');
    expect(describeRun({ mode: 'quick', infra: 'external', revision: { commit: '0e78612abcde', dirty: true } })).toBe(
      'npm run bench --quick --infra external at 0e78612abcde (with uncommitted changes)',
    );
    expect(describeRun({ mode: 'full', infra: 'containers' })).toBe('npm run bench --infra containers');
  });
});
