import { dashboardEn } from '../i18n/dashboard-en.js';
import { dashboardNl, type DashboardMessages } from '../i18n/dashboard-nl.js';
import type { Locale } from '../domain/turn.js';

/** The dashboard's own texts (src/i18n/dashboard-nl.ts and -en.ts). The pages are Dutch. */
export function texts(locale: Locale = 'nl'): DashboardMessages {
  return locale === 'en' ? dashboardEn : dashboardNl;
}
