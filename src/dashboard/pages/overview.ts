import type { KnowledgeBase } from '../../knowledge/base.js';
import { KNELPUNT_STATUSES } from '../../domain/knelpunt.js';
import { OPGAVE_ANDERS } from '../../core/knelpunt/form.js';
import { PATTERNS, columnChart, formatNumber, stackedBarChart } from '../charts.js';
import { dateTimeHtml, dayText, shortDayText } from '../dates.js';
import { platformLabel } from '../names.js';
import { OLDEST, weekBoundaries, type OverviewFigures } from '../figures.js';
import { html, type SafeHtml } from '../html.js';
import { d, formatDecimal, opgaveLabel, snippet, stat, statusLabel, type PageDeps } from './common.js';

/** The figures, computed by the store (aggregates, not every record) for the last 26 weeks. */
export async function loadOverview(deps: PageDeps): Promise<OverviewFigures> {
  const { starts, bounds } = weekBoundaries(deps.now());
  const [knelpunten, gaps, reflections] = await Promise.all([
    deps.store.knelpunten.stats(bounds, OLDEST), deps.store.gaps.stats(bounds, OLDEST), deps.store.reflections.stats(bounds),
  ]);
  return { weekStarts: starts, knelpunten, gaps, reflections };
}

/** The opgaven of the knowledge base (in its order), "anders", then any other id that has records (sorted: the same on every backend). */
function opgaveOrder(kb: KnowledgeBase, seen: Iterable<string>): string[] {
  const ids = [...kb.ofType('opgave').map((e) => e.id), OPGAVE_ANDERS];
  return [...ids, ...[...seen].filter((id) => !ids.includes(id)).sort()];
}

function weekChart(id: string, title: string, desc: (total: number, max: number) => string, starts: string[], counts: number[]): SafeHtml {
  const total = counts.reduce((a, b) => a + b, 0);
  return columnChart({
    id, title, desc: desc(total, Math.max(0, ...counts)),
    labels: starts.map(shortDayText), tableLabels: starts.map(dayText), values: counts,
    labelHeader: d().charts.week, valueHeader: d().charts.count,
  });
}

const days = (n: number | null): string => (n === null ? d().overview.noneYet : d().overview.days(formatDecimal(n)));

export function overviewBody(f: OverviewFigures, kb: KnowledgeBase, now: Date): SafeHtml {
  const o = d().overview;
  const c = d().columns;
  const kp = f.knelpunten;
  const rows = opgaveOrder(kb, kp.byOpgave.keys()).map((id) => {
    const counts = kp.byOpgave.get(id);
    return { label: opgaveLabel(kb, id), values: KNELPUNT_STATUSES.map((s) => counts?.[s] ?? 0) };
  });
  const perOpgave = kp.total === 0
    ? html`<p>${o.perOpgaveEmpty}</p>`
    : stackedBarChart({
        id: 'chart-knelpunten-opgave', title: o.perOpgaveTitle, desc: o.perOpgaveDesc(kp.total, rows.length), rowHeader: c.opgave,
        series: KNELPUNT_STATUSES.map((s, i) => ({ label: statusLabel(s), pattern: PATTERNS[i]! })), rows,
      });
  const oldest = kp.oldestOpen.length === 0
    ? html`<p>${o.oldestEmpty}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${o.oldestHeading}"><table class="data-table data-table--cards">
  <caption class="visually-hidden">${o.oldestHeading}</caption>
  <thead><tr><th scope="col">${c.ref}</th><th scope="col">${c.created}</th><th scope="col" class="num">${o.daysOpen}</th><th scope="col">${c.status}</th><th scope="col">${c.opgave}</th><th scope="col">${c.beschrijving}</th></tr></thead>
  <tbody>${kp.oldestOpen.map((k) => html`<tr>
    <th scope="row"><a href="/admin/knelpunten/${k.ref}">${k.ref}</a></th>
    <td data-label="${c.created}">${dateTimeHtml(k.createdAt)}</td>
    <td data-label="${o.daysOpen}" class="num">${formatNumber(Math.floor((now.getTime() - Date.parse(k.createdAt)) / 86_400_000))}</td>
    <td data-label="${c.status}">${statusLabel(k.status)}</td>
    <td data-label="${c.opgave}">${opgaveLabel(kb, k.opgave)}</td>
    <td data-label="${c.beschrijving}" class="text">${snippet(k.beschrijving)}</td></tr>`)}</tbody>
</table></div>`;

  const g = f.gaps;
  const gapsOldest = g.oldestOpen.length === 0
    ? html`<p>${o.gapsOldestEmpty}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${o.gapsOldest}"><table class="data-table data-table--cards">
  <caption class="visually-hidden">${o.gapsOldest}</caption>
  <thead><tr><th scope="col">${c.question}</th><th scope="col">${c.asked}</th><th scope="col">${c.platform}</th></tr></thead>
  <tbody>${g.oldestOpen.map((x) => html`<tr><td class="text" data-label="${c.question}">${snippet(x.text, 200)}</td><td data-label="${c.asked}">${dateTimeHtml(x.at)}</td><td data-label="${c.platform}">${platformLabel(x.platform)}</td></tr>`)}</tbody>
</table></div>`;

  const r = f.reflections;
  const reflRows = opgaveOrder(kb, [...r.byOpgave.keys()].filter((id) => id !== '')).filter((id) => id !== OPGAVE_ANDERS || r.byOpgave.has(id));
  if (r.byOpgave.has('')) reflRows.push('');
  const reflPerOpgave = r.total === 0
    ? html``
    : stackedBarChart({
        id: 'chart-reflecties-opgave', title: o.reflPerOpgaveTitle, desc: o.reflPerOpgaveDesc(r.total), rowHeader: c.opgave,
        series: [{ label: o.reflSeries, pattern: PATTERNS[0]! }],
        rows: reflRows.map((id) => ({ label: opgaveLabel(kb, id), values: [r.byOpgave.get(id) ?? 0] })),
      });

  return html`<p class="lead">${o.intro}</p>
<section aria-labelledby="kop-knelpunten">
<h2 id="kop-knelpunten">${o.knelpuntenHeading}</h2>
<dl class="stats">
  ${stat(o.total, formatNumber(kp.total))}
  ${stat(o.open, formatNumber(kp.open))}
  ${stat(o.untriaged, formatNumber(kp.byStatus.nieuw))}
  ${stat(o.medianTriage, days(kp.medianTriageDays), kp.triaged > 0 ? o.basedOn(kp.triaged) : undefined)}
</dl>
${perOpgave}
${weekChart('chart-knelpunten-week', o.perWeekTitle, o.perWeekDesc, f.weekStarts, kp.perWeek)}
<h3>${o.oldestHeading}</h3>
${oldest}
<p><a href="/admin/knelpunten">${o.allKnelpunten}</a></p>
</section>
<section aria-labelledby="kop-kennisvragen">
<h2 id="kop-kennisvragen">${o.gapsHeading}</h2>
<p>${o.gapsIntro}</p>
<dl class="stats">
  ${stat(o.total, formatNumber(g.total))}
  ${stat(o.gapsOpen, formatNumber(g.open))}
  ${stat(o.gapsHandled, formatNumber(g.handled))}
  ${stat(o.medianHandled, days(g.medianHandledDays), g.handled > 0 ? o.basedOnGaps(g.handled) : undefined)}
</dl>
${weekChart('chart-kennisvragen-week', o.gapsPerWeekTitle, o.gapsPerWeekDesc, f.weekStarts, g.perWeek)}
<h3>${o.gapsOldest}</h3>
${gapsOldest}
<p><a href="/admin/kennisvragen">${o.allGaps}</a></p>
</section>
<section aria-labelledby="kop-reflecties">
<h2 id="kop-reflecties">${o.reflectionsHeading}</h2>
<dl class="stats">
  ${stat(o.total, formatNumber(r.total))}
  ${stat(o.reflAnonymous, formatNumber(r.anonymous))}
</dl>
${reflPerOpgave}
${weekChart('chart-reflecties-week', o.reflPerWeekTitle, o.reflPerWeekDesc, f.weekStarts, r.perWeek)}
<p><a href="/admin/lessen">${o.allLessons}</a></p>
</section>`;
}

/** The whole overview: what the route serves and what bench/dashboard.ts times. */
export async function overviewPage(deps: PageDeps): Promise<{ title: string; body: SafeHtml }> {
  return { title: d().overview.title, body: overviewBody(await loadOverview(deps), deps.knowledge, deps.now()) };
}
