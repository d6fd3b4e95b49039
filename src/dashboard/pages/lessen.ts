import { digestCard } from '../../core/reflectie/cards.js';
import { zekerheidLabel } from '../../core/reflectie/form.js';
import { messages } from '../../i18n/index.js';
import { nextRun } from '../../domain/schedule.js';
import { previousMonth } from '../../scheduler/scheduler.js';
import { dayNumber, fromDayNumber, isoDate, localDateTime } from '../../domain/time.js';
import type { NudgeSubscription, ReflectionRecord } from '../../store/types.js';
import { formatNumber } from '../charts.js';
import { DASHBOARD_TIME_ZONE, dateText, dateTimeText, dayText } from '../dates.js';
import { html, type SafeHtml } from '../html.js';
import type { Notice } from '../layout.js';
import { dayAfter, dayStart, paginate, queryDate, queryPage, queryValues, type RawQuery } from '../query.js';
import { channelLabels, conversationsOf, platformLabel } from '../names.js';
import { replyHtml } from '../reply-html.js';
import { d, opgaveLabel, pager, type PageDeps } from './common.js';

export const DEFAULT_DAYS = 90;
const PER_PAGE = 20;
const ZEKERHEDEN = ['zekerheid-1', 'zekerheid-2', 'zekerheid-3', 'zekerheid-4', 'zekerheid-5', 'zekerheid-6', 'zekerheid-7', ''];

function matrix(deps: PageDeps, list: readonly ReflectionRecord[]): SafeHtml {
  const t = d().lessons;
  const counts = new Map<string, number[]>();
  for (const r of list) {
    const row = counts.get(r.opgave ?? '') ?? new Array<number>(ZEKERHEDEN.length).fill(0);
    const col = ZEKERHEDEN.indexOf(r.zekerheid ?? '');
    row[col >= 0 ? col : ZEKERHEDEN.length - 1]!++;
    counts.set(r.opgave ?? '', row);
  }
  const rows = [...deps.knowledge.ofType('opgave').map((e) => e.id), ...[...counts.keys()].filter((id) => !deps.knowledge.get(id) && id !== ''), ''];
  // Short column heads (the table stays readable on a phone); the full names are listed under it.
  const heads = ZEKERHEDEN.map((z) => (z ? t.zekerheidShort(z.replace('zekerheid-', '')) : t.noZekerheid));
  const legend = ZEKERHEDEN.filter(Boolean).map((z) => zekerheidLabel(deps.knowledge, z, 'nl'));
  // The title above the region, not in it: a caption would scroll out of view with the columns.
  return html`<p class="table-title" aria-hidden="true">${t.matrixCaption}</p>
<p class="hint table-hint">${d().scrollHint}</p>
<div class="table-wrap" role="region" tabindex="0" aria-label="${t.matrixCaption}"><table class="data-table data-table--matrix data-table--sticky">
  <caption class="visually-hidden">${t.matrixCaption}</caption>
  <thead><tr><th scope="col">${d().columns.opgave}</th>${heads.map((h) => html`<th scope="col" class="num">${h}</th>`)}<th scope="col" class="num">${d().charts.total}</th></tr></thead>
  <tbody>${rows.map((id) => {
    const row = counts.get(id) ?? new Array<number>(ZEKERHEDEN.length).fill(0);
    return html`<tr><th scope="row">${opgaveLabel(deps.knowledge, id)}</th>${row.map((n) => html`<td class="num">${formatNumber(n)}</td>`)}<td class="num">${formatNumber(row.reduce((a, b) => a + b, 0))}</td></tr>`;
  })}</tbody>
</table></div>
<details><summary>${t.zekerhedenLegend}</summary><ul>${legend.map((l) => html`<li>${l}</li>`)}</ul></details>`;
}

function reflection(deps: PageDeps, r: ReflectionRecord): SafeHtml {
  const t = d().lessons;
  const rt = messages('nl').reflectie;
  // Anonymous stays anonymous: the record has no name, and none is shown.
  const who = r.anonymous || !r.authorName ? t.anonymous : t.namedBy(r.authorName);
  const tags = [r.opgave ? opgaveLabel(deps.knowledge, r.opgave) : '', r.zekerheid ? zekerheidLabel(deps.knowledge, r.zekerheid, 'nl') : ''].filter(Boolean);
  const parts: [string, string | undefined][] = [[rt.factGoed, r.goed], [rt.factBeter, r.beter], [rt.factMeenemen, r.meenemen]];
  return html`<li class="reflection"><article aria-labelledby="refl-${r.id}">
<h3 id="refl-${r.id}">${who}, <span class="muted">${t.sharedOn(dateText(r.createdAt))}</span></h3>
${tags.length > 0 ? html`<p class="muted">${tags.join(' · ')}</p>` : html``}
<dl>${parts.filter(([, text]) => text).map(([label, text]) => html`<dt>${label}</dt><dd>${text}</dd>`)}</dl>
</article></li>`;
}

async function digestSection(deps: PageDeps, raw: RawQuery, van: string, tot: string): Promise<SafeHtml> {
  const t = d().lessons;
  const subs = (await deps.store.subscriptions.list({ kind: 'digest' })).filter((s) => s.status !== 'stopped');
  if (subs.length === 0) return html`<section aria-labelledby="kop-digest"><h2 id="kop-digest">${t.digestHeading}</h2><p>${t.digestNone}</p></section>`;
  const labels = channelLabels(subs, await conversationsOf(deps.store, subs.map((s) => s.channelKey)));
  // The channel by its label, with the platform when the label does not say it ("team-ibp (Slack)").
  const option = (s: NudgeSubscription): string => {
    const label = labels.get(s.channelKey)!;
    return label.includes(platformLabel(s.platform)) ? label : `${label} (${platformLabel(s.platform)})`;
  };
  subs.sort((a, b) => option(a).localeCompare(option(b), 'nl') || a.channelKey.localeCompare(b.channelKey));
  const wanted = queryValues(raw, 'kanaal', [])[0];
  const sub: NudgeSubscription = subs.find((s) => s.channelKey === wanted) ?? subs[0]!;
  const tz = sub.schedule.timeZone;
  const when = nextRun(sub.schedule, new Date(sub.nextSlotAt));
  const { since, until, label } = previousMonth(when, tz, sub.locale);
  const list = await deps.store.reflections.list({ channelKey: sub.channelKey, since, until });
  const preview = list.length > 0 ? replyHtml(digestCard(deps.knowledge, list, label, sub.locale)) : html`<p>${t.digestEmpty(label)}</p>`;
  return html`<section aria-labelledby="kop-digest">
<h2 id="kop-digest">${t.digestHeading}</h2>
<p>${t.digestIntro}</p>
<form method="get" action="/admin/lessen" class="filters">
  <input type="hidden" name="van" value="${van}"><input type="hidden" name="tot" value="${tot}">
  <div class="field"><label for="kanaal">${t.digestChannel}</label>
    <select id="kanaal" name="kanaal">${subs.map((s) => html`<option value="${s.channelKey}"${s === sub ? html` selected` : html``}>${option(s)}</option>`)}</select></div>
  <div class="actions"><button type="submit" class="button">${t.digestShow}</button></div>
</form>
<p>${t.digestWhen(tz === DASHBOARD_TIME_ZONE ? dateTimeText(when, tz) : `${dateTimeText(when, tz)} (${tz})`, label)}</p>
${sub.status === 'paused' ? html`<p>${t.digestPaused}</p>` : html``}
${preview}
</section>`;
}

export async function lessenPage(deps: PageDeps, raw: RawQuery): Promise<{ title: string; body: SafeHtml; notices: Notice[] }> {
  const t = d().lessons;
  const notes: string[] = [];
  const today = dayNumber(localDateTime(deps.now(), DASHBOARD_TIME_ZONE));
  let van = queryDate(raw, 'van', t.from, notes) ?? isoDate(fromDayNumber(today - DEFAULT_DAYS));
  let tot = queryDate(raw, 'tot', t.to, notes) ?? isoDate(fromDayNumber(today));
  if (van > tot) {
    notes.push(d().query.swappedDates);
    [van, tot] = [tot, van];
  }
  const list = await deps.store.reflections.list({ since: dayStart(van), until: dayAfter(tot) });
  const newest = [...list].reverse();
  const page = paginate(newest, queryPage(raw, notes), PER_PAGE);
  if (page.clampedFrom !== undefined && list.length > 0) notes.push(d().query.pageClamped(page.clampedFrom, page.page));
  const qs = (n: number): string => `/admin/lessen?${new URLSearchParams({ van, tot, ...(n > 1 ? { pagina: String(n) } : {}) }).toString()}`;
  const body = html`<p class="lead">${t.intro}</p>
<form method="get" action="/admin/lessen" class="filters">
  <fieldset><legend>${t.period}</legend>
    <p class="hint" id="p-date-hint">${d().knelpunten.filters.dateHint}</p>
    <div class="filters__grid">
      <div class="field"><label for="p-van">${t.from}</label><input type="date" id="p-van" name="van" value="${van}" aria-describedby="p-date-hint"></div>
      <div class="field"><label for="p-tot">${t.to}</label><input type="date" id="p-tot" name="tot" value="${tot}" aria-describedby="p-date-hint"></div>
    </div>
  </fieldset>
  <div class="actions"><button type="submit" class="button button--primary">${t.show}</button></div>
</form>
<p role="status">${t.summary(list.length, dayText(van), dayText(tot))}</p>
${matrix(deps, list)}
<section aria-labelledby="kop-lijst">
<h2 id="kop-lijst">${t.listHeading}</h2>
${list.length === 0 ? html`<p>${t.listEmpty}</p>` : html`<ul class="group-list">${page.items.map((r) => reflection(deps, r))}</ul>${pager(page.page, page.pages, qs)}`}
</section>
${await digestSection(deps, raw, van, tot)}`;
  return { title: t.title, body, notices: notes.map((text) => ({ kind: 'info', text })) };
}
