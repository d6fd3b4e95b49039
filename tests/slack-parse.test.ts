import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionFromId, parseSlackPayload, slackTextToPlain, viewStateToValues, type SlackInbound } from '../adapters/slack/parse.js';
import { SlackSignatureError, verifySlackSignature } from '../adapters/slack/verify.js';
import { signedHeaders } from './helpers/slack-sign.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.resolve('tests/fixtures/slack', `${name}.json`), 'utf8')) as Record<string, unknown>;
const now = new Date('2026-11-23T10:00:00Z');
const ctx = { now, botUserId: 'UBOT0001', botId: 'BBOT0001' };
const turnOf = (i: SlackInbound): Extract<SlackInbound, { kind: 'turn' | 'submission' }> => {
  if (i.kind !== 'turn' && i.kind !== 'submission') throw new Error(`expected a turn, got ${JSON.stringify(i)}`);
  return i;
};

describe('verifySlackSignature (pure, v0 HMAC-SHA256 over the raw body)', () => {
  const secret = 'test-signing-secret-1234';
  const body = 'token=x&command=%2Fibp&text=hoi';
  const ts = Math.floor(now.getTime() / 1000);
  const problem = (f: () => void): string | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      if (e instanceof SlackSignatureError) return `${e.problem}:${e.status}`;
      throw e;
    }
  };

  it('accepts a correctly signed, fresh request (string or Buffer body)', () => {
    expect(problem(() => verifySlackSignature(body, signedHeaders(secret, body, ts), { signingSecret: secret, now }))).toBeUndefined();
    expect(problem(() => verifySlackSignature(Buffer.from(body), signedHeaders(secret, body, ts - 299), { signingSecret: secret, now }))).toBeUndefined();
  });

  it('refuses wrong secret, changed body, stale or future timestamp, missing or malformed headers', () => {
    const opts = { signingSecret: secret, now };
    expect(problem(() => verifySlackSignature(body, signedHeaders('other-secret-xyz', body, ts), opts))).toBe('bad_signature:401');
    expect(problem(() => verifySlackSignature(body + '&x=1', signedHeaders(secret, body, ts), opts))).toBe('bad_signature:401');
    expect(problem(() => verifySlackSignature(body, signedHeaders(secret, body, ts - 301), opts))).toBe('stale_timestamp:401');
    expect(problem(() => verifySlackSignature(body, signedHeaders(secret, body, ts + 301), opts))).toBe('stale_timestamp:401');
    expect(problem(() => verifySlackSignature(body, {}, opts))).toBe('missing_headers:400');
    expect(problem(() => verifySlackSignature(body, { ...signedHeaders(secret, body, ts), 'x-slack-request-timestamp': 'gisteren' }, opts))).toBe('bad_timestamp:400');
    expect(problem(() => verifySlackSignature(body, { ...signedHeaders(secret, body, ts), 'x-slack-signature': 'v0=abc' }, opts))).toBe('bad_signature:401');
  });

  it('takes the skew window as an option', () => {
    expect(problem(() => verifySlackSignature(body, signedHeaders(secret, body, ts - 30), { signingSecret: secret, now, maxSkewSeconds: 10 }))).toBe('stale_timestamp:401');
  });
});

describe('Slack text to what the user saw', () => {
  it('drops our mention, renders other mentions and links as plain text, unescapes entities', () => {
    expect(slackTextToPlain('<@UBOT0001> Wat is de zevende zekerheid?', 'UBOT0001')).toBe('Wat is de zevende zekerheid?');
    expect(slackTextToPlain('<!channel> <@U123> <https://evil.example|klik> &amp; *vet*', 'UBOT0001')).toBe('@channel @U123 klik & *vet*');
    expect(slackTextToPlain('zie <#C1|algemeen> en <https://ibp.nl> &lt;b&gt;', 'UBOT0001')).toBe('zie #algemeen en https://ibp.nl <b>');
    expect(slackTextToPlain('<!subteam^S1|@ibp-team> hoi <@U9|bob>')).toBe('@@ibp-team hoi @bob');
  });
});

describe('parseSlackPayload: Slack payloads to core Turns', () => {
  it('slash command -> command turn, private answer via response_url, trigger id for a modal', () => {
    const i = turnOf(parseSlackPayload(fixture('slash_command'), ctx));
    expect(i.kind).toBe('turn');
    expect(i.turn).toMatchObject({
      id: 'command:1111.2222.aaaa',
      platform: 'slack',
      user: { id: 'U0ALICE', name: 'alice' },
      conversation: { id: 'C0CHAN', kind: 'channel', teamId: 'T0TEST', name: '#ibp-test' },
      input: { kind: 'command', command: 'ibp', args: 'Wat is de zevende zekerheid?' },
      receivedAt: now,
    });
    expect(i.target).toEqual({ channel: 'C0CHAN', userId: 'U0ALICE', triggerId: '1111.2222.aaaa', ephemeral: true, responseUrl: 'https://hooks.slack.com/commands/T0TEST/1/abc' });
    expect(parseSlackPayload({ ...fixture('slash_command'), command: '/onbekend' }, ctx).kind).toBe('ignore');
  });

  it('app_mention -> text turn without the mention, answered in a thread; event id is the turn id', () => {
    const i = turnOf(parseSlackPayload(fixture('app_mention'), ctx));
    expect(i.turn.id).toBe('Ev0MENTION1');
    expect(i.turn.input).toEqual({ kind: 'text', text: 'Wat is de zevende zekerheid?' });
    expect(i.turn.conversation).toEqual({ id: 'C0CHAN', kind: 'channel', threadId: '1763892000.000100', teamId: 'T0TEST' });
    expect(i.target).toEqual({ channel: 'C0CHAN', userId: 'U0BOB', ephemeral: false, threadTs: '1763892000.000100' });
  });

  it('DM -> personal text turn; bots, edits, our own messages and channel chatter are ignored', () => {
    const dm = fixture('message_im');
    const i = turnOf(parseSlackPayload(dm, ctx));
    expect(i.turn.conversation).toEqual({ id: 'D0ALICE', kind: 'personal', teamId: 'T0TEST' });
    expect(i.target.threadTs).toBeUndefined();
    const ev = dm.event as Record<string, unknown>;
    const variant = (over: Record<string, unknown>): SlackInbound['kind'] => parseSlackPayload({ ...dm, event: { ...ev, ...over } }, ctx).kind;
    expect(variant({ bot_id: 'B0OTHER', subtype: 'bot_message' })).toBe('ignore');
    expect(variant({ bot_id: 'B0OTHER' })).toBe('ignore');
    expect(variant({ subtype: 'message_changed' })).toBe('ignore');
    expect(variant({ subtype: 'message_deleted' })).toBe('ignore');
    expect(variant({ user: 'UBOT0001' })).toBe('ignore');
    expect(variant({ channel: 'C0CHAN', channel_type: 'channel' })).toBe('ignore');
    expect(variant({ thread_ts: '1763892000.000001' })).toBe('turn');
    expect(variant({ subtype: 'file_share' })).toBe('turn');
  });

  it('app_home_opened -> home (only for the Home tab)', () => {
    const env = { ...fixture('app_mention'), event_id: 'Ev0HOME', event: { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home' } };
    expect(parseSlackPayload(env, ctx)).toEqual({ kind: 'home', turnId: 'Ev0HOME', userId: 'U0ALICE', teamId: 'T0TEST', receivedAt: now });
    expect(parseSlackPayload({ ...env, event: { ...env.event, tab: 'messages' } }, ctx).kind).toBe('ignore');
  });

  it('block_actions -> action turn with a stable id; the core action is the action id before `:<index>`', () => {
    const a = turnOf(parseSlackPayload(fixture('block_actions'), ctx));
    const b = turnOf(parseSlackPayload(fixture('block_actions'), ctx));
    expect(a.turn.id).toBe('action:1763892002.000300:topic:2:1763892003.123456');
    expect(b.turn.id).toBe(a.turn.id);
    expect(a.turn.input).toEqual({ kind: 'action', action: 'topic', value: 'zekerheden' });
    expect(a.turn.conversation.name).toBe('#ibp-test');
    expect(a.target).toMatchObject({ channel: 'C0CHAN', threadTs: '1763892000.000100', ephemeral: false, triggerId: '3333.4444.bbbb' });
    expect(actionFromId('knelpunt-status:12')).toBe('knelpunt-status');
    expect(actionFromId('feedback')).toBe('feedback');
    expect(actionFromId('a:b')).toBe('a:b');
  });

  it('view_submission -> form turn with mapped values and the form state from private_metadata', () => {
    const i = turnOf(parseSlackPayload(fixture('view_submission'), ctx));
    expect(i.kind).toBe('submission');
    expect(i.turn.id).toBe('view:V0VIEW1:1763892005.AbCdEf');
    expect(i.turn.input).toEqual({
      kind: 'form',
      formId: 'knelpunt-toelichting',
      state: 'KP-2026-0001|nieuw|afgewezen',
      values: { tekst: 'Dubbel gemeld', lang: '', keuze: 'hoog', leeg: '', meer: ['gemeente', 'rijk'], anoniem: true, niet: false },
    });
    expect(i.target).toMatchObject({ channel: 'C0TRIAGE', threadTs: '1763892004.000400', ephemeral: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('maps several checkboxes to a list, and ignores unknown element types', () => {
    expect(
      viewStateToValues({
        a: { x: { type: 'checkboxes', selected_options: [{ value: 'p' }, { value: 'q' }] } },
        b: { x: { type: 'datepicker' } },
      }),
    ).toEqual({ a: ['p', 'q'] });
  });

  it('ignores what it does not handle, and malformed payloads', () => {
    expect(parseSlackPayload(null, ctx).kind).toBe('ignore');
    expect(parseSlackPayload({ type: 'shortcut' }, ctx).kind).toBe('ignore');
    expect(parseSlackPayload({ type: 'event_callback', event: { type: 'app_mention' } }, ctx).kind).toBe('ignore');
    expect(parseSlackPayload({ ...fixture('block_actions'), actions: [] }, ctx).kind).toBe('ignore');
  });
});
