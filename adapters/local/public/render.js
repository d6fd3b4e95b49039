// One Reply of src/core/reply.ts -> one <article>. Building only: the caller puts the
// article in the log and decides where focus goes. `context` carries what the blocks
// need from the page: `onAction(button, b)` for a pressed button, and for forms
// `isBusy`, `onSubmitForm` and `resubmitted` (see forms.js); `source` is the id of the
// message, sent along with a press or a submission so a reply can take its place.

import { el, hidden, nextId } from './dom.js';
import { renderForm } from './forms.js';
import { makeLink, newTabNote, renderRichText } from './richtext.js';
import { t } from './texts.js';

export function renderReply(reply, context) {
  const article = el('article', 'msg msg--bot');
  article.tabIndex = -1;
  if (reply.locale === 'nl' || reply.locale === 'en') article.lang = reply.locale;
  article.append(hidden(`${t('bot')} `));

  const blocks = reply.blocks;
  let lastContextId = null;
  for (const [index, b] of blocks.entries()) {
    const node = renderBlock(b, context, index > 0 && blocks[index - 1]?.kind === 'context' ? lastContextId : null);
    if (!node) continue;
    if (b.kind === 'context') lastContextId = node.id;
    article.append(node);
  }
  if (article.childElementCount === 1 && typeof reply.fallbackText === 'string') {
    const p = el('p');
    p.textContent = reply.fallbackText;
    article.append(p);
  }
  if (reply.private === true) {
    const note = el('p', 'private-note');
    note.textContent = t('privateNote');
    article.append(note);
  }

  const heading = article.querySelector('h3');
  if (heading) {
    heading.id = nextId('reply-title');
    article.setAttribute('aria-labelledby', heading.id);
  } else {
    article.setAttribute('aria-label', t('botReply'));
  }
  return article;
}

function renderBlock(b, context, labelledBy) {
  switch (b?.kind) {
    case 'heading': {
      const h = el('h3', 'reply__heading');
      h.textContent = String(b.text ?? '');
      return h;
    }
    case 'text':
      return renderRichText(b.rich);
    case 'facts':
      return renderFacts(b.facts);
    case 'buttons':
      return renderButtons(b.buttons, labelledBy, (button, pressed) => context.onAction(button, pressed, context.source));
    case 'links':
      return renderLinks(b.links);
    case 'form':
      return renderForm(b.form, context);
    case 'divider':
      return el('hr', 'reply__divider');
    case 'context': {
      const p = el('p', 'reply__context');
      p.id = nextId('context');
      p.textContent = String(b.text ?? '');
      return p;
    }
    default:
      return null; // a block kind this page does not know yet: skip it, keep the rest
  }
}

function renderFacts(facts) {
  const dl = el('dl', 'facts');
  for (const f of Array.isArray(facts) ? facts : []) {
    const row = el('div', 'facts__row');
    const dt = el('dt');
    dt.textContent = String(f?.label ?? '');
    const dd = el('dd');
    dd.textContent = String(f?.value ?? '');
    row.append(dt, dd);
    dl.append(row);
  }
  return dl;
}

function renderButtons(buttons, labelledBy, onAction) {
  const group = el('div', 'actions');
  // A context line right above a button row ("Zie ook", "Had je hier iets aan?") names the group.
  if (labelledBy) {
    group.setAttribute('role', 'group');
    group.setAttribute('aria-labelledby', labelledBy);
  }
  for (const b of Array.isArray(buttons) ? buttons : []) {
    const button = el('button', 'button');
    button.type = 'button';
    button.textContent = String(b?.label ?? '');
    button.dataset.action = String(b?.action ?? '');
    if (b?.style === 'primary') button.classList.add('button--primary');
    if (b?.style === 'danger') button.classList.add('button--danger');
    button.addEventListener('click', () => void onAction(button, b));
    group.append(button);
  }
  return group;
}

function renderLinks(links) {
  const ul = el('ul', 'link-list');
  for (const l of Array.isArray(links) ? links : []) {
    const li = el('li');
    const a = makeLink(l?.url);
    const target = a ?? el('span');
    target.textContent = String(l?.label ?? l?.url ?? '');
    if (a) a.append(newTabNote());
    li.append(target);
    ul.append(li);
  }
  return ul;
}
