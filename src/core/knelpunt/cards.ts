import { messages } from '../../i18n/index.js';
import type { KnowledgeBase } from '../../knowledge/base.js';
import type { KnelpuntRecord } from '../../store/types.js';
import type { KnelpuntStatus } from '../../domain/knelpunt.js';
import { block, reply, type Block, type Fact, type Reply } from '../reply.js';
import type { Locale } from '../../domain/turn.js';
import { OPGAVE_ANDERS } from './form.js';
import { isOpen, nextStatuses, statusValue } from '../../domain/knelpunt.js';

export const ACTION_STATUS = 'knelpunt.status';
export const ACTION_REPORT = 'knelpunt.report';

export function opgaveLabel(kb: KnowledgeBase, id: string, locale: Locale): string {
  if (id === OPGAVE_ANDERS) return messages(locale).knelpunt.opgaveAnders;
  const e = kb.get(id);
  return e ? (locale === 'en' ? e.title_en : e.title) : id;
}

export function statusLabel(status: KnelpuntStatus, locale: Locale): string {
  return messages(locale).knelpunt.status[status];
}

function facts(kb: KnowledgeBase, k: KnelpuntRecord, locale: Locale, withReporter: boolean): Fact[] {
  const t = messages(locale).knelpunt;
  const out: Fact[] = [
    { label: t.factOpgave, value: opgaveLabel(kb, k.opgave, locale) },
    { label: t.factUrgentie, value: t.urgentieLabel[k.urgentie] },
    { label: t.factOverheden, value: k.overheden.length > 0 ? k.overheden.map((o) => t.overheid[o]).join(', ') : t.none },
    { label: t.factStatus, value: statusLabel(k.status, locale) },
  ];
  if (withReporter) out.push({ label: t.factReporter, value: k.reporter?.name ?? (k.reporter ? k.reporter.userId : t.anonymousReporter) });
  out.push({ label: t.factCreated, value: k.createdAt.slice(0, 10) });
  return out;
}

/** The reporter's private confirmation. */
export function confirmationCard(kb: KnowledgeBase, k: KnelpuntRecord, locale: Locale, duplicate: boolean): Reply {
  const t = messages(locale).knelpunt;
  const body = duplicate ? t.confirmDuplicate : k.anoniem ? t.confirmBodyAnonymous : t.confirmBody;
  return reply(locale, `${t.confirmTitle(k.ref)}. ${body}`, [block.heading(t.confirmTitle(k.ref)), block.markdown(body), block.facts(facts(kb, k, locale, false))], {
    private: true,
  });
}

/** The card in the triage channel: details, the description as typed, and a button per next status. */
export function triageCard(kb: KnowledgeBase, k: KnelpuntRecord, locale: Locale): Reply {
  const t = messages(locale).knelpunt;
  const blocks: Block[] = [block.heading(t.triageTitle(k.ref)), block.facts(facts(kb, k, locale, true)), block.plain(k.beschrijving)];
  const next = nextStatuses(k.status);
  if (next.length > 0) {
    blocks.push(
      block.buttons(
        next.map((to) => ({
          label: t.statusButton[to],
          action: ACTION_STATUS,
          value: statusValue(k.ref, k.status, to),
          ...(to === 'niet_opgepakt' ? { style: 'danger' as const } : to === next[0] ? { style: 'primary' as const } : {}),
        })),
      ),
      block.context(t.triageContext),
    );
  }
  return reply(locale, `${t.triageTitle(k.ref)}: ${k.beschrijving.slice(0, 200)}`, blocks);
}

/** The private update a named reporter gets on every status change. */
export function reporterUpdateCard(kb: KnowledgeBase, k: KnelpuntRecord, locale: Locale, toelichting?: string): Reply {
  const t = messages(locale).knelpunt;
  const status = statusLabel(k.status, locale);
  const blocks: Block[] = [block.heading(t.reporterUpdateTitle(k.ref)), block.markdown(t.reporterUpdateBody(status))];
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

/** Counts per opgave and status, and the oldest open ones (coordinators). */
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
  const oldest = all.filter((k) => isOpen(k.status)).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, 5);
  const blocks: Block[] = [block.heading(t.overviewTitle), block.context(t.overviewTotal(all.length)), block.facts(rows)];
  if (oldest.length > 0) {
    blocks.push(
      block.divider(),
      block.context(t.overviewOldest),
      block.facts(oldest.map((k) => ({ label: k.ref, value: `${k.createdAt.slice(0, 10)}, ${statusLabel(k.status, locale)}, ${opgaveLabel(kb, k.opgave, locale)}` }))),
    );
  }
  return reply(locale, `${t.overviewTitle}. ${t.overviewTotal(all.length)}`, blocks, { private: true });
}
