import { cleanName, cleanText } from '../../domain/text.js';
import type { KnelpuntRecord } from '../../store/types.js';
import type { KnelpuntStatus } from '../../domain/knelpunt.js';
import type { CoreDeps } from '../context.js';
import { recipientLocale } from '../conversation-language.js';
import type { Recipient } from '../deliveries.js';
import { refreshCards } from '../tracked.js';
import { reporterUpdateCard, triageCard } from './cards.js';
import { canMove, needsToelichting } from '../../domain/knelpunt.js';

/** What a status change needs: the store, the deliveries for the reporter, and the clock. Chat and dashboard pass the same. */
export type StatusChangeDeps = Pick<CoreDeps, 'store' | 'knowledge' | 'deliveries' | 'log' | 'now' | 'defaultLocale'>;

export interface StatusChangeRequest {
  ref: string;
  /** The status the coordinator saw: a change from a stale view changes nothing. */
  from: KnelpuntStatus;
  to: KnelpuntStatus;
  /** Platform-qualified coordinator id (`slack:U1`, `aad:<oid>`, `email:<address>`): kept in the history. */
  by: string;
  /** Their display name, as the platform (or the sign-in) gives it: what the cards show. */
  byName?: string;
  /** Required for "niet opgepakt" and for reopening; checked for length by the caller's form (validateToelichting). */
  toelichting?: string;
}

/** `queued`: a private message to the reporter is on its way (retried in the background); `anonymous`: nobody to tell. */
export type ReporterNotice = 'queued' | 'anonymous';

export type StatusChangeResult =
  | { ok: true; knelpunt: KnelpuntRecord; notice: ReporterNotice }
  /** Not a step of the status flow (status.ts). */
  | { ok: false; reason: 'invalid' }
  /** "Niet opgepakt" and reopening need a toelichting. */
  | { ok: false; reason: 'toelichting_required' }
  | { ok: false; reason: 'not_found' }
  /** Someone changed it meanwhile; `knelpunt` has the current status. */
  | { ok: false; reason: 'stale'; knelpunt: KnelpuntRecord };

/**
 * The one code path for a knelpunt status change, used by the chat feature and the
 * dashboard: the flow rules, the compare-and-set in the store (two coordinators at
 * once cannot both apply a change), the history entry with who (id and name), and,
 * queued so the coordinator's answer waits for neither: the private update to a named
 * reporter, and the update of every triage card of the knelpunt wherever it was posted.
 * A failing send is retried and logged; the change stands.
 */
export async function changeKnelpuntStatus(deps: StatusChangeDeps, req: StatusChangeRequest): Promise<StatusChangeResult> {
  const { ref, from, to, by } = req;
  if (!canMove(from, to)) return { ok: false, reason: 'invalid' };
  // Chat forms pass cleaned text already; the dashboard and other callers pass through the same boundary here.
  const toelichting = (req.toelichting !== undefined ? cleanText(req.toelichting).trim() : '') || undefined;
  if (needsToelichting(to, from) && !toelichting) return { ok: false, reason: 'toelichting_required' };
  const byName = req.byName !== undefined ? cleanName(req.byName) : '';
  const { knelpunt, changed } = await deps.store.knelpunten.changeStatus(ref, {
    at: deps.now().toISOString(),
    by,
    ...(byName ? { byName } : {}),
    from,
    to,
    ...(toelichting ? { toelichting } : {}),
  });
  if (!knelpunt) return { ok: false, reason: 'not_found' };
  if (!changed) return { ok: false, reason: 'stale', knelpunt };
  deps.log.info({ ref, from, to }, 'knelpunt status changed');
  const notice = notifyReporter(deps, knelpunt, toelichting);
  await refreshTriageCards(deps, ref);
  return { ok: true, knelpunt, notice };
}

/** Queues the update of every triage card of a knelpunt; each shows the knelpunt as it is when the update is sent. */
export async function refreshTriageCards(deps: StatusChangeDeps, ref: string): Promise<void> {
  try {
    await refreshCards(deps, ref, async (locale) => {
      const k = await deps.store.knelpunten.get(ref);
      return k ? triageCard(deps.knowledge, k, locale) : undefined;
    });
  } catch (err) {
    // The change is stored; the cards only stay behind until the next change.
    deps.log.error({ err, ref }, 'could not queue the update of the triage cards');
  }
}

/** Queues the private update a named reporter gets on every status change (the change is already stored). */
export function notifyReporter(deps: StatusChangeDeps, k: KnelpuntRecord, toelichting?: string): ReporterNotice {
  if (!k.reporter) return 'anonymous';
  const to: Recipient = { user: { platform: k.reporter.platform, userId: k.reporter.userId, ...(k.reporter.conversationKey ? { conversationKey: k.reporter.conversationKey } : {}) } };
  deps.deliveries.deliver(
    to,
    // In the reporter's language, as last known from their personal chats or where they reported.
    async () => reporterUpdateCard(deps.knowledge, k, await recipientLocale(deps.store, to, deps.defaultLocale, deps.log), toelichting),
    { what: 'knelpunt reporter update', ref: k.ref, platform: k.reporter.platform },
  );
  return 'queued';
}
