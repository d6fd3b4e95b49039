import { messages } from '../../i18n/index.js';
import type { KnowledgeBase } from '../../knowledge/base.js';
import type { ReflectieQuestion } from '../../knowledge/reflectie.js';
import { dateTimeText, dayText, DEFAULT_TIME_ZONE } from '../../domain/dates.js';
import type { NudgeSubscription, ReflectionRecord } from '../../store/types.js';
import type { ReflectionAnswers } from '../../domain/reflection.js';
import { block, reply, type Block, type Fact, type Reply } from '../reply.js';
import type { Locale } from '../../domain/turn.js';
import { entryLabel, zekerheidLabel } from './form.js';

export const ACTION_START = 'reflectie.start';
export const ACTION_KEEP = 'reflectie.keep';
export const ACTION_SHARE = 'reflectie.share';
export const ACTION_STEP = 'reflectie.step';

/** Answers as typed (never parsed as Markdown), plus the tags. */
function answerBlocks(kb: KnowledgeBase, a: ReflectionAnswers, locale: Locale): Block[] {
  const t = messages(locale).reflectie;
  const blocks: Block[] = [];
  for (const [label, text] of [[t.factGoed, a.goed], [t.factBeter, a.beter], [t.factMeenemen, a.meenemen]] as const) {
    if (text) blocks.push(block.context(label), block.plain(text));
  }
  const tags: Fact[] = [];
  if (a.opgave) tags.push({ label: t.factOpgave, value: entryLabel(kb, a.opgave, locale) });
  if (a.zekerheid) tags.push({ label: t.factZekerheid, value: zekerheidLabel(kb, a.zekerheid, locale) });
  if (tags.length > 0) blocks.push(block.facts(tags));
  return blocks;
}

const fallback = (a: ReflectionAnswers): string => [a.goed, a.beter, a.meenemen].filter(Boolean).join(' / ').slice(0, 200);

export interface SummaryOptions {
  /** It started in a channel (or group chat), so it can be shared there. */
  shareable: boolean;
  /** The platform gave the person's name: sharing with it is possible. */
  named: boolean;
}

/**
 * Private: the filled-in reflection and what can be done with it: keep it, or share it
 * (with the name, when there is one, or anonymously) in the channel where it started.
 * Started in a personal chat, there is no channel: the card says how to share from one.
 */
export function summaryCard(kb: KnowledgeBase, draftId: string, a: ReflectionAnswers, locale: Locale, opts: SummaryOptions): Reply {
  const t = messages(locale).reflectie;
  const keep = { label: t.keepButton, action: ACTION_KEEP, value: draftId };
  const choices = opts.shareable
    ? [
        keep,
        ...(opts.named ? [{ label: t.shareNamedButton, action: ACTION_SHARE, value: `${draftId}|named`, style: 'primary' as const }] : []),
        { label: t.shareAnonButton, action: ACTION_SHARE, value: `${draftId}|anon`, ...(opts.named ? {} : { style: 'primary' as const }) },
      ]
    : [keep];
  return reply(locale, `${t.summaryTitle}: ${fallback(a)}`, [
    block.heading(t.summaryTitle),
    ...answerBlocks(kb, a, locale),
    block.divider(),
    block.markdown(opts.shareable ? t.summaryIntro : t.summaryPersonal),
    block.buttons(choices),
    ...(opts.shareable ? [block.context(t.summaryChannel)] : []),
  ], { private: true });
}

/** The summary after the choice was made: what happened, and no buttons left. */
export function summaryDoneCard(kb: KnowledgeBase, a: ReflectionAnswers, locale: Locale, done: 'kept' | 'named' | 'anon'): Reply {
  const t = messages(locale).reflectie;
  const said = done === 'kept' ? t.kept : done === 'named' ? t.sharedNamed : t.sharedAnon;
  return reply(locale, `${t.summaryTitle}: ${said.replace(/\*\*/g, '')}`, [block.heading(t.summaryTitle), ...answerBlocks(kb, a, locale), block.divider(), block.markdown(said)], {
    private: true,
  });
}

/** The card posted in the channel. */
export function sharedCard(kb: KnowledgeBase, r: Pick<ReflectionRecord, keyof ReflectionAnswers | 'authorName' | 'anonymous'>, locale: Locale): Reply {
  const t = messages(locale).reflectie;
  const title = r.anonymous || !r.authorName ? t.sharedTitleAnon : t.sharedTitleNamed(r.authorName);
  return reply(locale, `${title}: ${fallback(r)}`, [block.heading(title), ...answerBlocks(kb, r, locale), block.context(t.sharedContext.replace(/\*\*/g, ''))]);
}

/** A scheduled nudge: one question and a button that opens the reflection for whoever clicks it. */
export function nudgeCard(kb: KnowledgeBase, q: ReflectieQuestion, channelKey: string, locale: Locale): Reply {
  const t = messages(locale).reflectie;
  const question = locale === 'en' ? q.en : q.nl;
  return reply(locale, `${t.nudgeTitle}: ${question}`, [
    block.heading(t.nudgeTitle),
    block.plain(question),
    block.buttons([{ label: t.nudgeButton, action: ACTION_START, value: channelKey, style: 'primary' }]),
    block.context(t.nudgeContext(zekerheidLabel(kb, q.zekerheid, locale))),
  ]);
}

/** Most reflections shown in one digest; the rest are counted. */
export const DIGEST_MAX = 25;
const SNIPPET = 280;
const snip = (s: string): string => ([...s].length > SNIPPET ? `${[...s].slice(0, SNIPPET - 1).join('')}…` : s);

/** "Wat we leerden": shared reflections of one channel, grouped by opgave, then zekerheid. */
export function digestCard(kb: KnowledgeBase, list: ReflectionRecord[], monthLabel: string, locale: Locale): Reply {
  const t = messages(locale).reflectie;
  const byOpgave = new Map<string, ReflectionRecord[]>();
  for (const r of list) byOpgave.set(r.opgave ?? '', [...(byOpgave.get(r.opgave ?? '') ?? []), r]);
  const opgaveName = (id: string): string => (id ? entryLabel(kb, id, locale) : t.digestNoOpgave);
  const groups = [...byOpgave.entries()].sort((a, b) => (a[0] === '' ? 1 : b[0] === '' ? -1 : opgaveName(a[0]).localeCompare(opgaveName(b[0]))));
  const blocks: Block[] = [block.heading(t.digestTitle(monthLabel)), block.markdown(t.digestIntro(list.length))];
  let shown = 0;
  for (const [opgave, items] of groups) {
    if (shown >= DIGEST_MAX) break;
    blocks.push(block.divider(), block.heading(opgaveName(opgave)));
    const sorted = [...items].sort((a, b) => (a.zekerheid ?? 'zz').localeCompare(b.zekerheid ?? 'zz') || a.createdAt.localeCompare(b.createdAt));
    for (const r of sorted) {
      if (shown >= DIGEST_MAX) break;
      shown++;
      const who = r.anonymous || !r.authorName ? t.digestAnonymous : r.authorName;
      const z = r.zekerheid ? zekerheidLabel(kb, r.zekerheid, locale) : t.digestNoZekerheid;
      blocks.push(block.context(`${z} · ${who}`));
      const parts = [r.goed && `${t.factGoed}: ${snip(r.goed)}`, r.beter && `${t.factBeter}: ${snip(r.beter)}`, r.meenemen && `${t.factMeenemen}: ${snip(r.meenemen)}`];
      blocks.push(block.plain(parts.filter(Boolean).join('\n\n')));
    }
  }
  if (list.length > shown) blocks.push(block.context(t.digestMore(list.length - shown)));
  return reply(locale, `${t.digestTitle(monthLabel)}: ${t.digestIntro(list.length)}`, blocks);
}

/** `reflectie planning`: the channel's subscriptions with the next run in their own zone. */
/** A time of a schedule, in its own zone; the zone is named when it is not Amsterdam's. */
export function zonedDateTime(at: Date | string, timeZone: string, locale: Locale): string {
  return `${dateTimeText(at, locale, timeZone)}${timeZone === DEFAULT_TIME_ZONE ? '' : ` (${timeZone})`}`;
}

export function planningCard(subs: NudgeSubscription[], locale: Locale): Reply {
  const t = messages(locale).reflectie;
  if (subs.length === 0) return reply(locale, t.planningEmpty.replace(/\*\*/g, ''), [block.heading(t.planningTitle), block.markdown(t.planningEmpty)]);
  const facts: Fact[] = subs.map((s) => {
    const parts: string[] = [];
    if (s.status === 'paused') parts.push(t.planningPausedGone.replace(/\*\*/g, ''));
    else {
      if (s.pausedUntil) parts.push(t.planningPausedUntil(dayText(s.pausedUntil, locale)));
      parts.push(t.planningNext(zonedDateTime(s.nextSlotAt, s.schedule.timeZone, locale)));
    }
    if (s.lastResult) parts.push(t.planningLast(t.result[s.lastResult.status], zonedDateTime(s.lastResult.slot, s.schedule.timeZone, locale)));
    return { label: s.kind === 'digest' ? `${t.planningDigest}: ${s.schema}` : s.schema, value: parts.join('; ') };
  });
  return reply(locale, `${t.planningTitle}: ${facts.map((f) => `${f.label} (${f.value})`).join(', ')}`, [
    block.heading(t.planningTitle),
    block.facts(facts),
    block.context(t.planningChangedBy),
  ]);
}
