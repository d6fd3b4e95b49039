import { messages } from '../../i18n/index.js';
import { nextRun } from '../../domain/schedule.js';
import { isoDate, localDateTime } from '../../domain/time.js';
import { DASHBOARD_TIME_ZONE, dateTimeText, dayText } from '../dates.js';
import type { NudgeSubscription } from '../../store/types.js';
import { html, type SafeHtml } from '../html.js';
import type { Notice } from '../layout.js';
import { paginate, queryPage, type RawQuery } from '../query.js';
import { channelLabel, channelLabels, conversationsOf, platformLabel } from '../names.js';
import { d, pager, type PageDeps } from './common.js';

const PER_PAGE = 100;

export interface PlanningRow {
  platform: string;
  channel: string;
  kind: string;
  schema: string;
  timeZone: string;
  /** Local time in the subscription's zone, holidays skipped; empty when it will not run. */
  next: string;
  paused: string;
  last: string;
}

/**
 * One row per subscription, in Dutch. Pure: `now` only decides whether a pause is over;
 * `channels` names the channels (channelLabels), else they are named without their reference.
 */
export function planningRows(subs: readonly NudgeSubscription[], now: Date, channels: ReadonlyMap<string, string> = channelLabels(subs)): PlanningRow[] {
  const t = d().planning;
  const result = messages('nl').reflectie.result;
  return subs.map((s) => {
    const tz = s.schedule.timeZone;
    const today = isoDate(localDateTime(now, tz));
    const paused =
      s.status === 'stopped' ? t.stopped
      // The scheduler pauses a subscription only when the channel cannot be reached; its code stays in the log.
      : s.status === 'paused' ? t.unreachable
      : s.pausedUntil && s.pausedUntil > today ? t.until(dayText(s.pausedUntil))
      : t.no;
    const last = s.lastResult
      ? `${result[s.lastResult.status]}, ${dateTimeText(s.lastResult.slot, tz)}`
      : t.none;
    return {
      platform: platformLabel(s.platform),
      channel: channels.get(s.channelKey) ?? channelLabel(s),
      kind: s.kind === 'digest' ? t.kindDigest : t.kindNudge,
      schema: s.schema,
      timeZone: tz === DASHBOARD_TIME_ZONE ? t.dutchTime : tz,
      next: s.status === 'active' ? dateTimeText(nextRun(s.schedule, new Date(s.nextSlotAt)), tz) : '',
      paused,
      last,
    };
  });
}

export async function planningPage(deps: PageDeps, raw: RawQuery): Promise<{ title: string; body: SafeHtml; notices: Notice[] }> {
  const t = d().planning;
  const notes: string[] = [];
  const subs = (await deps.store.subscriptions.list()).sort(
    (a, b) => a.platform.localeCompare(b.platform) || a.conversationId.localeCompare(b.conversationId) || a.kind.localeCompare(b.kind) || a.createdAt.localeCompare(b.createdAt),
  );
  const page = paginate(subs, queryPage(raw, notes), PER_PAGE);
  if (page.clampedFrom !== undefined && subs.length > 0) notes.push(d().query.pageClamped(page.clampedFrom, page.page));
  const rows = planningRows(page.items, deps.now(), channelLabels(page.items, await conversationsOf(deps.store, page.items.map((s) => s.channelKey))));
  const cols: [keyof PlanningRow, string][] = [
    ['platform', t.platform], ['channel', t.channel], ['kind', t.kind], ['schema', t.schema], ['timeZone', t.timeZone], ['next', t.next], ['paused', t.paused], ['last', t.last],
  ];
  const table = subs.length === 0
    ? html`<p>${t.empty}</p>`
    : html`<p role="status">${t.count(subs.length)}</p>
<div class="table-wrap" role="region" tabindex="0" aria-label="${t.caption}"><table class="data-table data-table--cards">
  <caption class="visually-hidden">${t.caption}</caption>
  <thead><tr>${cols.map(([, label]) => html`<th scope="col">${label}</th>`)}</tr></thead>
  <tbody>${rows.map((r) => html`<tr>${cols.map(([key, label]) => html`<td data-label="${label}">${r[key]}</td>`)}</tr>`)}</tbody>
</table></div>
${pager(page.page, page.pages, (n) => (n > 1 ? `/admin/planning?pagina=${n}` : '/admin/planning'))}`;
  return { title: t.title, body: html`<p class="lead">${t.intro}</p>${table}`, notices: notes.map((text) => ({ kind: 'info', text })) };
}
