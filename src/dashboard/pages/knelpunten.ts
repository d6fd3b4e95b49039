import { OPGAVE_ANDERS } from '../../core/knelpunt/form.js';
import { knelpuntenCsv, knelpuntenJson } from '../../core/knelpunt/export.js';
import { type KnelpuntRecord } from '../../store/types.js';
import { KNELPUNT_STATUSES, OVERHEDEN, URGENTIES } from '../../domain/knelpunt.js';
import { html, type SafeHtml } from '../html.js';
import type { Notice } from '../layout.js';
import {
  SORTS, filterKnelpunten, knelpuntQueryString, paginate, parseKnelpuntQuery, sortKnelpunten, storeFilter,
  type KnelpuntQuery, type RawQuery, type Sort,
} from '../query.js';
import { dateHtml } from '../dates.js';
import { d, k, opgaveLabel, pager, snippet, statusLabel, type PageDeps } from './common.js';

/** The knelpunten list: filters, sorting, pages, and the export of the filtered list. */

const opgaveIds = (deps: PageDeps): string[] => [...deps.knowledge.ofType('opgave').map((e) => e.id), OPGAVE_ANDERS];

/** The filtered list in the store's order (creation order): what the list shows sorted, and what the export writes. */
async function filtered(deps: PageDeps, raw: RawQuery): Promise<{ query: KnelpuntQuery; notices: string[]; list: KnelpuntRecord[] }> {
  const { query, notices } = parseKnelpuntQuery(raw, opgaveIds(deps));
  const list = filterKnelpunten(await deps.store.knelpunten.list(storeFilter(query)), query);
  return { query, notices, list };
}

/** The same files as `ibp-bot knelpunten export` and the bearer API, for the current filter. */
export async function knelpuntenExport(deps: PageDeps, raw: RawQuery, format: 'csv' | 'json'): Promise<string> {
  const { list } = await filtered(deps, raw);
  return format === 'csv' ? knelpuntenCsv(list) : knelpuntenJson(list);
}

function checkboxes(name: string, legend: string, values: readonly string[], label: (v: string) => string, chosen: readonly string[]): SafeHtml {
  return html`<fieldset><legend>${legend}</legend>${values.map(
    (v) => html`<div class="choice"><input type="checkbox" id="f-${name}-${v}" name="${name}" value="${v}"${chosen.includes(v) ? html` checked` : html``}><label for="f-${name}-${v}">${label(v)}</label></div>`,
  )}</fieldset>`;
}

function filterForm(deps: PageDeps, q: KnelpuntQuery): SafeHtml {
  const f = d().knelpunten.filters;
  const t = k();
  return html`<form class="filters" method="get" action="/admin/knelpunten" role="search" aria-label="${f.legend}">
<div class="filters__grid">
  <div>
    <div class="field"><label for="f-opgave">${f.opgave}</label>
      <select id="f-opgave" name="opgave"><option value="">${f.allOpgaven}</option>${opgaveIds(deps).map(
        (id) => html`<option value="${id}"${q.opgave[0] === id ? html` selected` : html``}>${opgaveLabel(deps.knowledge, id)}</option>`,
      )}</select></div>
    <div class="field"><label for="f-q">${f.q}</label>
      <p class="hint" id="f-q-hint">${f.qHint}</p>
      <input type="search" id="f-q" name="q" value="${q.q}" maxlength="200" aria-describedby="f-q-hint"></div>
    <div class="field"><label for="f-sort">${f.sort}</label>
      <select id="f-sort" name="sorteer">${SORTS.map((s) => html`<option value="${s}"${q.sort === s ? html` selected` : html``}>${d().knelpunten.sorts[s]}</option>`)}</select></div>
  </div>
  ${checkboxes('status', f.status, KNELPUNT_STATUSES, (s) => statusLabel(s as KnelpuntRecord['status']), q.status)}
  ${checkboxes('urgentie', f.urgentie, URGENTIES, (u) => t.urgentieLabel[u as KnelpuntRecord['urgentie']], q.urgentie)}
  ${checkboxes('overheid', f.overheden, OVERHEDEN, (o) => t.overheid[o as KnelpuntRecord['overheden'][number]], q.overheden)}
  <fieldset><legend>${f.period}</legend>
    <p class="hint" id="f-date-hint">${f.dateHint}</p>
    <div class="field"><label for="f-van">${f.from}</label><input type="date" id="f-van" name="van" value="${q.van ?? ''}" aria-describedby="f-date-hint"></div>
    <div class="field"><label for="f-tot">${f.to}</label><input type="date" id="f-tot" name="tot" value="${q.tot ?? ''}" aria-describedby="f-date-hint"></div>
  </fieldset>
</div>
<div class="actions"><button type="submit" class="button button--primary">${f.apply}</button><a href="/admin/knelpunten">${f.reset}</a></div>
</form>`;
}

const SORT_COLUMN: Partial<Record<Sort, [string, 'ascending' | 'descending' | 'other']>> = {
  nieuwste: ['created', 'descending'],
  oudste: ['created', 'ascending'],
  referentie: ['ref', 'ascending'],
  status: ['status', 'other'],
  urgentie: ['urgentie', 'other'],
  opgave: ['opgave', 'ascending'],
};

export async function knelpuntenListPage(deps: PageDeps, raw: RawQuery): Promise<{ title: string; body: SafeHtml; notices: Notice[] }> {
  const { query, notices, list } = await filtered(deps, raw);
  const sorted = sortKnelpunten(list, query.sort, (id) => opgaveLabel(deps.knowledge, id));
  const page = paginate(sorted, query.page);
  if (page.clampedFrom !== undefined && list.length > 0) notices.push(d().query.pageClamped(page.clampedFrom, page.page));
  const t = d().knelpunten;
  const c = d().columns;
  const kt = k();
  const sortedBy = SORT_COLUMN[query.sort];
  const th = (col: string, label: string, cls = ''): SafeHtml =>
    html`<th scope="col"${cls ? html` class="${cls}"` : html``}${sortedBy?.[0] === col ? html` aria-sort="${sortedBy[1]}"` : html``}>${label}</th>`;
  const table = page.total === 0
    ? html`<p>${t.empty}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t.tableCaption}"><table class="data-table data-table--cards">
  <caption class="visually-hidden">${t.tableCaption}</caption>
  <thead><tr>${th('ref', c.ref)}${th('created', c.created)}${th('status', c.status)}${th('urgentie', c.urgentie)}${th('opgave', c.opgave)}${th('overheden', c.overheden)}${th('beschrijving', c.beschrijving)}</tr></thead>
  <tbody>${page.items.map((kp) => html`<tr>
    <th scope="row"><a href="/admin/knelpunten/${kp.ref}">${kp.ref}</a></th>
    <td data-label="${c.created}">${dateHtml(kp.createdAt)}</td>
    <td data-label="${c.status}">${statusLabel(kp.status)}</td>
    <td data-label="${c.urgentie}">${kt.urgentieLabel[kp.urgentie]}</td>
    <td data-label="${c.opgave}">${opgaveLabel(deps.knowledge, kp.opgave)}</td>
    <td data-label="${c.overheden}">${kp.overheden.length > 0 ? kp.overheden.map((o) => kt.overheid[o]).join(', ') : kt.none}</td>
    <td data-label="${c.beschrijving}" class="text">${snippet(kp.beschrijving)}</td></tr>`)}</tbody>
</table></div>`;
  const exportQs = knelpuntQueryString(query, { page: 1, sort: 'nieuwste' });
  const body = html`<p class="lead">${t.intro}</p>
${filterForm(deps, query)}
<p role="status">${t.found(page.total)}</p>
${table}
${pager(page.page, page.pages, (n) => `/admin/knelpunten${knelpuntQueryString(query, { page: n })}`)}
<section aria-labelledby="kop-export">
<h2 id="kop-export">${t.exportHeading}</h2>
<p>${t.exportIntro}</p>
<div class="actions"><a class="button" href="/admin/knelpunten/export.csv${exportQs}" download>${t.exportCsv}</a><a class="button" href="/admin/knelpunten/export.json${exportQs}" download>${t.exportJson}</a></div>
</section>`;
  return { title: t.title, body, notices: notices.map((text) => ({ kind: 'info', text })) };
}
