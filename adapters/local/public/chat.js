// IBP-bot web chat: the wiring. Keeps the session, sends what the user types, presses or
// submits (api.js), puts the answers in the log (render.js, forms.js) and moves focus.
// Everything that comes from the server or the user is put in the page with
// textContent / attributes only: nothing here parses HTML, so neither a knowledge file
// nor a user can inject markup or script.

import { postChat, randomId } from './api.js';
import { el, hidden } from './dom.js';
import { renderReply } from './render.js';

const SESSION_KEY = 'ibp-bot.session';
const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

const T = {
  notSent: 'Niet verstuurd',
  searching: 'Even zoeken…',
  you: 'Jij:',
};

const log = document.getElementById('log');
const status = document.getElementById('status');
const composer = document.getElementById('composer');
const input = document.getElementById('message');
const sendButton = document.getElementById('send');

const session = loadSession();
const locale = (navigator.language || '').toLowerCase().startsWith('en') ? 'en' : 'nl';
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
let busy = false;

/** What reply blocks need from the page (see render.js). */
const handlers = { isBusy: () => busy, onAction: pressButton, onSubmitForm: sendForm };

// ---------------------------------------------------------------------------
// Session and sending

function loadSession() {
  try {
    const stored = localStorage.getItem(SESSION_KEY);
    if (stored && ID_PATTERN.test(stored)) return stored;
    const fresh = randomId();
    localStorage.setItem(SESSION_KEY, fresh);
    return fresh;
  } catch {
    // Storage blocked (private mode, policy): the chat still works for this page view.
    return randomId();
  }
}

/** Sends one input; resolves to `{ ok: true, replies }` or `{ ok: false, message }`. */
async function send(turnInput) {
  setBusy(true);
  try {
    return await postChat({ session, locale, input: turnInput });
  } finally {
    setBusy(false);
  }
}

function setBusy(value) {
  busy = value;
  sendButton.disabled = value;
  log.setAttribute('aria-busy', String(value));
  status.textContent = value ? T.searching : '';
  status.classList.toggle('status--active', value);
}

// ---------------------------------------------------------------------------
// Composer

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  void sendText();
});

input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    void sendText();
  }
});

const autoGrow = CSS.supports('field-sizing', 'content')
  ? () => {}
  : () => {
      input.style.height = 'auto';
      input.style.height = `${input.scrollHeight + 4}px`;
    };
input.addEventListener('input', autoGrow);

async function sendText() {
  const text = input.value;
  if (busy || text.trim() === '') {
    input.focus();
    return;
  }
  const bubble = appendUserMessage(text);
  input.value = '';
  autoGrow();
  const result = await send({ kind: 'text', text: text.trim() });
  if (result.ok) {
    const articles = renderReplies(result.replies);
    scrollIntoView(articles[0]);
  } else {
    markNotSent(bubble);
    // Give the typed text back, unless the user already started a new message.
    if (input.value === '') {
      input.value = text;
      autoGrow();
    }
    scrollIntoView(appendError(result.message));
  }
  input.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------
// Buttons and forms in answers

async function pressButton(button, b) {
  if (busy) return;
  appendUserMessage(String(b.label ?? ''));
  const result = await send({ kind: 'action', action: String(b.action ?? ''), value: String(b.value ?? '') });
  if (!result.ok) {
    scrollIntoView(appendError(result.message));
    button.focus({ preventScroll: true });
    return;
  }
  const articles = renderReplies(result.replies);
  // Keyboard and screen reader users continue at the new answer, not back at the top.
  if (!focusReply(articles)) button.focus({ preventScroll: true });
}

/** Called by forms.js for a form that passed its own checks. */
async function sendForm({ form, values, submitButton, markDone }) {
  appendUserMessage(String(form.submitLabel ?? ''));
  const result = await send({
    kind: 'form',
    formId: String(form.id ?? ''),
    values,
    // Opaque state of the form (e.g. which knelpunt), returned untouched.
    ...(typeof form.state === 'string' ? { state: form.state } : {}),
  });
  if (!result.ok) {
    scrollIntoView(appendError(result.message));
    submitButton.focus({ preventScroll: true });
    return;
  }
  markDone();
  const articles = renderReplies(result.replies, { resubmitted: { formId: form.id, values } });
  if (!focusReply(articles)) input.focus();
}

// ---------------------------------------------------------------------------
// The log

/** Appends every Reply as an article; returns the articles. */
function renderReplies(replies, extra = {}) {
  const articles = [];
  for (const reply of replies) {
    if (!reply || !Array.isArray(reply.blocks)) continue;
    const article = renderReply(reply, { ...handlers, ...extra });
    log.append(article);
    articles.push(article);
  }
  return articles;
}

function appendUserMessage(text) {
  const item = el('div', 'msg msg--user');
  item.append(hidden(`${T.you} `));
  const p = el('p', 'msg__text');
  p.textContent = text;
  item.append(p);
  log.append(item);
  scrollIntoView(item);
  return item;
}

function markNotSent(bubble) {
  bubble.classList.add('msg--failed');
  const note = el('p', 'msg__note');
  note.textContent = T.notSent;
  bubble.append(note);
}

function appendError(message) {
  const item = el('div', 'msg msg--error');
  const p = el('p');
  p.textContent = message;
  item.append(p);
  log.append(item);
  return item;
}

function scrollIntoView(node) {
  if (!node) return;
  node.scrollIntoView({ block: 'nearest', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
}

function focusReply(articles) {
  const invalid = articles.map((a) => a.querySelector('[aria-invalid="true"]')).find(Boolean);
  const target = invalid ?? articles[0];
  if (!target) return false;
  target.focus({ preventScroll: true });
  scrollIntoView(invalid ? target.closest('.field') ?? target : target);
  return true;
}
