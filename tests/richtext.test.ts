import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, plain, toPlainText } from '../src/domain/richtext.js';

describe('rich text', () => {
  it('parses bold, italic, links and lists', () => {
    const rich = parseMarkdown('Een **vet** en *schuin* woord met [link](https://example.nl).\n\n- een\n- twee\n\n1. eerste\n2. tweede');
    expect(rich).toHaveLength(3);
    expect(rich[0]).toEqual({
      t: 'para',
      children: [
        { t: 'text', text: 'Een ' },
        { t: 'strong', children: [{ t: 'text', text: 'vet' }] },
        { t: 'text', text: ' en ' },
        { t: 'em', children: [{ t: 'text', text: 'schuin' }] },
        { t: 'text', text: ' woord met ' },
        { t: 'link', url: 'https://example.nl', children: [{ t: 'text', text: 'link' }] },
        { t: 'text', text: '.' },
      ],
    });
    expect(rich[1]).toMatchObject({ t: 'list', ordered: false, items: [[{ text: 'een' }], [{ text: 'twee' }]] });
    expect(rich[2]).toMatchObject({ t: 'list', ordered: true });
  });

  it('turns headings into bold paragraphs', () => {
    expect(parseMarkdown('## Kop')).toEqual([{ t: 'para', children: [{ t: 'strong', children: [{ t: 'text', text: 'Kop' }] }] }]);
  });

  it('keeps unsafe links as text', () => {
    const nodes = parseInline('[klik](javascript:alert(1))');
    expect(nodes.every((n) => n.t === 'text')).toBe(true);
    expect(toPlainText([{ t: 'para', children: nodes }])).toBe('[klik](javascript:alert(1))');
  });

  it('keeps unmatched markers and snake_case literal', () => {
    expect(toPlainText(parseMarkdown('2 * 3 = 6 en een_variabele_naam'))).toBe('2 * 3 = 6 en een_variabele_naam');
  });

  it('never parses untrusted text', () => {
    const text = '**niet vet** <!channel> [link](https://evil.example) <script>';
    expect(plain(text)).toEqual([{ t: 'para', children: [{ t: 'text', text }] }]);
    expect(plain('   ')).toEqual([]);
  });
});
