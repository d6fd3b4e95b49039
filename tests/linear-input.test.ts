import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText } from '../adapters/teams/parse.js';
import { cardBytes, escapeMarkdown, MAX_CARD_BYTES, type AdaptiveCard } from '../adapters/teams/render.js';
import { slackTextToPlain } from '../adapters/slack/parse.js';
import { escapeMrkdwn, inlineToMrkdwn, splitMrkdwn, truncate } from '../adapters/slack/mrkdwn.js';
import { LIMITS, type RenderedMessage } from '../adapters/slack/render.js';
import { COMMAND_ALIASES, isThanks, parseCommand, type ParsedCommand } from '../src/core/commands.js';
import type { ReflectieCommand } from '../src/core/reflectie/feature.js';
import { parseInline, toPlainText, type RichText } from '../src/domain/richtext.js';
import { isLineTerminator, isWhitespace } from '../src/domain/whitespace.js';
import { phrasingKey, type GapGroup } from '../src/dashboard/gaps.js';
import { MAX_TEXT, queryText, type KnelpuntQuery } from '../src/dashboard/query.js';
import { loadKnowledge } from '../src/knowledge/load.js';
import { KnowledgeIndex, type SearchResult } from '../src/knowledge/search.js';
import type { ParseResult } from '../src/domain/schedule.js';
import { BOT_ACCOUNT, HOSTILE_CASES, hostileParsers } from './helpers/hostile-text.js';
import {
  LEGACY_THANKS, legacyCleanText, legacyEscapeMarkdown, legacyParseInline, legacyPhrasingKey, legacyQueryTextHead, legacySplitMrkdwn, legacyTruncate,
  legacyWrap,
} from './helpers/legacy-parsers.js';

/**
 * Issue #16: every parser and cleaner of user text is linear in its input.
 *
 * No wall-clock assertions here (timed unit tests flake on a loaded machine; the time
 * bound of 50 ms per parser at 100,000 characters is checked by `bench/parsers.ts`).
 * What the tests check instead:
 *  1. the linear versions give exactly what the old backtracking code gave, on short
 *     text where the old code is still fast (the old code, kept as an oracle);
 *  2. properties over arbitrary and hostile text (never throws, output well formed);
 *  3. every function on every known worst case at 100,000 characters, with its output
 *     checked. The old code needed seconds to hours for one such case; a test yields to
 *     the timers between cases, so a parser that turns super-linear again runs into
 *     vitest's test timeout (20 s) and fails, instead of passing slowly.
 */

const { entries } = await loadKnowledge(path.resolve('knowledge'));
const index = new KnowledgeIndex(entries);
const HUGE = 100_000;

/** Characters that trigger the worst paths, and any code point at all. */
const HOSTILE_UNITS = [
  ' ', '  ', '\u2003', '\u00a0', '\t', '\n', '\r', '\u2028', '\v', '<', '>', '@', '<at>', '</at>', '<AT>', 'at>', '<@U0BOT>',
  '*', '**', '_', '~', '`', '[', ']', '(', ')', '](', '{', '&', ';', '&amp;', '&lt;', '&gt;', '&nbsp;', '&#39;', '-', '+', '#',
  '1', '12', '.', ',', ':', '!', '?', '|', '^', '/', 'a', 'x', 'bot', 'IBP-bot', 'https://a', 'mailto:', '\\', "'", '\u0301',
  '\ud800', '\udc00', '😀', '\u0000',
];
const hostileUnit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_UNITS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const hostileText = fc.string({ unit: hostileUnit, maxLength: 120 });
const anyText = fc.oneof(hostileText, fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 }));
const RUNS = { numRuns: 400 };

const MENTION = `<at>${BOT_ACCOUNT.name}</at>`;
const ENTITIES = [{ type: 'mention', mentioned: { id: BOT_ACCOUNT.id, name: BOT_ACCOUNT.name }, text: MENTION }];

/** Lets timers run: the test timeout can fire between two slow cases. */
const yieldToTimers = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const unescapeMarkdown = (s: string): string => s.replace(/\\([\s\S])/g, '$1');
const unescapeMrkdwn = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const withoutSpace = (s: string): string => s.replace(/\s+/g, '');

/** No line of escaped Adaptive Card text may start (after spaces) with a list or heading marker. */
function expectNoLineStartMarkers(escaped: string): void {
  const marked = escaped.split(/\r\n|[\n\r\u2028\u2029]/).filter((line) => /^\s*(?:[-+#]|\d+[.)])/.test(line));
  expect(marked.slice(0, 3)).toEqual([]); // one expect: a call per line would cost more than the parser
}

function expectCleanTeamsText(out: string): void {
  expect(out).toBe(out.trim());
  expect(out).not.toMatch(/[ \t]{2}/);
  // Whitespace around a line break became that one line break.
  expect(out).not.toMatch(/[^\S\n]\n|\n[^\S\n]|\n\n/);
}

describe('the linear versions give what the old code gave (short text, old code as oracle)', () => {
  it('Teams cleanText', () => {
    const prefix = fc.constantFrom('', `${MENTION} `, `${MENTION}, `, '<at>', '<at>Jan</at> ', 'IBP-bot: ');
    fc.assert(
      fc.property(prefix, hostileText, (p, s) => {
        expect(cleanText(p + s, ENTITIES, BOT_ACCOUNT)).toBe(legacyCleanText(p + s, ENTITIES, BOT_ACCOUNT));
      }),
      RUNS,
    );
  });

  it('Teams cleanText with any bot name (no spaces around it) and no mention entity', () => {
    const name = fc.string({ unit: hostileUnit, minLength: 1, maxLength: 20 }).filter((n) => n === n.trim() && n.length <= 128);
    fc.assert(
      fc.property(name, hostileText, hostileText, (n, a, b) => {
        const text = `${a}<at> ${n} </at>${b}`;
        const recipient = { id: BOT_ACCOUNT.id, name: n };
        expect(cleanText(text, [], recipient)).toBe(legacyCleanText(text, [], recipient));
      }),
      RUNS,
    );
  });

  it('Teams escapeMarkdown', () => {
    fc.assert(fc.property(anyText, (s) => {
      expect(escapeMarkdown(s)).toBe(legacyEscapeMarkdown(s));
    }), RUNS);
  });

  it('Slack bold and italic: spaces move outside the markers', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(inlineToMrkdwn([{ t: 'strong', children: [{ t: 'text', text: s }] }])).toBe(legacyWrap('*', escapeMrkdwn(s)));
        expect(inlineToMrkdwn([{ t: 'em', children: [{ t: 'text', text: s }] }])).toBe(legacyWrap('_', escapeMrkdwn(s)));
      }),
      RUNS,
    );
  });

  it('Slack splitMrkdwn (except for the documented cut of a piece that has no safe place)', () => {
    const mrkdwn = fc.string({ unit: fc.constantFrom('<', '>', '&', ';', ' ', '\n', '\n\n', 'a', 'bc', '|', '&amp;', '<https://x|y>'), maxLength: 200 });
    fc.assert(
      fc.property(mrkdwn, fc.integer({ min: 1, max: 40 }), (s, max) => {
        expect(splitMrkdwn(s, max)).toEqual(legacySplitMrkdwn(s, max));
      }),
      { numRuns: 1000 },
    );
  });

  it('rich-text inline parsing', () => {
    const md = fc.string({ unit: fc.constantFrom('[', ']', '(', ')', '](', 'https://a', 'javascript:x', ' ', 'a', '*', '**', '_', '\\', '\n', 'x y'), maxLength: 80 });
    fc.assert(fc.property(fc.oneof(md, anyText), (s) => {
      expect(parseInline(s)).toEqual(legacyParseInline(s));
    }), { numRuns: 1000 });
  });

  it('"bedankt!" and friends', () => {
    const thanks = fc.constantFrom('bedankt', 'dank je wel', 'thanks', 'top', 'ok dank', 'Dank u');
    const tail = fc.string({ unit: fc.constantFrom(' ', '!', '.', ',', '\u2003', 'bot', 'BOT', 'x', '\n'), maxLength: 30 });
    fc.assert(fc.property(thanks, tail, (t, s) => {
      expect(isThanks(t + s)).toBe(LEGACY_THANKS.test((t + s).trim()));
    }), RUNS);
    fc.assert(fc.property(anyText, (s) => {
      expect(isThanks(s)).toBe(LEGACY_THANKS.test(s.trim()));
    }), RUNS);
  });

  it('Slack truncate (limits of 1 and more)', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 60 }), (s, max) => {
        expect(truncate(s, max)).toBe(legacyTruncate(s, max));
      }),
      RUNS,
    );
  });

  it('dashboard query text: the first 200 characters, and a notice when cut', () => {
    const long = fc.string({ unit: hostileUnit, minLength: 150, maxLength: 260 });
    fc.assert(
      fc.property(long, (s) => {
        const notices: string[] = [];
        const q = queryText({ q: s }, 'q', notices);
        const trimmed = s.trim();
        expect(q).toBe(legacyQueryTextHead(trimmed, MAX_TEXT));
        expect(notices.length).toBe([...trimmed].length > MAX_TEXT ? 1 : 0);
      }),
      RUNS,
    );
  });

  it('the phrasing key that groups knowledge gaps', () => {
    fc.assert(fc.property(anyText, (s) => {
      expect(phrasingKey(s)).toBe(legacyPhrasingKey(s));
    }), RUNS);
  });
});

describe('properties over arbitrary and hostile text', () => {
  it('isWhitespace and isLineTerminator agree with /\\s/ and the multiline `^` for every UTF-16 code unit', () => {
    const wrong: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (isWhitespace(c) !== /\s/.test(ch)) wrong.push(`isWhitespace ${c.toString(16)}`);
      if (isLineTerminator(c) !== /^$/m.test(`a${ch}`)) wrong.push(`isLineTerminator ${c.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('Teams cleanText never throws, leaves tidy whitespace, and a second pass only shortens', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = cleanText(`${MENTION} ${s}`, ENTITIES, BOT_ACCOUNT);
        expectCleanTeamsText(out);
        expect(cleanText(out, ENTITIES, BOT_ACCOUNT).length).toBeLessThanOrEqual(out.length);
      }),
      RUNS,
    );
  });

  it('Teams escapeMarkdown is reversible and leaves no list or heading marker at a line start', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = escapeMarkdown(s);
        expect(unescapeMarkdown(out)).toBe(s);
        expectNoLineStartMarkers(out);
      }),
      RUNS,
    );
  });

  it('Slack text to plain: trimmed, no double spaces', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = slackTextToPlain(`<@U0BOT> ${s}`, 'U0BOT');
        expect(out).toBe(out.trim());
        expect(out).not.toMatch(/[ \t]{2}/);
      }),
      RUNS,
    );
  });

  it('Slack splitMrkdwn loses nothing but whitespace and keeps every piece within the limit', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 50 }), (s, max) => {
        const pieces = splitMrkdwn(s, max);
        for (const p of pieces) {
          expect(p.length).toBeGreaterThan(0);
          expect(p.length).toBeLessThanOrEqual(max);
        }
        expect(withoutSpace(pieces.join(''))).toBe(withoutSpace(s));
      }),
      RUNS,
    );
  });

  it('rich-text inline parsing keeps text without markers as it is', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const plainText = s.replace(/[\\*_[\]]/g, '');
        expect(toPlainText([{ t: 'para', children: parseInline(plainText) }])).toBe(plainText);
      }),
      RUNS,
    );
  });

  it('parseCommand finds only known commands, and its arguments are trimmed', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '/', '/knelpunt ', 'help ', 'Reflectie\u2003'), anyText, (p, s) => {
        const cmd = parseCommand(p + s);
        if (cmd) {
          expect(Object.values(COMMAND_ALIASES)).toContain(cmd.command);
          expect(cmd.args).toBe(cmd.args.trim());
        }
      }),
      RUNS,
    );
  });
});

/** What each parser's output must look like on the worst cases (beyond not throwing). */
const OUTPUT_CHECKS: Record<string, (input: string, out: unknown) => void> = {
  'teams: cleanText': (_in, out) => expectCleanTeamsText(out as string),
  'teams: escapeMarkdown': (input, out) => {
    expect(unescapeMarkdown(out as string)).toBe(input);
    expectNoLineStartMarkers(out as string);
  },
  'teams: truncateAtWord': (_in, out) => expect((out as string).length).toBeLessThanOrEqual(2001),
  'teams: renderCard (user text)': (_in, out) => expect(cardBytes(out as AdaptiveCard)).toBeLessThanOrEqual(MAX_CARD_BYTES),
  'slack: slackTextToPlain': (_in, out) => {
    expect(out).toBe((out as string).trim());
    expect(out).not.toMatch(/[ \t]{2}/);
  },
  'slack: escapeMrkdwn': (input, out) => {
    expect(out).not.toMatch(/[<>]/);
    expect(unescapeMrkdwn(out as string)).toBe(input);
  },
  'slack: bold user text': (input, out) => {
    const o = (out as string).trim();
    if (input.trim() !== '') expect(o.startsWith('*') && o.endsWith('*')).toBe(true);
  },
  'slack: splitMrkdwn': (input, out) => {
    expect(Math.max(0, ...(out as string[]).map((p) => p.length))).toBeLessThanOrEqual(3000);
    expect(withoutSpace((out as string[]).join(''))).toBe(withoutSpace(input));
  },
  'slack: truncate': (_in, out) => expect([...(out as string)].length).toBeLessThanOrEqual(3000),
  'slack: renderBlocks (user text)': (_in, out) => {
    const msg = out as RenderedMessage;
    expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    expect([...msg.text].length).toBeLessThanOrEqual(LIMITS.fallbackText); // characters, as truncate counts them
    const sections = msg.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text.length] : []));
    expect(Math.max(0, ...sections)).toBeLessThanOrEqual(LIMITS.sectionText);
  },
  'richtext: plain': (_in, out) => {
    expect((out as RichText).filter((b) => toPlainText([b]) !== toPlainText([b]).trim() || toPlainText([b]) === '')).toEqual([]);
  },
  'core: parseCommand': (_in, out) => {
    if (out) expect(Object.values(COMMAND_ALIASES)).toContain((out as ParsedCommand).command);
  },
  'knowledge: normalise': (_in, out) => expect(out).not.toMatch(/\s\s|^\s|\s$/),
  'knowledge: search': (_in, out) => expect((out as SearchResult).hits.length).toBeLessThanOrEqual(3),
  'scheduler: parseSchedule': (_in, out) => expect(typeof (out as ParseResult).ok).toBe('boolean'),
  'reflectie: command arguments': (input, out) => {
    const c = out as ReflectieCommand;
    if (c.kind === 'pause') expect(c.until).not.toMatch(/\s\s/);
    if (input.startsWith('pauze tot ')) expect(c.kind).toBe('pause');
  },
  'knelpunt: csvCell': (input, out) => {
    const cell = out as string;
    const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
    expect([input, `'${input}`]).toContain(unquoted);
  },
  'dashboard: groupGaps': (_in, out) => expect((out as GapGroup[]).reduce((n, g) => n + g.total, 0)).toBe(3),
  'dashboard: parseKnelpuntQuery': (_in, out) => expect([...(out as { query: KnelpuntQuery }).query.q].length).toBeLessThanOrEqual(200),
};

describe('every parser on every worst case at 100,000 characters', () => {
  const parsers = hostileParsers(index);

  it('the corpus has the cases the issue names, at full size', () => {
    const names = HOSTILE_CASES.map((c) => c.name);
    for (const n of ['U+2003 run', 'spaces, then x', '<@ repeated', '*_~ repeated', 'unclosed <', 'unclosed [', 'unclosed (', 'a then dashes', 'nested brackets']) {
      expect(names).toContain(n);
    }
    for (const c of HOSTILE_CASES) expect(c.make(HUGE).length).toBeGreaterThan(HUGE * 0.99);
    for (const name of Object.keys(OUTPUT_CHECKS)) expect(parsers.map((p) => p.name)).toContain(name);
  });

  for (const p of parsers) {
    it(p.name, async () => {
      for (const c of HOSTILE_CASES) {
        for (const prefix of p.prefixes ?? ['']) {
          const input = prefix + c.make(HUGE);
          const out = p.run(input);
          OUTPUT_CHECKS[p.name]?.(input, out);
          await yieldToTimers();
        }
      }
    });
  }
});
