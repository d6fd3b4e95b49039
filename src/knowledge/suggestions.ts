/**
 * The questions an answer suggests the user ask next. Authors write them in the
 * body in one of two ways, and the tests hold every one to being answered directly
 * (tests/knowledge-questions.test.ts):
 *  - in italics, in a paragraph that says "bijvoorbeeld" or "for example":
 *    "Vraag ernaar, bijvoorbeeld: *Wat zijn de woondeals?*";
 *  - as the items of a list right after a paragraph ending in "bijvoorbeeld:"
 *    ("Stel je vraag in je eigen woorden. Bijvoorbeeld:" and then "- Wat is het IBP?").
 */
import { toPlainText, type Inline, type RichText } from '../domain/richtext.js';

const FOR_EXAMPLE = /\b(?:bijvoorbeeld|for example)\b/i;
const ENDS_WITH_FOR_EXAMPLE = /\b(?:bijvoorbeeld|for example):\s*$/i;

function italics(nodes: Inline[]): string[] {
  return nodes.flatMap((n) => (n.t === 'em' ? [toPlainText([{ t: 'para', children: n.children }])] : n.t === 'text' ? [] : italics(n.children)));
}

export function suggestedQuestions(body: RichText): string[] {
  const out: string[] = [];
  body.forEach((block, i) => {
    if (block.t === 'para') {
      const text = toPlainText([block]);
      if (FOR_EXAMPLE.test(text)) out.push(...italics(block.children));
      return;
    }
    const before = body[i - 1];
    if (before?.t === 'para' && ENDS_WITH_FOR_EXAMPLE.test(toPlainText([before]))) {
      out.push(...block.items.map((item) => toPlainText([{ t: 'para', children: item }])));
    }
  });
  return out.map((q) => q.trim()).filter((q) => q !== '');
}
