// IBP-bot web chat: the wiring. Keeps the session, shows the conversation so far
// (history), sends what the user types, presses or submits (api.js), and keeps an event
// stream open for what the bot sends by itself. Every message has an id: a message
// with an id the page already shows takes that one's place (a card with a new state).
// Everything that comes from the server or the user is put in the page with
// textContent / attributes only: nothing here parses HTML, so neither a knowledge file
// nor a user can inject markup or script.

import { getHistory, openEvents, postChat, randomId } from './api.js';
import { el, hidden } from './dom.js';
import { renderReply } from './render.js';
import { applyTexts, lang, loadTexts, setLang, t } from './texts.js';

const SESSION_KEY = 'ibp-bot.session';
const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

const log = document.getElementById('log');
const status = document.getElementById('status');
const composer = document.getElementById('composer');
const input = document.getElementById('message');
const sendButton = document.getElementById('send');
const langSelect = document.getElementById('lang');

const session = loadSession();
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
let busy = false;
/**
 * Messages that came over the event stream while a turn was on its way (the log is
 * aria-busy then, so a screen reader would skip them): shown once its answer is in.
 */
const held = [];
/** Message id -> what the page shows for it, and the number of its latest change. */
const shown = new Map();
/**
 * The latest change number this page got over its event stream or with the history: what
 * a reconnecting stream asks for (Last-Event-ID). Numbers in answers to a POST do not move
 * it, or a message stored while the stream was down could be skipped. null: no history yet.
 */
let streamRev = null;
/** The name typed once in this session (open web chat), for named reports. */
let knownName = '';
let signedIn = false;

/** What reply blocks need from the page (see render.js). */
const handlers = { isBusy: () => busy, onAction: pressButton, onSubmitForm: sendForm, name: () => (signedIn ? null : knownName) };

// ---------------------------------------------------------------------------
// Session, language and start

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

langSelect.value = lang();
langSelect.addEventListener('change', () => {
  setLang(langSelect.value);
  applyTexts();
});

async function start() {
  await loadTexts();
  applyTexts();
  await showHistory();
  openEvents({
    session,
    lastEventId: () => streamRev,
    onMessage: (msg) => {
      if (typeof msg?.rev === 'number' && msg.rev > (streamRev ?? 0)) streamRev = msg.rev;
      if (busy || held.length > 0) {
        held.push(msg);
        return;
      }
      const node = apply(msg);
      if (node) scrollIntoView(node);
    },
    onReset: () => void showHistory(true),
    onConnected: (up, wasUp) => {
      if (up && status.dataset.offline === 'true') say(t('online'));
      if (!up && wasUp) say(t('offline'), true);
      if (up) delete status.dataset.offline;
    },
  });
}

/** Shows the stored conversation; `reset`: the server knows less than the page (the session was removed). */
async function showHistory(reset = false) {
  const history = await getHistory(session);
  if (!history) return;
  signedIn = history.signedIn === true;
  if (typeof history.name === 'string') knownName = history.name;
  // What was said before is not news: the log is busy (not read out) while it fills, and a
  // moment after, so a screen reader does not read up to 100 messages on load.
  log.setAttribute('aria-busy', 'true');
  if (reset) forgetShown(history.messages);
  for (const msg of history.messages) apply(msg);
  setTimeout(() => log.setAttribute('aria-busy', String(busy)), 250);
  if (typeof history.rev === 'number') streamRev = reset ? history.rev : Math.max(streamRev ?? 0, history.rev);
  const last = log.lastElementChild;
  if (history.messages.length > 0 && last) last.scrollIntoView({ block: 'end' });
}

void start();

/** Sends one input; resolves to `{ ok: true, messages }` or `{ ok: false, message }`. */
async function send(turnInput, extra = {}) {
  setBusy(true);
  try {
    return await postChat({ session, locale: lang(), input: turnInput, ...extra });
  } finally {
    setBusy(false);
    // After the caller showed the answer (its own messages, with their form state).
    setTimeout(showHeld, 0);
  }
}

function showHeld() {
  let last = null;
  while (!busy && held.length > 0) last = apply(held.shift()) ?? last;
  if (last) scrollIntoView(last);
}

function setBusy(value) {
  busy = value;
  sendButton.disabled = value;
  log.setAttribute('aria-busy', String(value));
  say(value ? t('searching') : '');
  status.classList.toggle('status--active', value);
}

function say(text, offline = false) {
  status.textContent = text;
  if (offline) status.dataset.offline = 'true';
}

// ---------------------------------------------------------------------------
// Messages by id

/**
 * Shows one message (history, event or answer): new ids are added at the end; a known id
 * with a newer change takes that one's place (focus moves along when it was inside).
 */
/**
 * After a reset the server's conversation is the truth: messages it no longer holds (the
 * session was removed: privacy delete, retention) leave the page, and revision numbers
 * start again.
 */
function forgetShown(messages) {
  const keep = new Set(messages.map((m) => m.id));
  for (const [id, s] of shown) {
    if (keep.has(id)) s.rev = undefined;
    else {
      s.node.remove();
      shown.delete(id);
    }
  }
}

function apply(msg, extra = {}) {
  if (!msg || typeof msg.id !== 'string') return null;
  const known = shown.get(msg.id);
  const rev = typeof msg.rev === 'number' ? msg.rev : undefined;
  if (known && (msg.role === 'user' || (rev !== undefined && known.rev !== undefined && rev <= known.rev))) {
    if (rev !== undefined) known.rev = Math.max(known.rev ?? 0, rev);
    return known.node;
  }
  let node;
  if (msg.role === 'user' && typeof msg.text === 'string') node = userBubble(msg.text);
  else if (msg.role === 'bot' && msg.reply && Array.isArray(msg.reply.blocks)) node = renderReply(msg.reply, { ...handlers, ...extra, source: msg.id });
  else return null;
  if (known) {
    const hadFocus = known.node.contains(document.activeElement);
    known.node.replaceWith(node);
    if (hadFocus) node.focus({ preventScroll: true });
  } else {
    log.append(node);
  }
  shown.set(msg.id, { node, rev });
  return node;
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
  const messageId = randomId();
  const bubble = apply({ id: messageId, role: 'user', text });
  scrollIntoView(bubble);
  input.value = '';
  autoGrow();
  const result = await send({ kind: 'text', text: text.trim() }, { messageId });
  if (result.ok) {
    const nodes = result.messages.map((m) => apply(m)).filter((n) => n && n !== bubble);
    scrollIntoView(nodes[0]);
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

async function pressButton(button, b, source) {
  if (busy) return;
  const messageId = randomId();
  const label = String(b.label ?? '');
  apply({ id: messageId, role: 'user', text: label });
  const result = await send({ kind: 'action', action: String(b.action ?? ''), value: String(b.value ?? ''), label: label.slice(0, 200) }, { messageId, source });
  if (!result.ok) {
    scrollIntoView(appendError(result.message));
    if (button.isConnected) button.focus({ preventScroll: true });
    return;
  }
  const nodes = result.messages.filter((m) => m.role === 'bot').map((m) => apply(m)).filter(Boolean);
  // Keyboard and screen reader users continue at the new answer, not back at the top.
  if (!focusReply(nodes) && button.isConnected) button.focus({ preventScroll: true });
}

/** Called by forms.js for a form that passed its own checks. */
async function sendForm({ form, values, submitButton, markDone, source, name }) {
  const messageId = randomId();
  apply({ id: messageId, role: 'user', text: String(form.submitLabel ?? '') });
  const result = await send(
    {
      kind: 'form',
      formId: String(form.id ?? ''),
      values,
      // Opaque state of the form (e.g. which knelpunt), returned untouched.
      ...(typeof form.state === 'string' ? { state: form.state } : {}),
    },
    { messageId, source, ...(name ? { name } : {}) },
  );
  if (!result.ok) {
    scrollIntoView(appendError(result.message));
    submitButton.focus({ preventScroll: true });
    return;
  }
  if (name) knownName = name;
  markDone();
  const nodes = result.messages.filter((m) => m.role === 'bot').map((m) => apply(m, { resubmitted: { formId: form.id, values } })).filter(Boolean);
  if (!focusReply(nodes)) input.focus();
}

// ---------------------------------------------------------------------------
// The log

function userBubble(text) {
  const item = el('div', 'msg msg--user');
  item.append(hidden(`${t('you')} `));
  const p = el('p', 'msg__text');
  p.textContent = text;
  item.append(p);
  return item;
}

function markNotSent(bubble) {
  bubble.classList.add('msg--failed');
  const note = el('p', 'msg__note');
  note.textContent = t('notSent');
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
