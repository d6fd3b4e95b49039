import type { Button, Reply } from '../core/reply.js';
import type { Inline, RichText } from '../domain/richtext.js';

function inline(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return n.text;
        case 'strong':
          return inline(n.children);
        case 'em':
          return inline(n.children);
        case 'link':
          return `${inline(n.children)} (${n.url})`;
      }
    })
    .join('');
}

function rich(text: RichText): string {
  return text
    .map((b) =>
      b.t === 'para' ? inline(b.children) : b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : '-'} ${inline(it)}`).join('\n'),
    )
    .join('\n\n');
}

/**
 * Renders Replies as plain terminal text. Buttons get numbers, so the terminal chat
 * can "click" one when the user types its number; they are returned in order.
 */
export function renderText(replies: Reply[]): { text: string; buttons: Button[] } {
  const buttons: Button[] = [];
  const parts: string[] = [];
  for (const r of replies) {
    for (const b of r.blocks) {
      switch (b.kind) {
        case 'heading':
          parts.push(`== ${b.text} ==`);
          break;
        case 'text':
          parts.push(rich(b.rich));
          break;
        case 'facts':
          parts.push(b.facts.map((f) => `${f.label}: ${f.value}`).join('\n'));
          break;
        case 'buttons':
          parts.push(b.buttons.map((btn) => `  [${buttons.push(btn)}] ${btn.label}`).join('\n'));
          break;
        case 'links':
          parts.push(b.links.map((l) => `${l.label}: ${l.url}`).join('\n'));
          break;
        case 'form':
          parts.push(`(${b.form.title}: dit formulier werkt in de web-chat, Teams of Slack)`);
          break;
        case 'divider':
          parts.push('----');
          break;
        case 'context':
          parts.push(b.text);
          break;
      }
    }
  }
  return { text: parts.join('\n\n'), buttons };
}
