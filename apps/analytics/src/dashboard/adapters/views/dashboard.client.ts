/// <reference lib="dom" />
// The analyst dashboard's only script, served from /dashboard/assets (CSP: scripts from 'self').
// A plain browser script (no imports or exports): the build turns it into dashboard.client.js.
// The API token stays in this tab's sessionStorage and travels only in the Authorization header.
(() => {
  type Suppressed = { suppressed: true };
  type Figure = number | null | Suppressed;
  type FigureMap = Record<string, Figure>;
  interface Group {
    feedback: {
      requested: Figure;
      answered: Figure;
      declined: Figure;
      expired: Figure;
      responseRate: Figure;
      csat: { count: Figure; mean: Figure; distribution: FigureMap };
      nps: { count: Figure; score: Figure; promoters: Figure; passives: Figure; detractors: Figure };
      custom: FigureMap;
    };
    information: { requested: Figure; answered: Figure; declined: Figure; expired: Figure; sharedFields: FigureMap };
    reports: { byReason: FigureMap; byDecision: FigureMap };
  }
  interface Bucket extends Group {
    start: string;
    end: string;
  }
  interface Stats {
    businessId: string | null;
    from: string;
    to: string;
    granularity: string;
    k: number;
    buckets: Bucket[];
    totals: Group;
  }
  interface Bar {
    label: string;
    value: Figure;
  }

  const TOKEN_KEY = 'feedback-analytics-token';
  const SVG = 'http://www.w3.org/2000/svg';
  const textsElement = document.getElementById('dashboard-texts');
  const T = JSON.parse(textsElement?.textContent ?? '{}') as Record<string, string>;
  const t = (key: string, values: Record<string, string | number> = {}) => (T[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));

  const byId = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
  const signIn = byId<HTMLElement>('sign-in');
  const signInForm = byId<HTMLFormElement>('sign-in-form');
  const tokenInput = byId<HTMLInputElement>('token');
  const dashboard = byId<HTMLElement>('dashboard');
  const filters = byId<HTMLFormElement>('filters');
  const businessSelect = byId<HTMLSelectElement>('business');
  const fromInput = byId<HTMLInputElement>('from');
  const toInput = byId<HTMLInputElement>('to');
  const granularitySelect = byId<HTMLSelectElement>('granularity');
  const status = byId<HTMLElement>('status');
  const results = byId<HTMLElement>('results');
  const summary = byId<HTMLElement>('summary');
  const signedInAs = byId<HTMLElement>('signed-in-as');
  const signOut = byId<HTMLButtonElement>('sign-out');
  const downloadCsv = byId<HTMLButtonElement>('download-csv');

  const isSuppressed = (f: Figure): f is Suppressed => typeof f === 'object' && f !== null;
  const num = (f: Figure) => (typeof f === 'number' ? f : 0);
  const formatCount = (f: Figure) => (isSuppressed(f) ? t('suppressed') : f === null ? t('none') : f.toLocaleString('en'));
  const formatPercent = (f: Figure) => (isSuppressed(f) ? t('suppressed') : f === null ? t('none') : `${(f * 100).toFixed(1)}%`);
  /** A rate from its counts when both are published (the API rounds rates to 4 decimals). */
  const rateOf = (answered: Figure, requested: Figure, published: Figure): Figure =>
    typeof answered === 'number' && typeof requested === 'number' && requested > 0 ? Math.min(1, answered / requested) : published;
  const formatDecimal = (f: Figure) => (isSuppressed(f) ? t('suppressed') : f === null ? t('none') : String(Number(f.toFixed(2))));
  const today = () => new Date().toISOString().slice(0, 10);
  const shiftDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const bucketLabel = (b: Bucket) => (b.start === b.end ? b.start : `${b.start} – ${b.end}`);

  /** Claims of a token, read for display only (the API verifies it). */
  function claims(token: string): { role?: string; businessId?: string; sub?: string } {
    try {
      const payload = token.split('.')[1] ?? '';
      return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { role?: string; businessId?: string; sub?: string };
    } catch {
      return {};
    }
  }

  function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }
  function svg(tag: string, attributes: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    node.append(...children);
    return node;
  }

  async function api(path: string, accept = 'application/json'): Promise<Response> {
    const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
    return fetch(path, { headers: { authorization: `Bearer ${token}`, accept }, cache: 'no-store', credentials: 'omit' });
  }

  // ---- errors tied to their fields -------------------------------------------------------------
  function setFieldError(input: HTMLInputElement | HTMLSelectElement, message: string | undefined): void {
    const error = byId<HTMLElement>(`${input.id}-error`);
    const hint = input.dataset.hint ? `${input.dataset.hint} ` : '';
    if (message) {
      error.textContent = message;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${hint}${error.id}`.trim());
    } else {
      error.textContent = '';
      error.hidden = true;
      input.removeAttribute('aria-invalid');
      if (hint) input.setAttribute('aria-describedby', hint.trim());
      else input.removeAttribute('aria-describedby');
    }
  }

  // ---- sign-in ---------------------------------------------------------------------------------
  function showSignIn(message?: string): void {
    sessionStorage.removeItem(TOKEN_KEY);
    dashboard.hidden = true;
    signOut.hidden = true;
    signIn.hidden = false;
    tokenInput.value = '';
    setFieldError(tokenInput, message);
    tokenInput.focus();
  }

  async function verify(token: string): Promise<string | undefined> {
    const who = claims(token);
    sessionStorage.setItem(TOKEN_KEY, token);
    const probe = who.role === 'business' || who.role === 'processor' ? `/v1/stats/businesses/${encodeURIComponent(who.businessId ?? '')}?granularity=day&from=${today()}&to=${today()}` : '/v1/stats/businesses';
    const response = await api(probe).catch(() => undefined);
    if (!response) return t('errorNetwork');
    if (response.status === 401) return t('errorTokenRejected');
    if (response.status === 403) return t('errorTokenRole');
    if (!response.ok) return t('errorServer');
    return undefined;
  }

  signInForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    if (!token) return setFieldError(tokenInput, t('errorTokenMissing'));
    void verify(token).then((problem) => {
      if (problem) {
        sessionStorage.removeItem(TOKEN_KEY);
        setFieldError(tokenInput, problem);
        tokenInput.focus();
        return;
      }
      tokenInput.value = '';
      setFieldError(tokenInput, undefined);
      void openDashboard(true);
    });
  });

  signOut.addEventListener('click', () => showSignIn());

  async function openDashboard(moveFocus: boolean): Promise<void> {
    const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
    const who = claims(token);
    signIn.hidden = true;
    dashboard.hidden = false;
    signOut.hidden = false;
    signedInAs.textContent = t('signedInAs', { role: who.role ?? '?', sub: who.sub ?? '?' });
    businessSelect.replaceChildren();
    if (who.role === 'business' || who.role === 'processor') {
      businessSelect.append(el('option', { value: who.businessId ?? '' }, who.businessId ?? ''));
    } else {
      businessSelect.append(el('option', { value: '' }, t('allBusinesses')));
      const response = await api('/v1/stats/businesses');
      if (response.status === 401) return showSignIn(t('errorTokenRejected'));
      if (response.ok) {
        const { items } = (await response.json()) as { items: { businessId: string; name?: string }[] };
        for (const item of items) businessSelect.append(el('option', { value: item.businessId }, item.name ? `${item.name} (${item.businessId})` : item.businessId));
      }
    }
    if (!toInput.value) toInput.value = today();
    if (!fromInput.value) fromInput.value = shiftDays(toInput.value, -29);
    if (moveFocus) byId<HTMLElement>('dashboard-title').focus();
    await load();
  }

  // ---- filters ---------------------------------------------------------------------------------
  function statsPath(): string {
    const query = new URLSearchParams({ from: fromInput.value, to: toInput.value, granularity: granularitySelect.value });
    const business = businessSelect.value;
    return business ? `/v1/stats/businesses/${encodeURIComponent(business)}?${query}` : `/v1/stats/overview?${query}`;
  }

  function checkFilters(): boolean {
    setFieldError(fromInput, undefined);
    setFieldError(toInput, undefined);
    if (!fromInput.value) setFieldError(fromInput, t('errorDateMissing'));
    if (!toInput.value) setFieldError(toInput, t('errorDateMissing'));
    if (fromInput.value && toInput.value && fromInput.value > toInput.value) setFieldError(fromInput, t('errorRangeReversed'));
    const invalid = [fromInput, toInput].find((input) => input.getAttribute('aria-invalid') === 'true');
    invalid?.focus();
    return !invalid;
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    if (checkFilters()) void load();
  });

  let current: Stats | undefined;

  async function load(): Promise<void> {
    results.setAttribute('aria-busy', 'true');
    status.textContent = t('loading');
    const response = await api(statsPath()).catch(() => undefined);
    results.setAttribute('aria-busy', 'false');
    if (!response) {
      status.textContent = t('errorNetwork');
      return;
    }
    if (response.status === 401) return showSignIn(t('errorTokenExpired'));
    if (response.status === 400) {
      const body = (await response.json()) as { fields?: { field: string; problems: string[] }[]; message?: string };
      for (const field of body.fields ?? []) {
        const input = ({ from: fromInput, to: toInput } as Record<string, HTMLInputElement>)[field.field];
        if (input) setFieldError(input, field.problems.join(', '));
      }
      status.textContent = t('errorFilters', { message: body.message ?? '' });
      return;
    }
    if (!response.ok) {
      status.textContent = response.status === 403 ? t('errorTokenRole') : t('errorServer');
      return;
    }
    current = (await response.json()) as Stats;
    render(current);
    const scope = businessSelect.selectedOptions[0]?.textContent ?? '';
    status.textContent = t('showing', { scope, from: current.from, to: current.to, granularity: granularitySelect.selectedOptions[0]?.textContent ?? current.granularity, buckets: current.buckets.length });
  }

  downloadCsv.addEventListener('click', () => {
    void (async () => {
      const response = await api(statsPath(), 'text/csv').catch(() => undefined);
      if (!response || !response.ok) {
        status.textContent = response?.status === 401 ? t('errorTokenExpired') : t('errorServer');
        return;
      }
      const disposition = response.headers.get('content-disposition') ?? '';
      const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'stats.csv';
      const url = URL.createObjectURL(await response.blob());
      const link = el('a', { href: url, download: name });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      status.textContent = t('downloaded', { name });
    })();
  });

  // ---- rendering -------------------------------------------------------------------------------
  function render(stats: Stats): void {
    const f = stats.totals.feedback;
    const i = stats.totals.information;
    const items: [string, string][] = [
      [t('requested'), formatCount(f.requested)],
      [t('answered'), formatCount(f.answered)],
      [t('responseRate'), formatPercent(rateOf(f.answered, f.requested, f.responseRate))],
      [t('csatMean'), formatDecimal(f.csat.mean)],
      [t('npsScore'), formatDecimal(f.nps.score)],
      [t('informationRequested'), formatCount(i.requested)],
    ];
    summary.replaceChildren(
      ...items.map(([term, value]) => el('div', { class: isSuppressedText(value) ? 'metric suppressed' : 'metric' }, el('dt', {}, term), el('dd', {}, value))),
    );
    byId<HTMLElement>('k-note').textContent = t('kNote', { k: stats.k });

    const labels = stats.buckets.map(bucketLabel);
    renderChart('response-rate', t('chartResponseRate'), t('chartResponseRateDesc'), columnChart(stats.buckets.map((b, n) => ({ label: labels[n]!, value: rateOf(b.feedback.answered, b.feedback.requested, b.feedback.responseRate) })), 1, formatPercent), [
      t('bucket'),
      t('requested'),
      t('answered'),
      t('responseRate'),
    ], stats.buckets.map((b, n) => [labels[n]!, formatCount(b.feedback.requested), formatCount(b.feedback.answered), formatPercent(rateOf(b.feedback.answered, b.feedback.requested, b.feedback.responseRate))]));

    const csat = f.csat.distribution;
    renderChart('csat', t('chartCsat'), t('chartCsatDesc'), barChart(['1', '2', '3', '4', '5'].map((s) => ({ label: t('csatScore', { score: s }), value: csat[s] ?? 0 }))), [t('score'), t('answers')], ['1', '2', '3', '4', '5'].map((s) => [s, formatCount(csat[s] ?? 0)]));

    renderChart('nps', t('chartNps'), t('chartNpsDesc'), lineChart(stats.buckets.map((b, n) => ({ label: labels[n]!, value: b.feedback.nps.score }))), [t('bucket'), t('npsScore'), t('promoters'), t('passives'), t('detractors')], stats.buckets.map((b, n) => [
      labels[n]!,
      formatDecimal(b.feedback.nps.score),
      formatCount(b.feedback.nps.promoters),
      formatCount(b.feedback.nps.passives),
      formatCount(b.feedback.nps.detractors),
    ]));

    const funnel: Bar[] = [
      { label: t('requested'), value: i.requested },
      { label: t('answered'), value: i.answered },
      { label: t('declined'), value: i.declined },
      { label: t('expired'), value: i.expired },
      ...Object.entries(i.sharedFields).map(([field, value]) => ({ label: t('shared', { field: t(`field_${field}`) }), value })),
    ];
    renderChart('funnel', t('chartFunnel'), t('chartFunnelDesc'), barChart(funnel), [t('step'), t('count')], funnel.map((bar) => [bar.label, formatCount(bar.value)]));

    const custom: Bar[] = Object.entries(f.custom).map(([label, value]) => ({ label, value }));
    renderChart('custom', t('chartCustom'), t('chartCustomDesc'), barChart(custom.length ? custom : [{ label: t('noCustom'), value: 0 }]), [t('option'), t('answers')], custom.map((bar) => [bar.label, formatCount(bar.value)]));

    const reasons: Bar[] = Object.entries(stats.totals.reports.byReason).map(([reason, value]) => ({ label: t(`reason_${reason}`), value }));
    const decisions: Bar[] = Object.entries(stats.totals.reports.byDecision).map(([decision, value]) => ({ label: t(`decision_${decision}`), value }));
    renderChart('reports', t('chartReports'), t('chartReportsDesc'), barChart(reasons), [t('reasonOrDecision'), t('count')], [...reasons, ...decisions].map((bar) => [bar.label, formatCount(bar.value)]));
  }

  const isSuppressedText = (text: string) => text === t('suppressed');

  function renderChart(id: string, title: string, description: string, chart: SVGElement, head: string[], rows: string[][]): void {
    const section = byId<HTMLElement>(`chart-${id}`);
    const titleId = `chart-${id}-svg-title`;
    const descId = `chart-${id}-svg-desc`;
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-labelledby', `${titleId} ${descId}`);
    chart.prepend(svg('title', { id: titleId }, title), svg('desc', { id: descId }, description));
    const table = el(
      'table',
      {},
      el('caption', {}, t('tableOf', { title })),
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map((row) => el('tr', {}, el('th', { scope: 'row' }, row[0]!), ...row.slice(1).map((value) => el('td', isSuppressedText(value) ? { class: 'suppressed' } : {}, value))))),
    );
    const legend = rows.some((row) => row.some(isSuppressedText))
      ? [el('p', { class: 'legend' }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), t('legendSuppressed'))]
      : [];
    section.replaceChildren(el('h3', { id: `chart-${id}-title` }, title), el('div', { class: 'chart-frame' }, chart), ...legend, el('details', {}, el('summary', {}, t('showTable')), table));
  }

  function defs(): SVGElement {
    return svg('defs', {}, svg('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, svg('rect', { width: 6, height: 6, fill: '#ffffff' }), svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#595959', 'stroke-width': 2 })));
  }

  /** Horizontal bars with their value written beside them; a suppressed bar is hatched and says so. */
  function barChart(bars: Bar[]): SVGElement {
    const rowHeight = 28;
    const labelWidth = 210;
    const width = 560;
    const plot = width - labelWidth - 110;
    const max = Math.max(1, ...bars.map((b) => num(b.value)));
    const chart = svg('svg', { viewBox: `0 0 ${width} ${bars.length * rowHeight + 10}`, class: 'chart bars' }, defs());
    bars.forEach((bar, n) => {
      const y = n * rowHeight + 5;
      const suppressed = isSuppressed(bar.value);
      const length = suppressed ? plot : Math.round((num(bar.value) / max) * plot);
      chart.append(
        svg('text', { x: labelWidth - 8, y: y + 18, 'text-anchor': 'end', class: 'label' }, bar.label),
        svg('rect', { x: labelWidth, y: y + 4, width: Math.max(suppressed ? plot : 1, length), height: rowHeight - 10, class: suppressed ? 'bar suppressed' : 'bar', fill: suppressed ? 'url(#hatch)' : '#1a4d2e' }),
        svg('text', { x: labelWidth + (suppressed ? plot : length) + 6, y: y + 18, class: suppressed ? 'value suppressed' : 'value' }, formatCount(bar.value)),
      );
    });
    return chart;
  }

  /** Vertical bars per bucket on a fixed scale (0..max); suppressed buckets are hatched to full height. */
  function columnChart(bars: Bar[], max: number, format: (f: Figure) => string): SVGElement {
    const height = 220;
    const top = 24;
    const bottom = 40;
    const left = 52;
    const width = 560;
    const step = (width - left - 10) / Math.max(1, bars.length);
    const plot = height - top - bottom;
    const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart columns' }, defs());
    for (const tick of [0, 0.5, 1]) {
      const y = top + plot - tick * plot;
      chart.append(svg('line', { x1: left, x2: width - 10, y1: y, y2: y, class: 'grid' }), svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, `${Math.round(tick * max * 100)}%`));
    }
    const every = Math.ceil(bars.length / 8);
    bars.forEach((bar, n) => {
      const x = left + n * step + step * 0.15;
      const w = Math.max(2, step * 0.7);
      const suppressed = isSuppressed(bar.value);
      const h = suppressed ? plot : Math.round((num(bar.value) / max) * plot);
      const group = svg('g', { class: suppressed ? 'column suppressed' : 'column' });
      group.append(svg('rect', { x, y: top + plot - h, width: w, height: Math.max(suppressed ? plot : 0, h), fill: suppressed ? 'url(#hatch)' : '#1a4d2e' }));
      if (bars.length <= 16) group.append(svg('text', { x: x + w / 2, y: top + plot - h - 6, 'text-anchor': 'middle', class: 'value' }, suppressed ? 'S' : bar.value === null ? '–' : format(bar.value)));
      if (n % every === 0) group.append(svg('text', { x: x + w / 2, y: height - bottom + 16, 'text-anchor': 'middle', class: 'axis' }, bar.label.slice(5, 10)));
      chart.append(group);
    });
    return chart;
  }

  /** NPS score per bucket (-100..100); a suppressed bucket is a hatched band, a bucket without answers a gap. */
  function lineChart(points: Bar[]): SVGElement {
    const height = 220;
    const top = 16;
    const bottom = 40;
    const left = 44;
    const width = 560;
    const step = (width - left - 10) / Math.max(1, points.length);
    const plot = height - top - bottom;
    const yOf = (score: number) => top + ((100 - score) / 200) * plot;
    const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart line' }, defs());
    for (const tick of [-100, 0, 100]) chart.append(svg('line', { x1: left, x2: width - 10, y1: yOf(tick), y2: yOf(tick), class: 'grid' }), svg('text', { x: left - 6, y: yOf(tick) + 4, 'text-anchor': 'end', class: 'axis' }, String(tick)));
    const segments: string[][] = [[]];
    const every = Math.ceil(points.length / 8);
    points.forEach((point, n) => {
      const x = left + n * step + step / 2;
      if (typeof point.value === 'number') {
        segments[segments.length - 1]!.push(`${x.toFixed(1)},${yOf(point.value).toFixed(1)}`);
        chart.append(svg('circle', { cx: x, cy: yOf(point.value), r: 4, class: 'point' }));
        if (points.length <= 16) chart.append(svg('text', { x, y: yOf(point.value) - 8, 'text-anchor': 'middle', class: 'value' }, formatDecimal(point.value)));
      } else {
        segments.push([]);
        if (isSuppressed(point.value)) chart.append(svg('rect', { x: x - step * 0.35, y: top, width: step * 0.7, height: plot, fill: 'url(#hatch)', class: 'suppressed' }));
      }
      if (n % every === 0) chart.append(svg('text', { x, y: height - bottom + 16, 'text-anchor': 'middle', class: 'axis' }, point.label.slice(5, 10)));
    });
    const d = segments.filter((segment) => segment.length > 0).map((segment) => `M${segment.join(' L')}`).join(' ');
    if (d) chart.append(svg('path', { d, class: 'trend', fill: 'none' }));
    return chart;
  }

  // ---- start -----------------------------------------------------------------------------------
  if (sessionStorage.getItem(TOKEN_KEY)) void openDashboard(false);
  else {
    signIn.hidden = false;
    dashboard.hidden = true;
  }
})();
