// The page's own text in the language chosen on the page. The texts come from the
// server's message catalogues (src/i18n, `webChatPage`) as /chat-texts.json; the static
// HTML holds the Dutch text for the moment before they arrive.

const LANG_KEY = 'ibp-bot.lang';
let catalogues = null;
let current = initialLang();

/** The language chosen on this page before, else Dutch (Dutch first: many Dutch civil servants run an English browser). */
function initialLang() {
  try {
    const stored = localStorage.getItem(LANG_KEY);
    if (stored === 'nl' || stored === 'en') return stored;
  } catch {
    // storage blocked: Dutch
  }
  return 'nl';
}

export async function loadTexts() {
  try {
    const res = await fetch('chat-texts.json', { credentials: 'same-origin' });
    if (res.ok) catalogues = await res.json();
  } catch {
    catalogues = null;
  }
}

export function lang() {
  return current;
}

export function setLang(value) {
  current = value === 'en' ? 'en' : 'nl';
  try {
    localStorage.setItem(LANG_KEY, current);
  } catch {
    // not remembered; this page view still follows the choice
  }
}

/** The text for `key` in the chosen language (`{n}` filled in), or '' when the texts did not load. */
export function t(key, n) {
  const text = catalogues?.[current]?.[key] ?? catalogues?.nl?.[key] ?? '';
  return n === undefined ? String(text) : String(text).replace('{n}', String(n));
}

/**
 * Puts the chosen language's text into the static page: `data-t` sets the text,
 * `data-t-label` the aria-label, `data-t-rich` allows **bold** (trusted catalogue text).
 */
export function applyTexts(root = document) {
  if (!catalogues) return;
  document.documentElement.lang = current;
  for (const node of root.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  for (const node of root.querySelectorAll('[data-t-label]')) node.setAttribute('aria-label', t(node.dataset.tLabel));
  for (const node of root.querySelectorAll('[data-t-rich]')) {
    node.replaceChildren();
    t(node.dataset.tRich).split('**').forEach((part, i) => {
      if (part === '') return;
      if (i % 2 === 1) {
        const strong = document.createElement('strong');
        strong.textContent = part;
        node.append(strong);
      } else node.append(document.createTextNode(part));
    });
  }
  for (const a of root.querySelectorAll('a[data-legal]')) a.href = `/${a.dataset.legal}${current === 'en' ? '?lang=en' : ''}`;
  const title = t('title');
  if (title) document.title = title;
}
