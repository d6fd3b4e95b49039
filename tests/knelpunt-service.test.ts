import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../src/core/deliveries.js';
import { changeKnelpuntStatus, type StatusChangeDeps } from '../src/core/knelpunt/service.js';
import { createLogger } from '../src/log.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import type { NewKnelpunt } from '../src/store/types.js';
import { LogCapture, RecordingOutbox, shippedKnowledge } from './helpers/core.js';

const named: NewKnelpunt = {
  opgave: 'opgave-klimaat', beschrijving: 'De RES-regio en het Rijk rekenen met andere cijfers.', overheden: ['provincie'], urgentie: 'middel',
  anoniem: false, reporter: { platform: 'slack', userId: 'U0REP', name: 'Rita Reporter' }, platform: 'slack',
};

async function deps(): Promise<StatusChangeDeps & { outbox: RecordingOutbox; logs: LogCapture; deliveries: DeliveryQueue }> {
  const logs = new LogCapture();
  const outbox = new RecordingOutbox();
  const log = createLogger({ level: 'info', pretty: false, destination: logs });
  return {
    store: LowdbStore.openInMemory(), knowledge: await shippedKnowledge(), outbox, logs, log,
    // no retries: a failure here is final at once
    deliveries: new DeliveryQueue(outbox, log, { retryDelaysMs: [] }),
    now: () => new Date('2026-11-23T10:00:00Z'), defaultLocale: 'nl',
  };
}

describe('the shared knelpunt status change (chat and dashboard)', () => {
  it('applies a step of the flow, records who, and tells a named reporter', async () => {
    const d = await deps();
    const { knelpunt } = await d.store.knelpunten.create(named, 'k1', new Date('2026-11-20T09:00:00Z'));
    const res = await changeKnelpuntStatus(d, { ref: knelpunt.ref, from: 'nieuw', to: 'in_behandeling', by: 'aad:0000-oid' });
    expect(res).toMatchObject({ ok: true, notice: 'queued', knelpunt: { status: 'in_behandeling' } });
    await d.deliveries.idle();
    expect((await d.store.knelpunten.get(knelpunt.ref))!.history).toEqual([{ at: '2026-11-23T10:00:00.000Z', by: 'aad:0000-oid', from: 'nieuw', to: 'in_behandeling' }]);
    expect(d.outbox.sent).toHaveLength(1);
    expect(d.outbox.sent[0]!.to).toBe('user:slack:U0REP');
    expect(d.outbox.sent[0]!.reply.fallbackText).toMatch(/Update over je knelpunt .*in behandeling/);
  });

  it('keeps the name beside the id when one is given, through the text boundary; none when it is empty', async () => {
    const d = await deps();
    const { knelpunt } = await d.store.knelpunten.create(named, 'k4', new Date('2026-11-20T09:00:00Z'));
    await changeKnelpuntStatus(d, { ref: knelpunt.ref, from: 'nieuw', to: 'in_behandeling', by: 'aad:0000-oid', byName: '  Cora\u0000 \n Coördinator ' });
    await changeKnelpuntStatus(d, { ref: knelpunt.ref, from: 'in_behandeling', to: 'geagendeerd', by: 'aad:0000-oid', byName: ' \u0007 ' });
    const [first, second] = (await d.store.knelpunten.get(knelpunt.ref))!.history;
    expect(first).toMatchObject({ by: 'aad:0000-oid', byName: 'Cora Coördinator' });
    expect(second).not.toHaveProperty('byName');
  });

  it('refuses steps outside the flow, "niet opgepakt" without toelichting, unknown and stale knelpunten', async () => {
    const d = await deps();
    const { knelpunt } = await d.store.knelpunten.create({ ...named, anoniem: true }, 'k2', new Date('2026-11-20T09:00:00Z'));
    expect(await changeKnelpuntStatus(d, { ref: knelpunt.ref, from: 'nieuw', to: 'opgelost', by: 'email:a@b.nl' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await changeKnelpuntStatus(d, { ref: knelpunt.ref, from: 'nieuw', to: 'niet_opgepakt', by: 'email:a@b.nl', toelichting: '   ' })).toEqual({ ok: false, reason: 'toelichting_required' });
    expect(await changeKnelpuntStatus(d, { ref: 'KP-2026-9999', from: 'nieuw', to: 'in_behandeling', by: 'email:a@b.nl' })).toEqual({ ok: false, reason: 'not_found' });
    const done = await changeKnelpuntStatus(d, { ref: knelpunt.ref, from: 'nieuw', to: 'niet_opgepakt', by: 'email:a@b.nl', toelichting: 'Hoort bij het Rijk.' });
    expect(done).toMatchObject({ ok: true, notice: 'anonymous' });
    const stale = await changeKnelpuntStatus(d, { ref: knelpunt.ref, from: 'nieuw', to: 'in_behandeling', by: 'email:a@b.nl' });
    expect(stale).toMatchObject({ ok: false, reason: 'stale', knelpunt: { status: 'niet_opgepakt' } });
    await d.deliveries.idle();
    expect(d.outbox.sent).toHaveLength(0);
    expect((await d.store.knelpunten.get(knelpunt.ref))!.history).toHaveLength(1);
  });

  it('a failing notification is logged and the change stands', async () => {
    const d = await deps();
    d.outbox.sendToUser = async () => ({ ok: false, gone: false, reason: 'no slack adapter configured' });
    const { knelpunt } = await d.store.knelpunten.create(named, 'k3', new Date('2026-11-20T09:00:00Z'));
    const res = await changeKnelpuntStatus(d, { ref: knelpunt.ref, from: 'nieuw', to: 'in_behandeling', by: 'slack:U0C' });
    expect(res).toMatchObject({ ok: true, notice: 'queued' });
    expect((await d.store.knelpunten.get(knelpunt.ref))!.status).toBe('in_behandeling');
    await d.deliveries.idle();
    expect(d.logs.text).toMatch(/"what":"knelpunt reporter update","ref":"KP-2026-0001","platform":"slack","attempt":1,"reason":"no slack adapter configured","msg":"delivery failed; giving up"/);
    expect(d.logs.text).not.toContain('U0REP');
  });
});
