import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanTurn, type Turn } from '../src/domain/turn.js';
import { cleanName, cleanText, MAX_NAME_LENGTH, needsStorable, storable, truncateText } from '../src/domain/text.js';
import { storableDeep } from '../src/store/guard.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { testBot } from './helpers/core.js';
import { HOSTILE_STRINGS } from './store-hostile.js';

/** Any string, lone surrogates included (fast-check's `string` only makes well-formed ones). */
const anyUtf16 = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }).map((units) => String.fromCharCode(...units));
const hasLoneSurrogate = (s: string): boolean => /\p{Surrogate}/u.test(s);

describe('cleanText: the one text boundary', () => {
  it('removes NUL and other control characters, keeps tab and newline, turns CR/CRLF into newlines', () => {
    expect(cleanText('a\u0000b\u0007c\u001bd\u007fe\u0085f\u009fg')).toBe('abcdefg');
    expect(cleanText('regel 1\r\nregel 2\rregel 3\n\tingesprongen')).toBe('regel 1\nregel 2\nregel 3\n\tingesprongen');
    expect(cleanText('\u001b[31mrood\u001b[0m')).toBe('[31mrood[0m');
  });

  it('replaces lone and reversed surrogates by U+FFFD and keeps valid pairs', () => {
    expect(cleanText('a\ud800b')).toBe('a\ufffdb');
    expect(cleanText('a\udc00b')).toBe('a\ufffdb');
    expect(cleanText('\udc00\ud800')).toBe('\ufffd\ufffd');
    expect(cleanText('eind \ud83d')).toBe('eind \ufffd');
    expect(cleanText('😀 ok')).toBe('😀 ok');
  });

  it('normalises to NFC: a combining accent equals the composed letter', () => {
    expect(cleanText('cre\u0065\u0308ren')).toBe('creëren');
    expect(cleanText('Zekerheid 7')).toBe('Zekerheid 7');
  });

  it('keeps ordinary Dutch text exactly (and returns the same string when there is nothing to do)', () => {
    const s = 'Wat is de zevende zekerheid? “Er gaan altijd dingen mis, blijf leren!” – €5, 👍';
    expect(cleanText(s)).toBe(s);
  });

  it('properties: never a control character (but tab/newline), never a lone surrogate, idempotent, NFC', () => {
    fc.assert(fc.property(anyUtf16, (s) => {
      const c = cleanText(s);
      expect([...c].some((ch) => { const u = ch.charCodeAt(0); return (u < 0x20 && u !== 9 && u !== 10) || (u >= 0x7f && u <= 0x9f); })).toBe(false);
      expect(hasLoneSurrogate(c)).toBe(false);
      expect(cleanText(c)).toBe(c);
      expect(c.normalize('NFC')).toBe(c);
    }), { numRuns: 2000 });
  });

  it('properties: storable removes exactly NUL and lone surrogates, nothing else', () => {
    fc.assert(fc.property(anyUtf16, (s) => {
      const st = storable(s);
      expect(st.includes('\u0000')).toBe(false);
      expect(hasLoneSurrogate(st)).toBe(false);
      expect(needsStorable(s)).toBe(st !== s);
      expect(storable(st)).toBe(st);
      // everything that was neither NUL nor a surrogate survives in order
      const keep = (x: string): string => [...x].filter((ch) => ch !== '\u0000' && ch !== '\ufffd' && !/\p{Surrogate}/u.test(ch)).join('');
      expect(keep(st)).toBe(keep(s));
    }), { numRuns: 2000 });
  });

  it('truncateText never cuts a surrogate pair in half', () => {
    const s = 'ab😀cd';
    expect(truncateText(s, 3)).toBe('ab');
    expect(truncateText(s, 4)).toBe('ab😀');
    expect(truncateText('😀'.repeat(10_000), 101)).toBe('😀'.repeat(50));
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), fc.nat(120), (x, n) => {
      expect(hasLoneSurrogate(truncateText(x, n))).toBe(false);
    }));
  });

  it('display names: one line, trimmed, bounded', () => {
    expect(cleanName('  Anna\n\tde\u0000 Vries  ')).toBe('Anna de Vries');
    expect(cleanName('x'.repeat(10_000))).toHaveLength(MAX_NAME_LENGTH);
  });

  it('storableDeep cleans keys and nested values, and leaves clean records untouched (same object)', () => {
    const clean = { a: 'x', b: [1, 'y', { c: 'z' }], d: new Date(0) };
    expect(storableDeep(clean)).toBe(clean);
    expect(storableDeep({ ['k\u0000']: ['v\ud800', { w: 'a\u0000' }] })).toEqual({ k: ['v\ufffd', { w: 'a' }] });
  });
});

describe('cleanTurn: every string of a turn passes the boundary once', () => {
  const base: Turn = {
    id: 'act\u00001', platform: 'teams', receivedAt: new Date('2026-12-04T10:00:00Z'),
    user: { id: '29:u\u0000', name: ' Anna\u0000 ', locale: 'nl-NL\u0000', aadObjectId: 'aad\ud800' },
    conversation: { id: 'a:conv\u0000', kind: 'personal', threadId: 't\u0000', teamId: 'T\u0000' },
    input: { kind: 'text', text: 'x' },
  };

  it('cleans ids, names and every input kind', () => {
    const t = cleanTurn(base);
    expect(t).toMatchObject({ id: 'act1', user: { id: '29:u', name: 'Anna', locale: 'nl-NL', aadObjectId: 'aad\ufffd' }, conversation: { id: 'a:conv', threadId: 't', teamId: 'T' } });
    expect(cleanTurn({ ...base, input: { kind: 'command', command: 'knel\u0000punt', args: 'a\u0000b' } }).input).toEqual({ kind: 'command', command: 'knelpunt', args: 'ab' });
    expect(cleanTurn({ ...base, input: { kind: 'action', action: 'fb\u0000', value: 'v\ud800' } }).input).toEqual({ kind: 'action', action: 'fb', value: 'v\ufffd' });
    const form = cleanTurn({ ...base, input: { kind: 'form', formId: 'knelpunt', values: { beschrijving: 'a\u0000\r\nb', overheden: ['gemeente\u0000'], anoniem: true }, state: 's\u0000' } }).input;
    expect(form).toEqual({ kind: 'form', formId: 'knelpunt', values: { beschrijving: 'a\nb', overheden: ['gemeente'], anoniem: true }, state: 's' });
  });

  it('the core answers a question with NUL, controls and lone surrogates in it, and stores the knowledge gap cleaned', async () => {
    const { bot, store } = await testBot({ store: LowdbStore.openInMemory() });
    for (const [i, h] of HOSTILE_STRINGS.entries()) {
      const res = await bot.handle({ ...base, id: `m-${i}`, user: { id: 'u1' }, input: { kind: 'text', text: `blablabla onbekend ${h}`.slice(0, 3000) } });
      expect(res.outcome, JSON.stringify(h.slice(0, 20))).not.toBe('error');
    }
    expect((await store.gaps.list()).length).toBeGreaterThan(0);
    for (const g of await store.gaps.list()) {
      expect(g.text).toBe(cleanText(g.text));
      expect(g.text.includes('\u0000')).toBe(false);
    }
  });
});
