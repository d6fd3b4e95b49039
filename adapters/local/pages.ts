import type { Config } from '../../src/config.js';
import { messages } from '../../src/i18n/index.js';
import { html, type SafeHtml } from '../../src/dashboard/html.js';
import type { Locale } from '../../src/domain/turn.js';

/** Retention settings, shown on the privacy page. */
export type Retention = Config['retention'];

function shell(lang: Locale, title: string, body: SafeHtml, skip?: string): string {
  return html`<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} – IBP-bot</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/base.css">
  <link rel="stylesheet" href="/chat.css">
</head>
<body>
  ${skip ? html`<a class="skip-link" href="#main">${skip}</a>` : ''}
  <header class="site-header">
    <div class="wrap site-header__inner">
      <div>
        <p class="site-header__title">IBP-bot</p>
      </div>
    </div>
  </header>
  <main id="main" class="page">
    <div class="wrap">
${body}
    </div>
  </main>
</body>
</html>
`.value;
}

/** WEB_CHAT=off: what someone who follows a link to the web chat sees instead (with status 404). */
export function webChatOffPage(): string {
  const t = messages('nl').webChat;
  return shell('nl', t.offTitle, html`      <h1>${t.offTitle}</h1>
      <p>${t.offBody}</p>
      <p><a href="/privacy">${t.privacy}</a> · <a href="/voorwaarden">${t.terms}</a></p>`);
}

/**
 * The privacy and terms pages (/privacy, /voorwaarden; `?lang=en` in English), from the
 * message catalogues: what is stored and for how long, with the retention this server uses.
 */
export function legalPage(kind: 'privacy' | 'terms', lang: Locale, retention: Retention): string {
  const t = messages(lang).legal;
  const other: Locale = lang === 'nl' ? 'en' : 'nl';
  const path = kind === 'privacy' ? '/privacy' : '/voorwaarden';
  const fill = (s: string): string => s.replace('{chatDays}', String(retention.webChatSessionDays)).replace('{gapDays}', String(retention.knowledgeGapDays));
  const switcher = html`<p><a href="${path}?lang=${other}" lang="${other}" hreflang="${other}">${t.otherLanguage}</a></p>`;
  const back = html`<p><a href="/">${t.toChat}</a></p>`;
  if (kind === 'privacy') {
    return shell(lang, t.privacyTitle, html`      <h1>${t.privacyTitle}</h1>
      ${switcher}
      <p>${t.privacyIntro}</p>
      <h2>${t.storedHeading}</h2>
      <ul>
        ${t.stored.map(([what, how]) => html`<li><strong>${what}</strong>: ${fill(how)}</li>
        `)}
      </ul>
      <h2>${t.rightsHeading}</h2>
      <p>${t.rights}</p>
      ${back}`, t.skipLink);
  }
  return shell(lang, t.termsTitle, html`      <h1>${t.termsTitle}</h1>
      ${switcher}
      <ul>
        ${t.terms.map((line) => html`<li>${line}</li>
        `)}
      </ul>
      <p>${t.seePrivacy} <a href="/privacy${lang === 'en' ? '?lang=en' : ''}">${messages(lang).webChat.privacy}</a></p>
      ${back}`, t.skipLink);
}
