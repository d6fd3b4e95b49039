import { texts } from './texts.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';

/** The page shell: skip link, header with who is signed in, main menu, one h1, notices, footer. */
export const ASSETS = '/dashboard-assets';
export const SECTIONS = ['overzicht', 'knelpunten', 'kennisvragen', 'lessen', 'planning'] as const;
export type Section = (typeof SECTIONS)[number];

const t = () => texts();

export interface Notice {
  kind: 'info' | 'success' | 'error';
  text: HtmlValue;
}

export interface PageOptions {
  title: string;
  /** Highlighted in the menu; no menu at all without a signed-in coordinator. */
  section?: Section;
  /** Signed in: name for the header and the CSRF token for the sign-out form. */
  user?: { name: string; csrf: string };
  menu?: boolean;
  notices?: Notice[];
  body: SafeHtml;
}

export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

export function notices(list: readonly Notice[] = []): SafeHtml {
  if (list.length === 0) return html``;
  const worst = list.some((n) => n.kind === 'error') ? 'error' : list.some((n) => n.kind === 'info') ? 'info' : 'success';
  return html`<div class="notice notice--${worst}"${worst === 'error' ? html` role="alert"` : html``} aria-label="${t().notices}">
  ${list.map((n) => html`<p>${n.text}</p>`)}
</div>`;
}

export function page(o: PageOptions): string {
  const d = t();
  const menu = o.user && o.menu !== false
    ? html`<nav class="site-nav" aria-label="${d.navLabel}"><div class="wrap"><ul class="site-nav__list">${SECTIONS.map(
        (s) => html`<li><a class="site-nav__link" href="/admin/${s}"${s === o.section ? html` aria-current="page"` : html``}>${d.nav[s]}</a></li>`,
      )}</ul></div></nav>`
    : html``;
  const who = o.user
    ? html`<div class="site-header__user">
        <p class="site-header__name">${d.signedInAs(o.user.name)}</p>
        <form method="post" action="/admin/logout" class="inline-form">${csrfField(o.user.csrf)}<button type="submit" class="button button--on-dark">${d.signOut}</button></form>
      </div>`
    : html``;
  return html`<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="robots" content="noindex, nofollow">
<title>${d.pageTitle(o.title)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/base.css">
<link rel="stylesheet" href="${ASSETS}/dashboard.css">
</head>
<body>
<a class="skip-link" href="#inhoud">${d.skipLink}</a>
<header class="site-header">
  <div class="wrap site-header__inner">
    <p class="site-header__title"><svg class="site-header__icon" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="7" fill="#fff"/><path d="M7 23V13h4v10zm7 0V8h4v15zm7 0v-7h4v7z" fill="#154273"/></svg>${d.appName}</p>
    ${who}
  </div>
</header>
${menu}
<main id="inhoud" class="wrap main" tabindex="-1">
<h1>${o.title}</h1>
${notices(o.notices)}
${o.body}
</main>
<footer class="site-footer"><div class="wrap"><p>${d.footer}</p></div></footer>
</body>
</html>
`.value;
}

/** A simple message page (sign-in, no access, not found, errors). */
export function messagePage(o: { title: string; paragraphs: HtmlValue[]; user?: { name: string; csrf: string }; menu?: boolean; notices?: Notice[]; extra?: SafeHtml }): string {
  return page({
    title: o.title,
    ...(o.user ? { user: o.user } : {}),
    ...(o.menu !== undefined ? { menu: o.menu } : {}),
    ...(o.notices ? { notices: o.notices } : {}),
    body: html`${o.paragraphs.map((p) => html`<p class="lead">${p}</p>`)}${o.extra ?? html``}`,
  });
}
