import { messages } from '../../src/i18n/index.js';
import { html } from '../../src/dashboard/html.js';

/** WEB_CHAT=off: what someone who follows a link to the web chat sees instead (with status 404). */
export function webChatOffPage(): string {
  const t = messages('nl').webChat;
  return html`<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${t.offTitle} – IBP-bot</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/base.css">
  <link rel="stylesheet" href="/chat.css">
</head>
<body>
  <header class="site-header">
    <div class="wrap site-header__inner">
      <div>
        <p class="site-header__title">IBP-bot</p>
      </div>
    </div>
  </header>
  <main id="main" class="page">
    <div class="wrap">
      <h1>${t.offTitle}</h1>
      <p>${t.offBody}</p>
      <p><a href="/privacy">${t.privacy}</a> · <a href="/voorwaarden">${t.terms}</a></p>
    </div>
  </main>
</body>
</html>
`.value;
}
