import { html, type SafeHtml } from './html.js';
import { texts } from './texts.js';

/**
 * Charts as inline SVG, drawn on the server: no script, no library. Every chart is an
 * image with a title and a description (role="img"), series differ by pattern and are
 * named in a legend (never by colour alone), and the numbers are one click or key
 * press away in a table (`<details>`). The SVG is the picture; the table is the data.
 *
 * Each chart is drawn twice: wide, and narrow for a phone or 200% zoom (bars under
 * their labels, one legend item per line). The stylesheet shows one of the two, so a
 * chart is never wider than the screen and its text stays at its size; labels wrap
 * instead of being cut off.
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

/** The narrow drawing's width in SVG units: shown at its own size (one unit, one CSS pixel) on a 360 px screen. */
export const NARROW_WIDTH = 320;
const WIDE_WIDTH = 720;
/** About how many characters of 13 px text fit in a width (the average glyph is narrower; this errs on the safe side). */
const charsIn = (width: number): number => Math.floor(width / 7.5);
const LINE = 15;

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

/**
 * A label in lines of at most `max` characters, broken between words; a word longer
 * than a line is split. More than `maxLines` lines end in "…" (the table has the full text).
 */
export function wrapLabel(label: string, max: number, maxLines = 3): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/).filter(Boolean)) {
    let rest = [...word];
    while (rest.length > max) {
      if (line) lines.push(line);
      lines.push(rest.slice(0, max).join(''));
      line = '';
      rest = rest.slice(max);
    }
    const w = rest.join('');
    if (!w) continue;
    if (!line) line = w;
    else if ([...line].length + 1 + rest.length <= max) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = [...kept[maxLines - 1]!];
  kept[maxLines - 1] = `${last.slice(0, Math.max(1, max - 1)).join('')}…`;
  return kept;
}

/** Multi-line text: the first line's baseline at `y`, the others under it. */
function lines(parts: readonly string[], x: number, y: number, attrs: { anchor?: 'end'; cls?: string } = {}): SafeHtml {
  return html`<text x="${x}" y="${y}"${attrs.anchor ? html` text-anchor="${attrs.anchor}"` : html``} class="chart__text${attrs.cls ? ` ${attrs.cls}` : ''}">${parts.map(
    (p, i) => html`<tspan x="${x}"${i > 0 ? html` dy="${LINE}"` : html``}>${p}</tspan>`,
  )}</text>`;
}

function svg(id: string, variant: 'wide' | 'narrow', width: number, height: number, title: string, desc: string, content: SafeHtml): SafeHtml {
  return html`<svg class="chart__svg chart__svg--${variant}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">
<title id="${id}-title">${title}</title><desc id="${id}-desc">${desc}</desc>${content}</svg>`;
}

function figure(id: string, title: string, wide: SafeHtml, narrow: SafeHtml, table: SafeHtml): SafeHtml {
  return html`<figure class="chart" aria-labelledby="${id}-caption">
  <figcaption class="chart__caption" id="${id}-caption">${title}</figcaption>
  <div class="chart__frame">${wide}${narrow}</div>
  <details class="chart__data">
    <summary>${t().showTable}</summary>
    <p class="hint table-hint">${texts().scrollHint}</p>
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

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** One bar of stacked segments from `x`, `scale` units per count; returns the segments and where the bar ends. */
function segments(c: StackedChart, prefix: string, r: StackedRow, x0: number, y: number, h: number, scale: number): { bar: SafeHtml; end: number } {
  let x = x0;
  const parts = r.values.map((v, si) => {
    if (v === 0) return html``;
    const w = v * scale;
    const seg = html`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${h}" fill="url(#${prefix}-p${si})" stroke="#ffffff" stroke-width="1"><title>${r.label}, ${c.series[si]!.label}: ${formatNumber(v)}</title></rect>`;
    x += w;
    return seg;
  });
  return { bar: html`${parts}`, end: x };
}

function legendItem(prefix: string, i: number, label: string, x: number, y: number): SafeHtml {
  return html`<g transform="translate(${x},${y})"><rect width="18" height="18" fill="url(#${prefix}-p${i})" stroke="#1b1b1b"/><text x="26" y="14" class="chart__text">${label}</text></g>`;
}

/** Wide: label left of the bar (wrapped), three legend items per line. */
function stackedWide(c: StackedChart, max: number): SafeHtml {
  const labelW = 230;
  const barArea = WIDE_WIDTH - labelW - 60;
  const legendH = 24 * Math.ceil(c.series.length / 3) + 10;
  const defs = c.series.map((s, i) => patternDef(`${c.id}-p${i}`, s.pattern));
  const legend = c.series.map((s, i) => legendItem(c.id, i, s.label, (i % 3) * 230, Math.floor(i / 3) * 24 + 4));
  let y = legendH;
  const bars = c.rows.map((r) => {
    const label = wrapLabel(r.label, charsIn(labelW - 8));
    const rowH = Math.max(30, label.length * LINE + 12);
    const mid = y + rowH / 2;
    const { bar, end } = segments(c, c.id, r, labelW, mid - 10, 20, barArea / max);
    const g = html`<g>${lines(label, labelW - 8, mid + 4 - ((label.length - 1) * LINE) / 2, { anchor: 'end' })}${bar}<text x="${(end + 6).toFixed(1)}" y="${mid + 4}" class="chart__text chart__text--strong">${formatNumber(sum(r.values))}</text></g>`;
    y += rowH;
    return g;
  });
  const height = Math.max(y, legendH + 30) + 10;
  return svg(c.id, 'wide', WIDE_WIDTH, height, c.title, c.desc, html`<defs>${defs}</defs>${legend}<line x1="${labelW}" y1="${legendH}" x2="${labelW}" y2="${height - 6}" stroke="#1b1b1b"/>${bars}`);
}

/** Narrow: one legend item per line, each label on its own line(s) with its bar under it. */
function stackedNarrow(c: StackedChart, max: number): SafeHtml {
  const id = `${c.id}-narrow`;
  const barArea = NARROW_WIDTH - 50;
  const defs = c.series.map((s, i) => patternDef(`${id}-p${i}`, s.pattern));
  const legend = c.series.map((s, i) => legendItem(id, i, s.label, 0, i * 24 + 2));
  let y = c.series.length * 24 + 14;
  const bars = c.rows.map((r) => {
    const label = wrapLabel(r.label, charsIn(NARROW_WIDTH));
    const top = y;
    const barY = top + label.length * LINE + 2;
    const { bar, end } = segments(c, id, r, 0, barY, 18, barArea / max);
    y = barY + 18 + 14;
    return html`<g>${lines(label, 0, top + 11)}<line x1="0" y1="${barY - 1}" x2="0" y2="${barY + 19}" stroke="#1b1b1b"/>${bar}<text x="${(end + 6).toFixed(1)}" y="${barY + 14}" class="chart__text chart__text--strong">${formatNumber(sum(r.values))}</text></g>`;
  });
  return svg(id, 'narrow', NARROW_WIDTH, y, c.title, c.desc, html`<defs>${defs}</defs>${legend}${bars}`);
}

/** Horizontal stacked bars, one per row, with a legend of patterns and each bar's total. */
export function stackedBarChart(c: StackedChart): SafeHtml {
  const max = Math.max(1, ...c.rows.map((r) => sum(r.values)));
  const table = html`<table class="data-table data-table--sticky">
  <caption class="visually-hidden">${c.title}</caption>
  <thead><tr><th scope="col">${c.rowHeader}</th>${c.series.map((s) => html`<th scope="col" class="num">${s.label}</th>`)}<th scope="col" class="num">${t().total}</th></tr></thead>
  <tbody>${c.rows.map((r) => html`<tr><th scope="row">${r.label}</th>${r.values.map((v) => html`<td class="num">${formatNumber(v)}</td>`)}<td class="num">${formatNumber(sum(r.values))}</td></tr>`)}</tbody>
</table>`;
  return figure(c.id, c.title, stackedWide(c, max), stackedNarrow(c, max), table);
}

export interface ColumnChart {
  id: string;
  title: string;
  desc: string;
  /** Short labels under the columns (shown every `tickEvery`) and beside the narrow bars. */
  labels: string[];
  /** Longer labels for the table (defaults to `labels`). */
  tableLabels?: string[];
  values: number[];
  labelHeader: string;
  valueHeader: string;
  tickEvery?: number;
}

/** Wide: vertical columns (one series, one pattern), the value on top of every non-empty column. */
function columnsWide(c: ColumnChart): SafeHtml {
  const H = 240;
  const left = 44;
  const bottom = 40;
  const top = 20;
  const n = Math.max(1, c.values.length);
  const max = Math.max(1, ...c.values);
  const step = (WIDE_WIDTH - left - 10) / n;
  const plotH = H - top - bottom;
  const y = (v: number): number => top + plotH - (v / max) * plotH;
  const grid = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i).map(
    (v) => html`<line x1="${left}" x2="${WIDE_WIDTH - 10}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#8a8a8a" stroke-dasharray="${v === 0 ? '' : '3 3'}"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="chart__text">${formatNumber(v)}</text>`,
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
  return svg(c.id, 'wide', WIDE_WIDTH, H, c.title, c.desc, html`${grid}${cols}`);
}

/** Narrow: one short bar per item, its label before it and its value after it (26 weeks fit a phone this way). */
function columnsNarrow(c: ColumnChart): SafeHtml {
  const id = `${c.id}-narrow`;
  const labelW = 64;
  const rowH = 20;
  const barArea = NARROW_WIDTH - labelW - 40;
  const max = Math.max(1, ...c.values);
  const rows = c.values.map((v, i) => {
    const y = 4 + i * rowH;
    const label = c.labels[i] ?? '';
    const w = (v / max) * barArea;
    const bar = v > 0 ? html`<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="#154273"><title>${c.tableLabels?.[i] ?? label}: ${formatNumber(v)}</title></rect>` : html``;
    return html`<g><text x="${labelW - 8}" y="${y + 14}" text-anchor="end" class="chart__text">${label}</text>${bar}<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 14}" class="chart__text">${formatNumber(v)}</text></g>`;
  });
  const height = 8 + c.values.length * rowH;
  return svg(id, 'narrow', NARROW_WIDTH, height, c.title, c.desc, html`<line x1="${labelW}" y1="2" x2="${labelW}" y2="${height - 2}" stroke="#1b1b1b"/>${rows}`);
}

/** One series over time: vertical columns when wide, short horizontal bars when narrow. */
export function columnChart(c: ColumnChart): SafeHtml {
  const table = html`<table class="data-table">
  <caption class="visually-hidden">${c.title}</caption>
  <thead><tr><th scope="col">${c.labelHeader}</th><th scope="col" class="num">${c.valueHeader}</th></tr></thead>
  <tbody>${c.values.map((v, i) => html`<tr><th scope="row">${c.tableLabels?.[i] ?? c.labels[i] ?? ''}</th><td class="num">${formatNumber(v)}</td></tr>`)}</tbody>
</table>`;
  return figure(c.id, c.title, columnsWide(c), columnsNarrow(c), table);
}
