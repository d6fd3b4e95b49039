import { describe, expect, it } from 'vitest';
import type { Block, Reply } from '../src/core/reply.js';
import { toPlainText } from '../src/domain/richtext.js';
import { parseCommand } from '../src/core/commands.js';
import { chooseLocale } from '../src/core/language.js';
import { StoreError } from '../src/store/types.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { testBot, turn } from './helpers/core.js';

const kinds = (r: Reply): string[] => r.blocks.map((b) => b.kind);
const buttons = (r: Reply): { label: string; action: string; value: string }[] =>
  r.blocks.flatMap((b: Block) => (b.kind === 'buttons' ? b.buttons : []));
const text = (r: Reply): string =>
  r.blocks.map((b) => (b.kind === 'text' ? toPlainText(b.rich) : b.kind === 'heading' || b.kind === 'context' ? b.text : '')).join('\n');

describe('commands', () => {
  it('are recognised with or without a slash, case-insensitively, with aliases', () => {
    expect(parseCommand('help')).toEqual({ command: 'help', args: '' });
    expect(parseCommand('/HELP')).toEqual({ command: 'help', args: '' });
    expect(parseCommand('Hulp')).toEqual({ command: 'help', args: '' });
    expect(parseCommand('/knelpunt de subsidie  loopt vast')).toEqual({ command: 'knelpunt', args: 'de subsidie  loopt vast' });
    expect(parseCommand('Reflectie stap voor stap')).toEqual({ command: 'reflectie', args: 'stap voor stap' });
    expect(parseCommand('helpen bij wonen')).toBeNull();
    expect(parseCommand('wat is help')).toBeNull();
  });
});

describe('language', () => {
  // More in tests/language.test.ts.
  it('answers in the language of the words; the locale, then the default, only decide when the words cannot', () => {
    expect(chooseLocale('Wat is het IBP?', undefined, 'nl')).toBe('nl');
    expect(chooseLocale('What is the IBP about?', undefined, 'nl')).toBe('en');
    expect(chooseLocale('Wat is het IBP?', 'en', 'nl')).toBe('nl');
    expect(chooseLocale('IBP', undefined, 'nl')).toBe('nl');
    expect(chooseLocale('IBP', 'en', 'nl')).toBe('en');
    expect(chooseLocale('zekerheid 7', 'nl', 'en')).toBe('nl');
  });
});

describe('core routing', () => {
  it('answers a question with an answer card: title, text, see-also and feedback buttons', async () => {
    const { bot } = await testBot();
    const res = await bot.handle(turn('Wat is de zevende zekerheid?'));
    expect(res.outcome).toBe('answered');
    expect(res.route).toBe('question');
    const [card] = res.replies;
    expect(card!.blocks[0]).toEqual({ kind: 'heading', text: 'Er gaan altijd dingen mis, blijf leren!' });
    expect(kinds(card!)).toContain('text');
    const see = buttons(card!).filter((b) => b.action === 'topic');
    expect(see.length).toBeGreaterThan(0);
    expect(see.length).toBeLessThanOrEqual(3);
    // `<entry>|<choice>|<answer id>|<locale>|<question>`: one answer id per card, so feedback counts once per answer per person;
    // every value ends in the card's language (`~nl`), so a press is answered in it
    const fb = buttons(card!).filter((b) => b.action === 'feedback').map((b) => b.value);
    expect(fb).toEqual([
      expect.stringMatching(/^zekerheid-7\|helpful\|[\w-]{12}\|nl\|Wat is de zevende zekerheid\?~nl$/),
      expect.stringMatching(/^zekerheid-7\|not_helpful\|[\w-]{12}\|nl\|Wat is de zevende zekerheid\?~nl$/),
    ]);
    expect(fb[0]!.split('|')[2]).toBe(fb[1]!.split('|')[2]);
    expect(card!.fallbackText).toMatch(/blijf leren/);
  });

  it('a "Zie ook" button opens that topic', async () => {
    const { bot } = await testBot();
    const res = await bot.handle(turn({ kind: 'action', action: 'topic', value: 'zekerheden' }));
    expect(res.outcome).toBe('answered');
    expect(res.replies[0]!.blocks[0]).toEqual({ kind: 'heading', text: expect.stringMatching(/zekerheden/i) });
  });

  it('stores feedback and thanks the user privately (a card from before answers had ids)', async () => {
    const { bot, store } = await testBot();
    const res = await bot.handle(turn({ kind: 'action', action: 'feedback', value: 'ibp|not_helpful' }));
    expect(res.outcome).toBe('feedback');
    expect(res.replies[0]!.private).toBe(true);
    const [fb] = await store.feedback.list();
    expect(fb).toMatchObject({ entryId: 'ibp', value: 'not_helpful', platform: 'local', answerId: 'entry:ibp' });
    expect(fb!.voter).toMatch(/^[\w-]{32}$/);
    expect(JSON.stringify(fb)).not.toContain('user-1');
  });

  it('feedback counts once per answer per person; a later press changes the choice; the card says what was chosen', async () => {
    const { bot, store } = await testBot();
    const card = (await bot.handle(turn('Wat is de zevende zekerheid?'))).replies[0]!;
    const [yes, no] = buttons(card).filter((b) => b.action === 'feedback');
    // no, no again, then yes: one record, now helpful
    for (const b of [no!, no!, yes!]) await bot.handle(turn({ kind: 'action', action: 'feedback', value: b.value }));
    expect((await store.feedback.list()).map((f) => f.value)).toEqual(['helpful']);
    // someone else on the same answer counts apart; the same person on another answer too
    await bot.handle(turn({ kind: 'action', action: 'feedback', value: no!.value }, { user: { id: 'user-2' } }));
    const other = buttons((await bot.handle(turn('Wat is de zevende zekerheid?'))).replies[0]!).find((b) => b.action === 'feedback' && b.value.includes('|not_helpful|'))!;
    await bot.handle(turn({ kind: 'action', action: 'feedback', value: other.value }));
    expect((await store.feedback.list()).map((f) => f.value)).toEqual(['helpful', 'not_helpful', 'not_helpful']);
    // in a personal chat the pressed card is replaced: the choice is shown, only the other one is offered
    const res = await bot.handle(turn({ kind: 'action', action: 'feedback', value: yes!.value }));
    const updated = res.replies[0]!;
    expect(updated.replacesSource).toBe(true);
    expect(updated.blocks[0]).toEqual(card.blocks[0]);
    expect(updated.blocks.some((b) => b.kind === 'context' && /nuttig/.test(b.text))).toBe(true);
    expect(buttons(updated).filter((b) => b.action === 'feedback').map((b) => b.label)).toEqual(['Toch niet nuttig']);
    expect(buttons(updated).filter((b) => b.action === 'feedback')[0]!.value).toBe(no!.value);
    // in a channel the card is everyone's: it stays as it is, the thanks is private
    const inChannel = await bot.handle(turn({ kind: 'action', action: 'feedback', value: yes!.value }, { conversation: { id: 'C1', kind: 'channel' } }));
    expect(inChannel.replies).toHaveLength(1);
    expect(inChannel.replies[0]).toMatchObject({ private: true });
    expect(inChannel.replies[0]!.replacesSource).toBeUndefined();
  });

  it('refuses forged feedback and stale actions without storing anything', async () => {
    const { bot, store } = await testBot();
    for (const value of ['ibp|great', 'nope|helpful', '', '|'.repeat(50)]) {
      const res = await bot.handle(turn({ kind: 'action', action: 'feedback', value }));
      expect(res.outcome).toBe('invalid');
    }
    expect((await bot.handle(turn({ kind: 'action', action: 'no-such-action', value: 'x' }))).outcome).toBe('invalid');
    expect((await bot.handle(turn({ kind: 'action', action: 'topic', value: 'does-not-exist' }))).outcome).toBe('invalid');
    expect(await store.feedback.count()).toBe(0);
  });

  it('says honestly it does not know, and stores the question as a gap without identity', async () => {
    const { bot, store, logs } = await testBot();
    const res = await bot.handle(turn('hoe laat is het', { user: { id: 'U-SECRET-42', name: 'Jan Jansen' } }));
    expect(res.outcome).toBe('unknown');
    expect(text(res.replies[0]!)).toMatch(/Dat weet ik niet/);
    expect(text(res.replies[0]!)).toMatch(/help/);
    const gaps = await store.gaps.list();
    expect(gaps).toEqual([{ id: expect.any(String), text: 'hoe laat is het', locale: 'nl', platform: 'local', at: '2026-11-23T10:00:00.000Z', outcome: 'unknown' }]);
    expect(JSON.stringify(gaps)).not.toMatch(/U-SECRET-42|Jan/);
    expect(logs.text).not.toMatch(/U-SECRET-42|Jan Jansen/);
  });

  it('greets and thanks briefly, without a knowledge answer', async () => {
    const { bot, store } = await testBot();
    for (const t of ['Hoi', 'hallo!', 'Goedemorgen', 'hi there']) {
      const res = await bot.handle(turn(t));
      expect(res.outcome, t).toBe('greeting');
      expect(kinds(res.replies[0]!)).toEqual(['text']);
    }
    expect((await bot.handle(turn('Bedankt!'))).route).toBe('thanks');
    expect((await bot.handle(turn('dank je wel'))).route).toBe('thanks');
    expect(await store.gaps.count()).toBe(0);
  });

  it('a question about the bot itself gets the help, in the language of its words; a longer question is a question', async () => {
    const { bot, store } = await testBot();
    for (const [q, heading] of [
      ['Wie ben jij?', 'Wat kan ik voor je doen?'],
      ['wat kan jij allemaal', 'Wat kan ik voor je doen?'],
      ['Wat kun je  voor me doen?!', 'Wat kan ik voor je doen?'],
      ['who are you?', 'What can I do for you?'],
      ['What can you do for me?', 'What can I do for you?'],
    ] as const) {
      const res = await bot.handle(turn(q));
      expect(res.route, q).toBe('command:help');
      expect(res.replies[0]!.blocks[0], q).toEqual({ kind: 'heading', text: heading });
    }
    for (const q of ['wie ben jij om dat te zeggen over zekerheid 3 en de opgaven', `wat kan je ${' '.repeat(100_000)}x`, `wie ben jij${'?'.repeat(100_000)}x`]) {
      expect((await bot.handle(turn(q))).route, q.slice(0, 30)).not.toBe('command:help');
    }
    expect(await store.gaps.count()).toBeLessThanOrEqual(3);
  });

  it('help, with or without slash, and as a command turn', async () => {
    const { bot } = await testBot();
    for (const input of ['help', '/help', 'HELP', { kind: 'command' as const, command: '/ibp', args: '' }]) {
      const res = await bot.handle(turn(input));
      expect(res.outcome).toBe('command');
      expect(res.replies[0]!.blocks[0]).toEqual({ kind: 'heading', text: 'Wat kan ik voor je doen?' });
      expect(buttons(res.replies[0]!).every((b) => b.action === 'ask')).toBe(true);
    }
  });

  it('`/ibp <vraag>` answers the question', async () => {
    const { bot } = await testBot();
    const res = await bot.handle(turn({ kind: 'command', command: 'ibp', args: 'wat is het IBP' }));
    expect(res.outcome).toBe('answered');
    expect(buttons(res.replies[0]!).some((b) => b.value.startsWith('ibp|helpful|'))).toBe(true);
  });

  it('knelpunt and reflectie without their features (as in the CLI) get a friendly pointer', async () => {
    const { bot } = await testBot();
    for (const t of ['knelpunt', '/Reflectie', 'knelpunt mijn']) {
      const res = await bot.handle(turn(t));
      expect(res.outcome).toBe('command');
      expect(text(res.replies[0]!)).toMatch(/werkt in de webchat, Teams en Slack/);
    }
  });

  it('answers in English when asked in English', async () => {
    const { bot } = await testBot();
    const res = await bot.handle(turn('What is the seventh zekerheid about?'));
    expect(res.locale).toBe('en');
    expect(res.outcome).toBe('answered');
    expect(res.replies[0]!.blocks[0]).toEqual({ kind: 'heading', text: expect.stringMatching(/keep learning/i) });
    // "Read the whole answer" shows the Dutch text, from an English card
    expect(buttons(res.replies[0]!).some((b) => b.value === 'zekerheid-7|nl~en')).toBe(true);
  });

  it('bad input: empty, whitespace, huge, hostile', async () => {
    const { bot, store } = await testBot();
    expect((await bot.handle(turn(''))).outcome).toBe('invalid');
    expect((await bot.handle(turn(' \n\t '))).outcome).toBe('invalid');
    const huge = await bot.handle(turn('wonen '.repeat(2000)));
    expect(huge.outcome).toBe('invalid');
    expect(text(huge.replies[0]!)).toMatch(/te lang/);
    const hostile = await bot.handle(turn('<!channel> <script>alert(1)</script> [klik](javascript:x) **vet**'));
    expect(['unknown', 'suggested']).toContain(hostile.outcome);
    if (hostile.outcome === 'unknown') {
      expect((await store.gaps.list())[0]?.text).toBe('<!channel> <script>alert(1)</script> [klik](javascript:x) **vet**');
    }
  });

  it('processes a redelivered turn once', async () => {
    const { bot, store } = await testBot();
    const t = turn('hoe laat is het');
    expect((await bot.handle(t)).outcome).toBe('unknown');
    const again = await bot.handle({ ...t });
    expect(again.outcome).toBe('duplicate');
    expect(again.replies).toEqual([]);
    expect(await store.gaps.count()).toBe(1);
  });

  it('never answers bots', async () => {
    const { bot } = await testBot();
    const res = await bot.handle(turn('Wat is het IBP?', { user: { id: 'B1', isBot: true } }));
    expect(res).toMatchObject({ outcome: 'ignored', replies: [] });
  });

  it('a store failure gives a friendly retry message and is logged once', async () => {
    const store = LowdbStore.openInMemory();
    store.gaps.add = async () => {
      throw new StoreError('disk full');
    };
    const { bot, logs } = await testBot({ store });
    const res = await bot.handle(turn('hoe laat is het'));
    expect(res.outcome).toBe('error');
    expect(text(res.replies[0]!)).toMatch(/probeer het zo nog eens/i);
    expect(logs.lines.filter((l) => l.includes('store error during turn'))).toHaveLength(1);
  });

  it('logs one info line per turn with platform, route, outcome and duration, and no user id', async () => {
    const { bot, logs } = await testBot();
    await bot.handle(turn('Wat is het IBP?', { user: { id: 'U-VISIBLE?', name: 'Piet' } }));
    const lines = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'turn');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ platform: 'local', route: 'question', outcome: 'answered', userHash: expect.any(String) });
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(logs.text).not.toMatch(/U-VISIBLE|Piet/);
  });
});
