import type { Block, Reply } from '../core/reply.js';
import { isSafeUrl, type Inline, type RichText } from '../domain/richtext.js';
import { html, type SafeHtml } from './html.js';

/**
 * A core Reply as HTML, to show a card (the monthly digest) as the bot will send it.
 * Text nodes are escaped like every other interpolation; only http(s) and mailto links
 * become links. Buttons and forms are shown as what they are, not as working controls.
 */
function inline(nodes: readonly Inline[]): SafeHtml {
  return html`${nodes.map((n) => {
    if (n.t === 'text') return html`${n.text}`;
    if (n.t === 'strong') return html`<strong>${inline(n.children)}</strong>`;
    if (n.t === 'em') return html`<em>${inline(n.children)}</em>`;
    return isSafeUrl(n.url) ? html`<a href="${n.url}">${inline(n.children)}</a>` : inline(n.children);
  })}`;
}

export function richTextHtml(rich: RichText): SafeHtml {
  return html`${rich.map((b) => {
    if (b.t === 'para') return html`<p class="card__text">${inline(b.children)}</p>`;
    const items = b.items.map((i) => html`<li>${inline(i)}</li>`);
    return b.ordered ? html`<ol>${items}</ol>` : html`<ul>${items}</ul>`;
  })}`;
}

function blockHtml(b: Block, headingLevel: 3 | 4): SafeHtml {
  switch (b.kind) {
    case 'heading':
      return headingLevel === 3 ? html`<h3 class="card__heading">${b.text}</h3>` : html`<h4 class="card__heading">${b.text}</h4>`;
    case 'text':
      return richTextHtml(b.rich);
    case 'facts':
      return html`<dl class="facts">${b.facts.map((f) => html`<div><dt>${f.label}</dt><dd>${f.value}</dd></div>`)}</dl>`;
    case 'context':
      return html`<p class="card__context">${b.text}</p>`;
    case 'divider':
      return html`<hr>`;
    case 'links':
      return html`<ul>${b.links.map((l) => html`<li>${isSafeUrl(l.url) ? html`<a href="${l.url}">${l.label}</a>` : l.label}</li>`)}</ul>`;
    case 'buttons':
      return html`<ul class="card__buttons">${b.buttons.map((x) => html`<li>${x.label}</li>`)}</ul>`;
    case 'form':
      return html`<p class="card__context">${b.form.title}</p>`;
  }
}

/** The card's first heading becomes an h3 (the card's title), later ones h4. */
export function replyHtml(reply: Reply): SafeHtml {
  let first = true;
  return html`<div class="card" lang="${reply.locale}">${reply.blocks.map((b) => {
    const level = b.kind === 'heading' && first ? 3 : 4;
    if (b.kind === 'heading') first = false;
    return blockHtml(b, level);
  })}</div>`;
}
