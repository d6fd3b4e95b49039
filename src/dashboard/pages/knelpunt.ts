import { TOELICHTING_MAX } from '../../core/knelpunt/form.js';
import { isOpen, nextStatuses } from '../../domain/knelpunt.js';
import type { KnelpuntRecord } from '../../store/types.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField } from '../layout.js';
import { dateTimeHtml } from '../dates.js';
import { actorLabel, platformLabel, reporterLabel, type Viewer } from '../names.js';
import { d, k, opgaveLabel, statusLabel, type PageDeps } from './common.js';

/** One knelpunt: its facts, its description, the status form and the history of changes. */
export const REF_PATTERN = /^KP-\d{4}-\d{4,}$/;

export interface StatusFormState {
  to?: string;
  toelichting?: string;
  errors?: { to?: string; toelichting?: string };
}

function statusForm(kp: KnelpuntRecord, csrf: string, state: StatusFormState, viewer?: Viewer): SafeHtml {
  const t = d().detail;
  const next = nextStatuses(kp.status);
  if (next.length === 0) return html`<p>${t.final}</p>`;
  const err = state.errors ?? {};
  // A closed knelpunt can be reopened, with a toelichting for the reporter.
  const reopen = !isOpen(kp.status);
  const describedBy = ['toelichting-hint', err.toelichting ? 'toelichting-error' : ''].filter(Boolean).join(' ');
  return html`<form method="post" action="/admin/knelpunten/${kp.ref}/status" novalidate>
${csrfField(csrf)}<input type="hidden" name="from" value="${kp.status}">
<p>${t.current(statusLabel(kp.status))}</p>
${reopen ? html`<p>${t.reopenHint}</p>` : html``}
<fieldset${err.to ? html` aria-describedby="to-error"` : html``}><legend>${t.newStatus}</legend>
  ${err.to ? html`<p class="field-error" id="to-error">${err.to}</p>` : html``}
  ${next.map((s) => html`<div class="choice"><input type="radio" id="to-${s}" name="to" value="${s}"${state.to === s ? html` checked` : html``}><label for="to-${s}">${k().statusButton[s]}</label></div>`)}
</fieldset>
<div class="field"><label for="toelichting">${t.toelichtingLabel}</label>
  <p class="hint" id="toelichting-hint">${t.toelichtingHint}</p>
  ${err.toelichting ? html`<p class="field-error" id="toelichting-error">${err.toelichting}</p>` : html``}
  <textarea id="toelichting" name="toelichting" rows="4" maxlength="${TOELICHTING_MAX}" aria-describedby="${describedBy}"${err.toelichting ? html` aria-invalid="true"` : html``}>${state.toelichting ?? ''}</textarea>
</div>
<p>${kp.reporter ? t.notifyNamed : t.notifyAnonymous}${viewer?.name ? ` ${t.nameKept}` : ''}</p>
<div class="actions"><button type="submit" class="button button--primary">${t.submit}</button></div>
</form>`;
}

/** `viewer`: the coordinator looking, who may have made changes before names were kept. */
export function knelpuntDetailBody(deps: PageDeps, kp: KnelpuntRecord, csrf: string, state: StatusFormState = {}, viewer?: Viewer): SafeHtml {
  const t = d().detail;
  const kt = k();
  const facts: [string, SafeHtml | string][] = [
    [kt.factStatus, statusLabel(kp.status)],
    [kt.factOpgave, opgaveLabel(deps.knowledge, kp.opgave)],
    [kt.factUrgentie, kt.urgentieLabel[kp.urgentie]],
    [kt.factOverheden, kp.overheden.length > 0 ? kp.overheden.map((o) => kt.overheid[o]).join(', ') : kt.none],
    [kt.factReporter, reporterLabel(kp, kt.anonymousReporter)],
    [kt.factCreated, dateTimeHtml(kp.createdAt)],
    [d().columns.platform, platformLabel(kp.platform)],
    [d().columns.updated, dateTimeHtml(kp.updatedAt)],
  ];
  return html`<p><a href="/admin/knelpunten">${t.back}</a></p>
<dl class="facts">${facts.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>
<h2>${t.beschrijving}</h2>
<p class="quote">${kp.beschrijving}</p>
<h2 id="status-wijzigen">${t.changeHeading}</h2>
${statusForm(kp, csrf, state, viewer)}
<h2>${t.history}</h2>
<div class="table-wrap" role="region" tabindex="0" aria-label="${t.historyCaption}"><table class="data-table data-table--cards">
  <caption class="visually-hidden">${t.historyCaption}</caption>
  <thead><tr><th scope="col">${t.when}</th><th scope="col">${t.by}</th><th scope="col">${t.from}</th><th scope="col">${t.to}</th><th scope="col">${t.toelichting}</th></tr></thead>
  <tbody>
    <tr><td data-label="${t.when}">${dateTimeHtml(kp.createdAt)}</td><td data-label="${t.by}">${reporterLabel(kp, kt.anonymousReporter)}</td><td data-label="${t.from}">–</td><td data-label="${t.to}">${t.reported}</td><td data-label="${t.toelichting}"></td></tr>
    ${kp.history.map((h) => html`<tr><td data-label="${t.when}">${dateTimeHtml(h.at)}</td><td data-label="${t.by}">${actorLabel(h, viewer)}</td><td data-label="${t.from}">${statusLabel(h.from)}</td><td data-label="${t.to}">${statusLabel(h.to)}</td><td data-label="${t.toelichting}" class="prewrap">${h.toelichting ?? ''}</td></tr>`)}
  </tbody>
</table></div>`;
}
