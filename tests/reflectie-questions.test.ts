import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeInvalidError } from '../src/knowledge/base.js';
import { loadReflectieQuestions, openReflectieQuestions, parseQuestionFile, ReflectieQuestions } from '../src/knowledge/reflectie.js';
import { tempDir } from './helpers/tmp.js';

const file = (z: string, questions: string): string => `---\nzekerheid: ${z}\nquestions:\n${questions}\n---\nNotes.\n`;
const q = (id: string, nl = 'Wat ging goed?', en = 'What went well?'): string => `  - id: ${id}\n    nl: "${nl}"\n    en: "${en}"`;

describe('reflection questions (knowledge/reflectie)', () => {
  it('the shipped questions are valid: several per zekerheid 1..7, Dutch and English', async () => {
    const bank = await openReflectieQuestions(path.resolve('knowledge'));
    for (let z = 1; z <= 7; z++) expect(bank.ordered.filter((x) => x.zekerheid === `zekerheid-${z}`).length).toBeGreaterThanOrEqual(3);
    expect(bank.ordered.every((x) => x.nl && x.en && x.nl !== x.en)).toBe(true);
    // nudge order goes round the zekerheden
    expect(bank.ordered.slice(0, 7).map((x) => x.zekerheid)).toEqual(['zekerheid-1', 'zekerheid-2', 'zekerheid-3', 'zekerheid-4', 'zekerheid-5', 'zekerheid-6', 'zekerheid-7']);
  });

  it('every error names the file and the field', () => {
    const { errors } = parseQuestionFile('reflectie/zekerheid-3.md', `---\nzekerheid: zekerheid-4\nextra: 1\nquestions:\n${q('Bad_Id')}\n  - id: ok-id\n    nl: ""\n    en: "${'x'.repeat(301)}"\n    fr: "non"\n---\n`);
    expect(errors).toEqual([
      { file: 'reflectie/zekerheid-3.md', field: 'extra', message: 'unknown field (allowed: zekerheid, questions)' },
      { file: 'reflectie/zekerheid-3.md', field: 'zekerheid', message: 'must equal the file name ("zekerheid-3")' },
      { file: 'reflectie/zekerheid-3.md', field: 'questions[0].id', message: 'must be lowercase letters, digits and single dashes' },
      { file: 'reflectie/zekerheid-3.md', field: 'questions[1].fr', message: 'unknown field (allowed: id, nl, en)' },
      { file: 'reflectie/zekerheid-3.md', field: 'questions[1].nl', message: 'must be a non-empty string' },
      { file: 'reflectie/zekerheid-3.md', field: 'questions[1].en', message: 'at most 300 characters' },
    ]);
    expect(parseQuestionFile('reflectie/zekerheid-1.md', 'geen front matter').errors[0]?.message).toMatch(/missing YAML front matter/);
    expect(parseQuestionFile('reflectie/zekerheid-1.md', '---\nzekerheid: [\n---\n').errors[0]?.message).toMatch(/not valid YAML at line/);
    expect(parseQuestionFile('reflectie/zekerheid-1.md', file('zekerheid-1', q('a-1'))).errors).toEqual([
      { file: 'reflectie/zekerheid-1.md', field: 'questions', message: 'needs at least 2 questions' },
    ]);
  });

  it('a set: duplicate ids and zekerheden without questions; start-up refuses with every error', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'reflectie'));
    for (let z = 1; z <= 6; z++) writeFileSync(path.join(dir, 'reflectie', `zekerheid-${z}.md`), file(`zekerheid-${z}`, `${q(`z${z}-a`)}\n${q(z === 2 ? 'z1-a' : `z${z}-b`)}`));
    const { errors } = await loadReflectieQuestions(path.join(dir, 'reflectie'));
    expect(errors).toEqual([
      { file: 'reflectie/zekerheid-2.md', field: 'questions.id', message: 'duplicate id "z1-a" (also in reflectie/zekerheid-1.md)' },
      { file: 'reflectie/zekerheid-7.md', message: 'no reflection questions for zekerheid-7' },
    ]);
    await expect(openReflectieQuestions(dir)).rejects.toThrow(KnowledgeInvalidError);
    await expect(openReflectieQuestions(dir)).rejects.toThrow(/zekerheid-7\.md: no reflection questions/);
    expect((await loadReflectieQuestions(path.join(dir, 'missing'))).errors[0]?.message).toMatch(/cannot read the reflection questions/);
  });

  it('pick never gives the same question twice in a row', () => {
    const bank = new ReflectieQuestions([
      { id: 'a', zekerheid: 'zekerheid-1', nl: 'a', en: 'a', file: 'f' },
      { id: 'b', zekerheid: 'zekerheid-2', nl: 'b', en: 'b', file: 'f' },
    ]);
    expect(bank.pick(0)).toMatchObject({ question: { id: 'a' }, cursor: 1 });
    expect(bank.pick(0, 'a')).toMatchObject({ question: { id: 'b' }, cursor: 2 });
    expect(bank.pick(5, 'a')?.question.id).toBe('b');
  });
});
