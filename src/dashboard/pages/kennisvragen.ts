import { formatNumber } from '../charts.js';
import { GAP_OUTCOMES, isGapOutcome, type GapOutcome, type KnowledgeGapRecord } from '../../store/types.js';
import { feedbackPerEntry, groupGaps, knowledgeFile, sortGroups, type GapGroup } from '../gaps.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, type Notice } from '../layout.js';
import { paginate, queryPage, queryValues, type RawQuery } from '../query.js';
import { dateTimeHtml } from '../dates.js';
import { platformLabel } from '../names.js';
import { d, pager, snippet, type PageDeps } from './common.js';

export const GROUPS_PER_PAGE = 20;
const MAX_LISTED_QUESTIONS = 25;
export const GROUP_KEY = /^[0-9a-f]{16}$/;

/** The outcome filter (`?uitkomst=`); anything else is every outcome. */
export function outcomeOf(v: string | undefined): GapOutcome | undefined {
  return isGapOutcome(v) ? v : undefined;
}

/** Grouped with the outcome filter applied first: a group's key holds for the list it was shown in. */
async function groups(deps: PageDeps, outcome: GapOutcome | undefined): Promise<GapGroup[]> {
  return groupGaps(await deps.store.gaps.list(outcome ? { outcome } : undefined));
}

/** `/admin/kennisvragen` with the filter and page in its query. */
function listUrl(o: { showAll: boolean; outcome: GapOutcome | undefined; page?: number }): string {
  const q = new URLSearchParams();
  if (o.outcome) q.set('uitkomst', o.outcome);
  if (o.showAll) q.set('toon', 'alle');
  if (o.page && o.page > 1) q.set('pagina', String(o.page));
  const s = q.toString();
  return `/admin/kennisvragen${s ? `?${s}` : ''}`;
}

const entryTitle = (deps: PageDeps, id: string): string => deps.knowledge.get(id)?.title ?? d().gaps.unknownEntry(id);

function outcomeFacts(deps: PageDeps, g: GapGroup): SafeHtml {
  const t = d().gaps;
  const outcomes = GAP_OUTCOMES.filter((o) => g.outcomes[o] > 0).map((o) => `${t.outcomeLabel[o]}: ${formatNumber(g.outcomes[o])}`).join(', ');
  const list = (xs: { id: string; count: number }[]): string => xs.slice(0, 5).map((x) => `${entryTitle(deps, x.id)} (${t.times(x.count)})`).join(', ');
  return html`<div><dt>${t.outcomes}</dt><dd>${outcomes}</dd></div>
    ${g.offered.length > 0 ? html`<div><dt>${t.offered}</dt><dd>${list(g.offered)}</dd></div>` : html``}
    ${g.outcomes.suggested > 0 ? html`<div><dt>${t.picked}</dt><dd>${g.picked.length > 0 ? list(g.picked) : t.nothingPicked}</dd></div>` : html``}`;
}

function outcomeForm(all: readonly KnowledgeGapRecord[], outcome: GapOutcome | undefined, showAll: boolean): SafeHtml {
  const t = d().gaps;
  const counts = { suggested: 0, unknown: 0, 'not-helpful': 0 } as Record<GapOutcome, number>;
  for (const g of all) if (!g.handledAt || showAll) counts[g.outcome]++;
  return html`<form class="filters" method="get" action="/admin/kennisvragen" role="search" aria-label="${t.outcomeFilterLegend}">
  <div class="field"><label for="f-uitkomst">${t.outcomeFilter}</label>
    <p class="hint" id="f-uitkomst-hint">${t.outcomeHint}</p>
    <select id="f-uitkomst" name="uitkomst" aria-describedby="f-uitkomst-hint"><option value="">${t.outcomeAll}</option>${GAP_OUTCOMES.map(
      (o) => html`<option value="${o}"${outcome === o ? html` selected` : html``}>${t.outcomeLabel[o]} (${formatNumber(counts[o])})</option>`,
    )}</select></div>
  ${showAll ? html`<input type="hidden" name="toon" value="alle">` : html``}
  <div class="actions"><button type="submit" class="button button--primary">${t.outcomeApply}</button></div>
</form>`;
}

function groupItem(deps: PageDeps, g: GapGroup, csrf: string, until: string, outcome: GapOutcome | undefined): SafeHtml {
  const t = d().gaps;
  const title = snippet(g.representative, 160);
  const listed = g.questions.slice(0, MAX_LISTED_QUESTIONS);
  return html`<li class="group${g.open === 0 ? ' group--handled' : ''}">
<article aria-labelledby="groep-${g.key}">
  <h3 id="groep-${g.key}">${title}</h3>
  <dl class="facts">
    <div><dt>${t.asked}</dt><dd>${formatNumber(g.total)}</dd></div>
    <div><dt>${t.open}</dt><dd>${g.open > 0 ? formatNumber(g.open) : t.allHandled}</dd></div>
    <div><dt>${t.firstSeen}</dt><dd>${dateTimeHtml(g.firstSeen)}</dd></div>
    <div><dt>${t.lastSeen}</dt><dd>${dateTimeHtml(g.lastSeen)}</dd></div>
    <div><dt>${t.platforms}</dt><dd>${g.platforms.map(platformLabel).join(', ')}</dd></div>
    ${outcomeFacts(deps, g)}
  </dl>
  <details><summary>${t.allQuestions(g.questions.length)}</summary>
    <ul>${listed.map((q) => html`<li>${q.text} <span class="muted">(${t.times(q.count)})</span></li>`)}</ul>
    ${g.questions.length > listed.length ? html`<p>${t.moreQuestions(g.questions.length - listed.length)}</p>` : html``}
  </details>
  <div class="actions">
    <a class="button" href="/admin/kennisvragen/kennisitem?groep=${g.key}${outcome ? `&uitkomst=${outcome}` : ''}">${t.makeItem}<span class="visually-hidden">: ${title}</span></a>
    ${g.open > 0
      ? html`<form method="post" action="/admin/kennisvragen/afgehandeld" class="inline-form">${csrfField(csrf)}<input type="hidden" name="groep" value="${g.key}"><input type="hidden" name="tot" value="${until}">${outcome ? html`<input type="hidden" name="uitkomst" value="${outcome}">` : html``}<button type="submit" class="button">${t.markHandled}<span class="visually-hidden">: ${title}</span></button></form>`
      : html``}
  </div>
</article>
</li>`;
}

function feedbackSection(deps: PageDeps, list: ReturnType<typeof feedbackPerEntry>): SafeHtml {
  const t = d().gaps;
  const title = (id: string): string => deps.knowledge.get(id)?.title ?? t.unknownEntry(id);
  const body = list.length === 0
    ? html`<p>${t.feedbackEmpty}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t.feedbackCaption}"><table class="data-table data-table--cards">
  <caption>${t.feedbackCaption}</caption>
  <thead><tr><th scope="col">${t.entry}</th><th scope="col" class="num">${t.notHelpful}</th><th scope="col" class="num">${t.helpful}</th><th scope="col">${t.last}</th><th scope="col">${t.questions}</th></tr></thead>
  <tbody>${list.map((e) => html`<tr>
    <th scope="row">${title(e.entryId)}</th>
    <td data-label="${t.notHelpful}" class="num">${formatNumber(e.notHelpful)}</td>
    <td data-label="${t.helpful}" class="num">${formatNumber(e.helpful)}</td>
    <td data-label="${t.last}">${dateTimeHtml(e.lastNotHelpful)}</td>
    <td data-label="${t.questions}" class="text">${e.questions.length > 0 ? html`<ul>${e.questions.map((q) => html`<li>${snippet(q, 200)}</li>`)}</ul>` : html``}</td></tr>`)}</tbody>
</table></div>`;
  return html`<section aria-labelledby="kop-feedback"><h2 id="kop-feedback">${t.feedbackHeading}</h2><p>${t.feedbackIntro}</p>${body}</section>`;
}

export async function kennisvragenPage(deps: PageDeps, raw: RawQuery, csrf: string): Promise<{ title: string; body: SafeHtml; notices: Notice[] }> {
  const t = d().gaps;
  const notes: string[] = [];
  const showAll = queryValues(raw, 'toon', notes)[0] === 'alle';
  const outcome = outcomeOf(queryValues(raw, 'uitkomst', notes)[0]);
  const everything = await deps.store.gaps.list();
  const all = groupGaps(outcome ? everything.filter((g) => g.outcome === outcome) : everything);
  const shown = sortGroups(all, showAll);
  const page = paginate(shown, queryPage(raw, notes), GROUPS_PER_PAGE);
  if (page.clampedFrom !== undefined && shown.length > 0) notes.push(d().query.pageClamped(page.clampedFrom, page.page));
  const until = deps.now().toISOString();
  const questions = shown.reduce((n, g) => n + (showAll ? g.total : g.open), 0);
  const list = shown.length === 0
    ? html`<p>${everything.length === 0 ? t.emptyAll : t.empty}</p>`
    : html`<p role="status">${t.summary(shown.length, questions)}</p>
<p class="hint">${t.makeItemHint}</p>
<ul class="group-list">${page.items.map((g) => groupItem(deps, g, csrf, until, outcome))}</ul>
${pager(page.page, page.pages, (n) => listUrl({ showAll, outcome, page: n }))}`;
  const body = html`<p class="lead">${t.intro}</p>
${outcomeForm(everything, outcome, showAll)}
<p><a href="${listUrl({ showAll: !showAll, outcome })}">${showAll ? t.showOpen : t.showAll}</a></p>
${list}
${feedbackSection(deps, feedbackPerEntry(await deps.store.feedback.list()))}`;
  return { title: t.title, body, notices: notes.map((text) => ({ kind: 'info', text })) };
}

/** "Maak kennisitem": the Markdown file for one group, or undefined for an unknown group. */
export async function knowledgeFileFor(deps: PageDeps, key: string, outcome?: GapOutcome): Promise<ReturnType<typeof knowledgeFile> | undefined> {
  if (!GROUP_KEY.test(key)) return undefined;
  const g = (await groups(deps, outcome)).find((x) => x.key === key);
  return g ? knowledgeFile(g, deps.knowledge, deps.now()) : undefined;
}

/**
 * Marks the group's open questions asked up to `until` (when the page was shown) as
 * handled: a question that came in after the coordinator looked stays open.
 */
export async function markGroupHandled(deps: PageDeps, key: string, until: string, by: string, outcome?: GapOutcome): Promise<number | undefined> {
  if (!GROUP_KEY.test(key) || Number.isNaN(Date.parse(until))) return undefined;
  const g = (await groups(deps, outcome)).find((x) => x.key === key);
  if (!g) return undefined;
  const ids = g.openGaps.filter((x) => x.at <= until).map((x) => x.id);
  if (ids.length === 0) return 0;
  return deps.store.gaps.markHandled(ids, by, deps.now());
}
