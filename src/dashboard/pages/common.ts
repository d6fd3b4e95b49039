import { opgaveLabel as cardOpgaveLabel, statusLabel as cardStatusLabel } from '../../core/knelpunt/cards.js';
import { messages } from '../../i18n/index.js';
import { texts } from '../texts.js';
import type { KnowledgeBase } from '../../knowledge/base.js';
import type { Store } from '../../store/types.js';
import type { KnelpuntStatus } from '../../domain/knelpunt.js';
import { html, type SafeHtml } from '../html.js';

/** What a page renderer needs: the store to read, the knowledge base for labels, and the clock. */
export interface PageDeps {
  store: Store;
  knowledge: KnowledgeBase;
  now: () => Date;
}

export const d = () => texts();
export const k = () => messages('nl').knelpunt;

const decimal = new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 1 });

export const formatDecimal = (n: number): string => decimal.format(n);

export const opgaveLabel = (kb: KnowledgeBase, id: string): string => (id === '' ? d().noOpgave : cardOpgaveLabel(kb, id, 'nl'));
export const statusLabel = (s: KnelpuntStatus): string => cardStatusLabel(s, 'nl');

export function snippet(text: string, max = 140): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/** Pages as links; `href(n)` builds the URL of page n. */
export function pager(page: number, pages: number, href: (n: number) => string): SafeHtml {
  if (pages <= 1) return html``;
  const p = d().pager;
  const shown = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= pages));
  const numbers = [...shown].sort((a, b) => a - b);
  const items: SafeHtml[] = [];
  if (page > 1) items.push(html`<li><a href="${href(page - 1)}" rel="prev">${p.previous}<span class="visually-hidden"> (${p.page(page - 1)})</span></a></li>`);
  let last = 0;
  for (const n of numbers) {
    if (n - last > 1) items.push(html`<li><span aria-hidden="true">…</span></li>`);
    items.push(n === page
      ? html`<li><a href="${href(n)}" aria-current="page" aria-label="${p.page(n)}">${n}</a></li>`
      : html`<li><a href="${href(n)}" aria-label="${p.page(n)}">${n}</a></li>`);
    last = n;
  }
  if (page < pages) items.push(html`<li><a href="${href(page + 1)}" rel="next">${p.next}<span class="visually-hidden"> (${p.page(page + 1)})</span></a></li>`);
  return html`<nav class="pager" aria-label="${p.label}"><p class="muted">${p.status(page, pages)}</p><ul class="pager__list">${items}</ul></nav>`;
}

/** One labelled figure in a `.stats` list. */
export function stat(label: string, value: string, note?: string): SafeHtml {
  return html`<div><dt>${label}</dt><dd>${value}${note ? html`<small>${note}</small>` : html``}</dd></div>`;
}
