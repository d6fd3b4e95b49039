/**
 * Editors' questions always work: over the whole shipped knowledge base (not a
 * hand-picked list), every example question an entry lists is answered by that
 * entry directly (no "Bedoelde je…"), and every question the bot itself suggests
 * (the help and welcome examples in the message catalogue, and the examples in
 * answers, see src/knowledge/suggestions.ts) is answered directly.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../src/i18n/index.js';
import { KnowledgeBase } from '../src/knowledge/base.js';
import { loadKnowledge } from '../src/knowledge/load.js';
import type { SearchResult } from '../src/knowledge/search.js';
import { suggestedQuestions } from '../src/knowledge/suggestions.js';
import type { KnowledgeEntry } from '../src/knowledge/types.js';
import { parseMarkdown } from '../src/domain/richtext.js';

const { entries, errors } = await loadKnowledge(path.resolve('knowledge'));

const answered = (r: SearchResult): string | undefined => (r.confidence === 'answer' ? r.hits[0]?.entry.id : undefined);

describe('the questions editors and the bot put forward', () => {
  let kb: KnowledgeBase;
  beforeAll(() => {
    expect(errors).toEqual([]);
    kb = new KnowledgeBase(entries);
  });

  describe.each(entries.map((e) => [e.id, e] as const))('%s', (id, entry: KnowledgeEntry) => {
    it.each(entry.questions)('answers its own example question %j directly', (q) => {
      const r = kb.search(q);
      expect({ confidence: r.confidence, top: r.hits[0]?.entry.id }).toEqual({ confidence: 'answer', top: id });
    });

    const suggested = suggestedQuestions(entry.bodyRich);
    if (suggested.length > 0) {
      it.each(suggested)('answers the question its answer suggests, %j, directly and with another entry', (q) => {
        const top = answered(kb.search(q));
        expect(top, q).toBeDefined();
        expect(top).not.toBe(id);
      });
    }
  });

  // The help card (also the welcome in Teams) offers these as buttons; a pair in the two
  // languages leads to the same answer.
  const HELP_EXAMPLE_ANSWERS = ['ibp', 'opgaven', 'zekerheid-7', 'zekerheid-2'];
  it.each(['nl', 'en'] as const)('answers every help example of the %s catalogue directly, with the same entries in both languages', (locale) => {
    const examples = messages(locale).helpExamples;
    expect(examples.map((q) => answered(kb.search(q)))).toEqual(HELP_EXAMPLE_ANSWERS);
  });

  it('finds suggestions as authors write them: italics after "bijvoorbeeld", or a list after "Bijvoorbeeld:"', () => {
    const body = parseMarkdown(
      'Vraag ernaar, bijvoorbeeld: *Wat zijn de woondeals?* of *Leg zekerheid 6 uit*.\n\nZo werk je aan *blijf leren*.\n\nStel je vraag. Bijvoorbeeld:\n\n- Wat is het IBP?\n- Welke opgaven zijn er?\n\nAndere lijst:\n\n- geen vraag',
    );
    expect(suggestedQuestions(body)).toEqual(['Wat zijn de woondeals?', 'Leg zekerheid 6 uit', 'Wat is het IBP?', 'Welke opgaven zijn er?']);
    // the shipped base has some, so the test above is not empty
    expect(entries.flatMap((e) => suggestedQuestions(e.bodyRich)).length).toBeGreaterThanOrEqual(5);
  });
});
