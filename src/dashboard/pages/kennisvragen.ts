import { formatNumber } from '../charts.js';
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

async function groups(deps: PageDeps): Promise<GapGroup[]> {
  return groupGaps(await deps.store.gaps.list());
}

function groupItem(g: GapGroup, csrf: string, until: string): SafeHtml {
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
  </dl>
  <details><summary>${t.allQuestions(g.questions.length)}</summary>
    <ul>${listed.map((q) => html`<li>${q.text} <span class="muted">(${t.times(q.count)})</span></li>`)}</ul>
    ${g.questions.length > listed.length ? html`<p>${t.moreQuestions(g.questions.length - listed.length)}</p>` : html``}
  </details>
  <div class="actions">
    <a class="button" href="/admin/kennisvragen/kennisitem?groep=${g.key}">${t.makeItem}<span class="visually-hidden">: ${title}</span></a>
    ${g.open > 0
      ? html`<form method="post" action="/admin/kennisvragen/afgehandeld" class="inline-form">${csrfField(csrf)}<input type="hidden" name="groep" value="${g.key}"><input type="hidden" name="tot" value="${until}"><button type="submit" class="button">${t.markHandled}<span class="visually-hidden">: ${title}</span></button></form>`
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
  const all = await groups(deps);
  const shown = sortGroups(all, showAll);
  const page = paginate(shown, queryPage(raw, notes), GROUPS_PER_PAGE);
  if (page.clampedFrom !== undefined && shown.length > 0) notes.push(d().query.pageClamped(page.clampedFrom, page.page));
  const until = deps.now().toISOString();
  const questions = shown.reduce((n, g) => n + (showAll ? g.total : g.open), 0);
  const base = showAll ? '/admin/kennisvragen?toon=alle' : '/admin/kennisvragen';
  const list = shown.length === 0
    ? html`<p>${all.length === 0 ? t.emptyAll : t.empty}</p>`
    : html`<p role="status">${t.summary(shown.length, questions)}</p>
<p class="hint">${t.makeItemHint}</p>
<ul class="group-list">${page.items.map((g) => groupItem(g, csrf, until))}</ul>
${pager(page.page, page.pages, (n) => `${base}${n > 1 ? `${showAll ? '&' : '?'}pagina=${n}` : ''}`)}`;
  const body = html`<p class="lead">${t.intro}</p>
<p><a href="${showAll ? '/admin/kennisvragen' : '/admin/kennisvragen?toon=alle'}">${showAll ? t.showOpen : t.showAll}</a></p>
${list}
${feedbackSection(deps, feedbackPerEntry(await deps.store.feedback.list()))}`;
  return { title: t.title, body, notices: notes.map((text) => ({ kind: 'info', text })) };
}

/** "Maak kennisitem": the Markdown file for one group, or undefined for an unknown group. */
export async function knowledgeFileFor(deps: PageDeps, key: string): Promise<ReturnType<typeof knowledgeFile> | undefined> {
  if (!GROUP_KEY.test(key)) return undefined;
  const g = (await groups(deps)).find((x) => x.key === key);
  return g ? knowledgeFile(g, deps.knowledge, deps.now()) : undefined;
}

/**
 * Marks the group's open questions asked up to `until` (when the page was shown) as
 * handled: a question that came in after the coordinator looked stays open.
 */
export async function markGroupHandled(deps: PageDeps, key: string, until: string, by: string): Promise<number | undefined> {
  if (!GROUP_KEY.test(key) || Number.isNaN(Date.parse(until))) return undefined;
  const g = (await groups(deps)).find((x) => x.key === key);
  if (!g) return undefined;
  const ids = g.openGaps.filter((x) => x.at <= until).map((x) => x.id);
  if (ids.length === 0) return 0;
  return deps.store.gaps.markHandled(ids, by, deps.now());
}
