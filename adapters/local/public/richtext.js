// Rich text (paragraphs, lists, strong/em, links) from src/core/reply.ts to DOM nodes.
// Shared by reply blocks and form intros.

import { el, hidden } from './dom.js';
import { t } from './texts.js';


export function renderRichText(rich) {
  const wrap = el('div', 'rich');
  for (const rb of Array.isArray(rich) ? rich : []) {
    if (rb?.t === 'para') {
      const p = el('p');
      appendInlines(p, rb.children);
      wrap.append(p);
    } else if (rb?.t === 'list') {
      const list = el(rb.ordered ? 'ol' : 'ul');
      for (const item of Array.isArray(rb.items) ? rb.items : []) {
        const li = el('li');
        appendInlines(li, item);
        list.append(li);
      }
      wrap.append(list);
    }
  }
  return wrap;
}

function appendInlines(parent, nodes) {
  for (const n of Array.isArray(nodes) ? nodes : []) {
    switch (n?.t) {
      case 'text':
        parent.append(document.createTextNode(String(n.text ?? '')));
        break;
      case 'strong':
      case 'em': {
        const e = el(n.t);
        appendInlines(e, n.children);
        parent.append(e);
        break;
      }
      case 'link': {
        const a = makeLink(n.url);
        const target = a ?? el('span');
        appendInlines(target, n.children);
        if (a) a.append(newTabNote());
        parent.append(target);
        break;
      }
      default:
        break;
    }
  }
}

/** Only http(s) and mailto links become links (same rule as the core's isSafeUrl). */
function isSafeUrl(url) {
  if (typeof url !== 'string' || !/^(https?:\/\/|mailto:)/i.test(url.trim())) return false;
  try {
    return ['http:', 'https:', 'mailto:'].includes(new URL(url.trim()).protocol);
  } catch {
    return false;
  }
}

/** An <a> for a safe url, or null: the caller then shows the label as plain text. */
export function makeLink(url) {
  if (!isSafeUrl(url)) return null;
  const a = el('a', 'link');
  a.href = url.trim();
  if (!/^mailto:/i.test(a.href)) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.classList.add('link--external');
  }
  return a;
}

/** Appended after a link's label, for screen reader users. */
export function newTabNote() {
  return hidden(` ${t('newTab')}`);
}
