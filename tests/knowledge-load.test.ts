import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTRACT_IDS } from '../src/knowledge/contract.js';
import { nearDuplicates, questionWords, similarity, type OwnedQuestion } from '../src/knowledge/duplicates.js';
import { loadKnowledge, parseEntry, validateSet } from '../src/knowledge/load.js';
import { findPlaceholder } from '../src/knowledge/placeholders.js';
import { tempDir } from './helpers/tmp.js';

const valid = (id: string, extra = ''): string => `---
id: ${id}
type: programma
title: "Titel ${id}"
title_en: "Title ${id}"
summary: Samenvatting.
summary_en: Summary.
keywords: [een, twee]
questions:
  - Wat is ${id}?
related: []
${extra}---
De **tekst** van ${id}.
`;

describe('knowledge loader', () => {
  it('the shipped knowledge base is valid and has every contract topic', async () => {
    const { entries, errors } = await loadKnowledge(path.resolve('knowledge'));
    expect(errors).toEqual([]);
    const ids = new Set(entries.map((e) => e.id));
    for (const id of CONTRACT_IDS) expect(ids.has(id), id).toBe(true);
    // each zekerheid and each opgave has its own entry of its type
    expect(entries.filter((e) => e.type === 'zekerheid' && /^zekerheid-\d$/.test(e.id))).toHaveLength(7);
    expect(entries.filter((e) => e.type === 'opgave')).toHaveLength(10);
  });

  it('parses front matter and the body into rich text', () => {
    const { entry, errors } = parseEntry('ibp.md', valid('ibp', 'source: "https://www.overheidvannu.nl"\n'));
    expect(errors).toEqual([]);
    expect(entry?.source).toBe('https://www.overheidvannu.nl');
    expect(entry?.bodyRich[0]).toEqual({
      t: 'para',
      children: [{ t: 'text', text: 'De ' }, { t: 'strong', children: [{ t: 'text', text: 'tekst' }] }, { t: 'text', text: ' van ibp.' }],
    });
  });

  it('names the file and field of every error', () => {
    const src = `---
id: wrong-name
type: onbekend
title: ""
summary: ok
summary_en: ok
keywords: nope
questions: []
related: []
colour: blue
---
`;
    const { errors } = parseEntry('x.md', src);
    const fields = errors.map((e) => `${e.file}:${e.field ?? ''}`);
    expect(fields).toEqual(
      expect.arrayContaining(['x.md:colour', 'x.md:title', 'x.md:title_en', 'x.md:keywords', 'x.md:id', 'x.md:type', 'x.md:questions', 'x.md:']),
    );
    expect(errors.find((e) => e.field === 'colour')?.message).toMatch(/unknown field/);
    expect(errors.find((e) => e.field === 'title_en')?.message).toMatch(/missing/);
  });

  it('refuses unedited template placeholders, naming the file and field', () => {
    const src = valid('a')
      .replace('title: "Titel a"', 'title: "TODO: titel in gewone taal"')
      .replace('summary: Samenvatting.', 'summary: "== TODO =="')
      .replace('keywords: [een, twee]', 'keywords: [een, "<vul in>"]')
      .replace('De **tekst** van a.', '[Vul hier het antwoord in]');
    const { entry, errors } = parseEntry('a.md', src);
    expect(entry).toBeUndefined();
    expect(errors.map((e) => `${e.file}:${e.field ?? ''}`).sort()).toEqual(['a.md:', 'a.md:keywords', 'a.md:summary', 'a.md:title']);
    expect(errors.find((e) => e.field === 'title')?.message).toBe('still holds the template placeholder "TODO": replace it with the real text');
    expect(errors.find((e) => e.field === undefined)?.message).toMatch(/body still holds the template placeholder "\[Vul hier het antwoord in\]"/);
    // ordinary text is no placeholder
    for (const text of ['Vul het formulier in.', 'todo-lijst', 'Wat moet ik nog doen?', 'a < b en c > d, vul in wat past']) expect(findPlaceholder(text), text).toBeUndefined();
    for (const text of ['TODO', 'x TODO: y', '== TODO ==', 'FIXME', '<vul in>', '< vul hier de titel in >', '[vul in]']) expect(findPlaceholder(text), text).toBeDefined();
  });

  it('refuses an example question two entries claim: the same or nearly the same', () => {
    const withQuestions = (id: string, questions: string[]): string =>
      valid(id).replace(`questions:\n  - Wat is ${id}?`, `questions:\n${questions.map((q) => `  - "${q}"`).join('\n')}`);
    const a = parseEntry('a.md', withQuestions('a', ['Wat zijn woondeals?', 'zekerheid 2', 'Wat is de zevende zekerheid?', 'hoe ver staat de samenwerking tussen gemeenten en provincies na een jaar'])).entry!;
    const b = parseEntry('b.md', withQuestions('b', ['welke woondeals zijn er', 'zekerheid 3', 'Wat zijn de 7 zekerheden?', 'hoe ver staat de samenwerking tussen gemeenten, provincies en waterschappen na een jaar'])).entry!;
    const errors = validateSet([a, b], []);
    expect(errors).toEqual([
      { file: 'b.md', field: 'questions', message: '"welke woondeals zijn er" is the same question as "Wat zijn woondeals?" in a.md: the bot can answer it with one entry only, keep it in one' },
      {
        file: 'b.md',
        field: 'questions',
        message: expect.stringMatching(/^"hoe ver staat de samenwerking tussen gemeenten, provincies en waterschappen na een jaar" is nearly the same question as \(86 % of the words shared, limit 80 %\) "hoe ver staat de samenwerking tussen gemeenten en provincies na een jaar" in a.md/),
      },
    ]);
    // within one entry, two phrasings of one question are fine
    expect(validateSet([parseEntry('a.md', withQuestions('a', ['Wat zijn woondeals?', 'welke woondeals zijn er'])).entry!], [])).toEqual([]);
    expect(questionWords('Wat is de tweede zekerheid?')).toEqual(questionWords('zekerheid 2'));
    expect(questionWords('wat kan je?')).toEqual(['wat', 'kan', 'je']);
  });

  it('finds near-duplicate questions exactly as comparing every pair would (prefix filtering loses nothing)', () => {
    const word = fc.constantFrom('klimaat', 'wonen', 'woondeal', 'zekerheid', 'opgave', 'schulden', 'regio', 'platteland', '2', '3');
    const question = fc.array(word, { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' '));
    const owned = fc.array(fc.record({ owner: fc.constantFrom('a', 'b', 'c'), text: question }), { maxLength: 25 });
    fc.assert(
      fc.property(owned, fc.constantFrom(0.5, 0.8, 1), (qs: OwnedQuestion[], t) => {
        const brute: string[] = [];
        qs.forEach((q, i) => qs.slice(0, i).forEach((p) => {
          if (p.owner !== q.owner && similarity(questionWords(p.text), questionWords(q.text)) >= t) brute.push(`${p.text}|${q.text}`);
        }));
        expect(nearDuplicates(qs, t).map((d) => `${d.first.text}|${d.second.text}`).sort()).toEqual(brute.sort());
      }),
    );
  });

  it('reports missing front matter and invalid YAML with a line number', () => {
    expect(parseEntry('a.md', '# Geen front matter').errors[0]?.message).toMatch(/missing YAML front matter/);
    const bad = parseEntry('b.md', '---\nid: b\ntitle: "open\nsummary: x\n---\nbody');
    expect(bad.errors[0]?.message).toMatch(/not valid YAML/);
  });

  it('finds duplicate ids, dangling related ids and missing contract ids across files', () => {
    const a = parseEntry('a.md', valid('a').replace('related: []', 'related: [b, nope]')).entry!;
    const b = parseEntry('b.md', valid('b')).entry!;
    const a2 = { ...a, file: 'sub/a.md' };
    const errors = validateSet([a, b, a2], ['a', 'b', 'c']);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'sub/a.md', field: 'id', message: expect.stringMatching(/duplicate id "a"/) }),
        expect.objectContaining({ file: 'a.md', field: 'related', message: 'unknown id "nope"' }),
        expect.objectContaining({ file: 'c.md', message: expect.stringMatching(/contract topic "c"/) }),
      ]),
    );
  });

  it('loads a directory, ignores README.md and sub-folders, and collects all errors at once', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.md'), valid('a'));
    writeFileSync(path.join(dir, 'README.md'), '# how to write knowledge');
    writeFileSync(path.join(dir, 'broken.md'), 'no front matter');
    writeFileSync(path.join(dir, 'c.md'), valid('c').replace('related: []', 'related: [zz]'));
    mkdirSync(path.join(dir, 'reflectie'));
    writeFileSync(path.join(dir, 'reflectie', 'q.md'), 'not an entry');
    const { entries, errors } = await loadKnowledge(dir, ['a', 'c']);
    expect(entries.map((e) => e.id)).toEqual(['a', 'c']);
    expect(errors.map((e) => e.file).sort()).toEqual(['broken.md', 'c.md']);
  });

  it('reports an unreadable directory instead of throwing', async () => {
    const { errors } = await loadKnowledge('/nonexistent/knowledge');
    expect(errors[0]?.message).toMatch(/cannot read knowledge directory/);
  });
});
