import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_IDS } from '../src/knowledge/contract.js';
import { loadKnowledge, parseEntry, validateSet } from '../src/knowledge/load.js';
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
