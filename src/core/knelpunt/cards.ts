import { messages } from '../../i18n/index.js';
import type { KnowledgeBase } from '../../knowledge/base.js';
import type { KnelpuntHistoryItem, KnelpuntRecord } from '../../store/types.js';
import { FORGOTTEN_ACTOR, isOpen, isReopen, needsToelichting, nextStatuses, statusValue, type KnelpuntStatus, type StatusOrigin } from '../../domain/knelpunt.js';
import { dateText, dateTimeText } from '../../domain/dates.js';
import { block, reply, type Block, type Button, type Fact, type Reply } from '../reply.js';
import type { Locale } from '../../domain/turn.js';
import { OPGAVE_ANDERS } from './form.js';

export const ACTION_STATUS = 'knelpunt.status';
export const ACTION_REPORT = 'knelpunt.report';

/** Open knelpunten the coordinators' overview shows with their status buttons, oldest first. */
export const OVERVIEW_OPEN_MAX = 10;
/** The description on the overview, shortened to this many characters. */
const OVERVIEW_SNIPPET = 160;
/** Times in cards: the Dutch wall clock. */

export function opgaveLabel(kb: KnowledgeBase, id: string, locale: Locale): string {
  if (id === OPGAVE_ANDERS) return messages(locale).knelpunt.opgaveAnders;
  const e = kb.get(id);
  return e ? (locale === 'en' ? e.title_en : e.title) : id;
}

export function statusLabel(status: KnelpuntStatus, locale: Locale): string {
  return messages(locale).knelpunt.status[status];
}

/** Who reported it, as a person reads it: the name the platform gave, never a platform id. */
function reporterLabel(k: KnelpuntRecord, locale: Locale): string {
  const t = messages(locale).knelpunt;
  if (!k.reporter) return t.anonymousReporter;
  return k.reporter.name ?? t.reporterUnnamed;
}

function facts(kb: KnowledgeBase, k: KnelpuntRecord, locale: Locale, withReporter: boolean): Fact[] {
  const t = messages(locale).knelpunt;
  const out: Fact[] = [
    { label: t.factOpgave, value: opgaveLabel(kb, k.opgave, locale) },
    { label: t.factUrgentie, value: t.urgentieLabel[k.urgentie] },
    { label: t.factOverheden, value: k.overheden.length > 0 ? k.overheden.map((o) => t.overheid[o]).join(', ') : t.none },
    { label: t.factStatus, value: statusLabel(k.status, locale) },
  ];
  if (withReporter) out.push({ label: t.factReporter, value: reporterLabel(k, locale) });
  out.push({ label: t.factCreated, value: dateText(k.createdAt, locale) });
  return out;
}

/** One line of the history: when, what, by whom (their name; an id is for exports, not for cards). */
export function historyLine(h: KnelpuntHistoryItem, locale: Locale): string {
  const t = messages(locale).knelpunt;
  const when = dateTimeText(h.at, locale);
  const who = h.by === FORGOTTEN_ACTOR ? t.actorForgotten : (h.byName ?? t.actorUnnamed);
  const line = isReopen(h.from, h.to)
    ? t.historyReopened(when, statusLabel(h.to, locale), who)
    : t.historyLine(when, statusLabel(h.from, locale), statusLabel(h.to, locale), who);
  return h.toelichting ? `${line}: ${h.toelichting}` : line;
}

/** The buttons for the next steps; a step that needs a toelichting opens a form (a dialog where the platform has one). */
export function statusButtons(k: KnelpuntRecord, locale: Locale, origin: StatusOrigin = 'card'): Button[] {
  const t = messages(locale).knelpunt;
  const next = nextStatuses(k.status);
  return next.map((to) => ({
    label: isReopen(k.status, to) ? t.reopenButton : t.statusButton[to],
    action: ACTION_STATUS,
    value: statusValue(k.ref, k.status, to, origin),
    ...(needsToelichting(to, k.status) ? { opensForm: true } : {}),
    ...(to === 'niet_opgepakt' ? { style: 'danger' as const } : to === next[0] ? { style: 'primary' as const } : {}),
  }));
}

/** The reporter's private confirmation; `repeated`: the same form was sent again. */
export function confirmationCard(kb: KnowledgeBase, k: KnelpuntRecord, locale: Locale, duplicate: boolean | 'repeated'): Reply {
  const t = messages(locale).knelpunt;
  const body = duplicate === 'repeated' ? t.alreadyReceived(k.ref) : duplicate ? t.confirmDuplicate : k.anoniem ? t.confirmBodyAnonymous : t.confirmBody;
  return reply(locale, `${t.confirmTitle(k.ref)}. ${body}`, [block.heading(t.confirmTitle(k.ref)), block.markdown(body), block.facts(facts(kb, k, locale, false))], {
    private: true,
  });
}

/**
 * The triage card: details, the description as typed, the history with names, and a
 * button per next step (a closed knelpunt: reopen). The same card everywhere it is shown
 * (the triage channel, a coordinator's chat), and after every status change.
 */
export function triageCard(kb: KnowledgeBase, k: KnelpuntRecord, locale: Locale): Reply {
  const t = messages(locale).knelpunt;
  const title = k.status === 'nieuw' ? t.triageTitle(k.ref) : t.knelpuntTitle(k.ref);
  const blocks: Block[] = [block.heading(title), block.facts(facts(kb, k, locale, true)), block.plain(k.beschrijving)];
  if (k.history.length > 0) {
    blocks.push(block.divider(), block.context(t.historyTitle), block.plain(k.history.map((h) => historyLine(h, locale)).join('\n')));
  }
  blocks.push(block.buttons(statusButtons(k, locale)), block.context(t.triageContext));
  return { ...reply(locale, `${title} (${statusLabel(k.status, locale)}): ${k.beschrijving.slice(0, 200)}`, blocks), track: k.ref };
}

/** The private update a named reporter gets on every status change (a reopen says so). */
export function reporterUpdateCard(kb: KnowledgeBase, k: KnelpuntRecord, locale: Locale, toelichting?: string): Reply {
  const t = messages(locale).knelpunt;
  const status = statusLabel(k.status, locale);
  const last = k.history.at(-1);
  const body = last && isReopen(last.from, last.to) ? t.reporterReopenedBody(status) : t.reporterUpdateBody(status);
  const blocks: Block[] = [block.heading(t.reporterUpdateTitle(k.ref)), block.markdown(body)];
  if (toelichting) blocks.push(block.plain(toelichting));
  blocks.push(block.facts(facts(kb, k, locale, false)));
  return reply(locale, `${t.reporterUpdateTitle(k.ref)}: ${status}`, blocks, { private: true });
}

export function mineCard(kb: KnowledgeBase, list: KnelpuntRecord[], locale: Locale): Reply {
  const t = messages(locale).knelpunt;
  if (list.length === 0) return reply(locale, t.mineEmpty, [block.heading(t.mineTitle), block.markdown(t.mineEmpty)], { private: true });
  const sorted = [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 20);
  return reply(
    locale,
    `${t.mineTitle}: ${sorted.map((k) => `${k.ref} (${statusLabel(k.status, locale)})`).join(', ')}`,
    [
      block.heading(t.mineTitle),
      block.facts(sorted.map((k) => ({ label: k.ref, value: `${statusLabel(k.status, locale)}, ${opgaveLabel(kb, k.opgave, locale)}` }))),
    ],
    { private: true },
  );
}

const snippet = (s: string): string => ([...s].length > OVERVIEW_SNIPPET ? `${[...s].slice(0, OVERVIEW_SNIPPET - 1).join('').trimEnd()}…` : s);

/**
 * The coordinators' overview: counts per opgave and status, then the oldest open
 * knelpunten, each with its status buttons. So a knelpunt can be triaged without a triage
 * card (reported before a triage channel existed, or its card was lost).
 */
export function overviewCard(kb: KnowledgeBase, all: KnelpuntRecord[], locale: Locale): Reply {
  const t = messages(locale).knelpunt;
  if (all.length === 0) return reply(locale, t.overviewEmpty, [block.heading(t.overviewTitle), block.markdown(t.overviewEmpty)], { private: true });
  const perOpgave = new Map<string, Map<KnelpuntStatus, number>>();
  for (const k of all) {
    const m = perOpgave.get(k.opgave) ?? new Map<KnelpuntStatus, number>();
    m.set(k.status, (m.get(k.status) ?? 0) + 1);
    perOpgave.set(k.opgave, m);
  }
  const rows: Fact[] = [...perOpgave.entries()]
    .sort((a, b) => opgaveLabel(kb, a[0], locale).localeCompare(opgaveLabel(kb, b[0], locale)))
    .map(([opgave, m]) => ({
      label: opgaveLabel(kb, opgave, locale),
      value: [...m.entries()].map(([s, n]) => `${statusLabel(s, locale)}: ${n}`).join(', '),
    }));
  const open = all.filter((k) => isOpen(k.status)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.ref.localeCompare(b.ref));
  const blocks: Block[] = [block.heading(t.overviewTitle), block.context(t.overviewTotal(all.length)), block.facts(rows)];
  if (open.length > 0) {
    blocks.push(block.divider(), block.context(t.overviewOpen));
    for (const k of open.slice(0, OVERVIEW_OPEN_MAX)) {
      blocks.push(
        block.context(t.overviewItem(k.ref, dateText(k.createdAt, locale), statusLabel(k.status, locale), opgaveLabel(kb, k.opgave, locale))),
        block.plain(snippet(k.beschrijving)),
        block.buttons(statusButtons(k, locale, 'overview')),
      );
    }
    if (open.length > OVERVIEW_OPEN_MAX) blocks.push(block.context(t.overviewMoreOpen(open.length - OVERVIEW_OPEN_MAX)));
  }
  return reply(locale, `${t.overviewTitle}. ${t.overviewTotal(all.length)}`, blocks, { private: true });
}
