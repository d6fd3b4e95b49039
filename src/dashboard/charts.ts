import { texts } from './texts.js';
import { html, type SafeHtml } from './html.js';

/**
 * Charts as inline SVG, drawn on the server: no script, no library. Every chart is an
 * image with a title and a description (role="img"), series differ by pattern and are
 * named in a legend (never by colour alone), and the numbers are one click or key
 * press away in a table (`<details>`). The SVG is the picture; the table is the data.
 */
const t = () => texts().charts;

export interface Pattern {
  /** Background and foreground; the shape tells series apart, colour only helps. */
  bg: string;
  fg: string;
  shape: 'solid' | 'diagonal' | 'dots' | 'cross' | 'vertical';
}

/** Five distinct patterns (one per knelpunt status), readable in greyscale. */
export const PATTERNS: readonly Pattern[] = [
  { bg: '#154273', fg: '#154273', shape: 'solid' },
  { bg: '#dbe5f0', fg: '#154273', shape: 'diagonal' },
  { bg: '#fff4d6', fg: '#5c4300', shape: 'dots' },
  { bg: '#e3f1e5', fg: '#1f5c2b', shape: 'cross' },
  { bg: '#ececec', fg: '#3d3d3d', shape: 'vertical' },
];

function patternDef(id: string, p: Pattern): SafeHtml {
  const shape =
    p.shape === 'solid' ? html``
    : p.shape === 'diagonal' ? html`<path d="M-2,2 l4,-4 M0,10 l10,-10 M8,12 l4,-4" stroke="${p.fg}" stroke-width="2.5"/>`
    : p.shape === 'dots' ? html`<circle cx="5" cy="5" r="2.2" fill="${p.fg}"/>`
    : p.shape === 'cross' ? html`<path d="M0,5 h10 M5,0 v10" stroke="${p.fg}" stroke-width="2"/>`
    : html`<path d="M3,0 v10 M8,0 v10" stroke="${p.fg}" stroke-width="2"/>`;
  return html`<pattern id="${id}" width="10" height="10" patternUnits="userSpaceOnUse"><rect width="10" height="10" fill="${p.bg}"/>${shape}</pattern>`;
}

const nf = new Intl.NumberFormat('nl-NL');
export const formatNumber = (n: number): string => nf.format(n);

/** Short labels stay inside the drawing; the table always has the full text. */
function clip(label: string, max: number): string {
  const chars = [...label];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : label;
}

function figure(id: string, title: string, svg: SafeHtml, table: SafeHtml): SafeHtml {
  return html`<figure class="chart" aria-labelledby="${id}-caption">
  <figcaption class="chart__caption" id="${id}-caption">${title}</figcaption>
  <div class="chart__scroll" role="region" tabindex="0" aria-labelledby="${id}-caption">${svg}</div>
  <details class="chart__data">
    <summary>${t().showTable}</summary>
    <div class="table-wrap" role="region" tabindex="0" aria-label="${title}">${table}</div>
  </details>
</figure>`;
}

export interface StackedRow {
  label: string;
  values: number[];
}

export interface StackedChart {
  id: string;
  title: string;
  desc: string;
  /** Header of the first table column (e.g. "Opgave"). */
  rowHeader: string;
  series: { label: string; pattern: Pattern }[];
  rows: StackedRow[];
}

/** Horizontal stacked bars, one per row, with a legend of patterns and each bar's total. */
export function stackedBarChart(c: StackedChart): SafeHtml {
  const W = 720;
  const labelW = 230;
  const barArea = W - labelW - 60;
  const rowH = 30;
  const legendH = 24 * Math.ceil(c.series.length / 3) + 10;
  const H = legendH + Math.max(1, c.rows.length) * rowH + 10;
  const max = Math.max(1, ...c.rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const defs = c.series.map((s, i) => patternDef(`${c.id}-p${i}`, s.pattern));
  const legend = c.series.map((s, i) => {
    const x = (i % 3) * 230;
    const y = Math.floor(i / 3) * 24 + 4;
    return html`<g transform="translate(${x},${y})"><rect width="18" height="18" fill="url(#${c.id}-p${i})" stroke="#1b1b1b"/><text x="26" y="14" class="chart__text">${s.label}</text></g>`;
  });
  const bars = c.rows.map((r, ri) => {
    const y = legendH + ri * rowH;
    const total = r.values.reduce((a, b) => a + b, 0);
    let x = labelW;
    const segments = r.values.map((v, si) => {
      if (v === 0) return html``;
      const w = (v / max) * barArea;
      const seg = html`<rect x="${x.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 10}" fill="url(#${c.id}-p${si})" stroke="#ffffff" stroke-width="1"><title>${r.label}, ${c.series[si]!.label}: ${formatNumber(v)}</title></rect>`;
      x += w;
      return seg;
    });
    return html`<g><text x="${labelW - 8}" y="${y + rowH / 2 + 4}" text-anchor="end" class="chart__text">${clip(r.label, 30)}</text>${segments}<text x="${(x + 6).toFixed(1)}" y="${y + rowH / 2 + 4}" class="chart__text chart__text--strong">${formatNumber(total)}</text></g>`;
  });
  const svg = html`<svg class="chart__svg" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${c.id}-title ${c.id}-desc" focusable="false">
<title id="${c.id}-title">${c.title}</title><desc id="${c.id}-desc">${c.desc}</desc>
<defs>${defs}</defs>${legend}<line x1="${labelW}" y1="${legendH}" x2="${labelW}" y2="${H - 6}" stroke="#1b1b1b"/>${bars}</svg>`;
  const table = html`<table class="data-table">
  <caption>${c.title}</caption>
  <thead><tr><th scope="col">${c.rowHeader}</th>${c.series.map((s) => html`<th scope="col" class="num">${s.label}</th>`)}<th scope="col" class="num">${t().total}</th></tr></thead>
  <tbody>${c.rows.map((r) => html`<tr><th scope="row">${r.label}</th>${r.values.map((v) => html`<td class="num">${formatNumber(v)}</td>`)}<td class="num">${formatNumber(r.values.reduce((a, b) => a + b, 0))}</td></tr>`)}</tbody>
</table>`;
  return figure(c.id, c.title, svg, table);
}

export interface ColumnChart {
  id: string;
  title: string;
  desc: string;
  /** Column labels under the bars (shown every `tickEvery`) and in the table. */
  labels: string[];
  /** Longer labels for the table (defaults to `labels`). */
  tableLabels?: string[];
  values: number[];
  labelHeader: string;
  valueHeader: string;
  tickEvery?: number;
}

/** Vertical columns (one series, one pattern), value on top of every non-empty column. */
export function columnChart(c: ColumnChart): SafeHtml {
  const W = 720;
  const H = 240;
  const left = 44;
  const bottom = 40;
  const top = 20;
  const n = Math.max(1, c.values.length);
  const max = Math.max(1, ...c.values);
  const step = (W - left - 10) / n;
  const plotH = H - top - bottom;
  const y = (v: number): number => top + plotH - (v / max) * plotH;
  const grid = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i).map(
    (v) => html`<line x1="${left}" x2="${W - 10}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#8a8a8a" stroke-dasharray="${v === 0 ? '' : '3 3'}"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="chart__text">${formatNumber(v)}</text>`,
  );
  const every = c.tickEvery ?? 4;
  const cols = c.values.map((v, i) => {
    const x = left + i * step + step * 0.15;
    const w = step * 0.7;
    const label = c.labels[i] ?? '';
    const bar = v > 0
      ? html`<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${w.toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="#154273"><title>${c.tableLabels?.[i] ?? label}: ${formatNumber(v)}</title></rect><text x="${(x + w / 2).toFixed(1)}" y="${(y(v) - 4).toFixed(1)}" text-anchor="middle" class="chart__text chart__text--small">${formatNumber(v)}</text>`
      : html``;
    const tick = (c.values.length - 1 - i) % every === 0
      ? html`<text x="${(x + w / 2).toFixed(1)}" y="${H - bottom + 18}" text-anchor="middle" class="chart__text chart__text--small">${label}</text>`
      : html``;
    return html`<g>${bar}${tick}</g>`;
  });
  const svg = html`<svg class="chart__svg" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${c.id}-title ${c.id}-desc" focusable="false">
<title id="${c.id}-title">${c.title}</title><desc id="${c.id}-desc">${c.desc}</desc>${grid}${cols}</svg>`;
  const table = html`<table class="data-table">
  <caption>${c.title}</caption>
  <thead><tr><th scope="col">${c.labelHeader}</th><th scope="col" class="num">${c.valueHeader}</th></tr></thead>
  <tbody>${c.values.map((v, i) => html`<tr><th scope="row">${c.tableLabels?.[i] ?? c.labels[i] ?? ''}</th><td class="num">${formatNumber(v)}</td></tr>`)}</tbody>
</table>`;
  return figure(c.id, c.title, svg, table);
}
