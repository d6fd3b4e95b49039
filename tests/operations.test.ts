import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_STATUS } from '../src/core/knelpunt/cards.js';
import { createLogger } from '../src/log.js';
import { classifyPlatformCall } from '../src/metrics.js';
import type { Reply } from '../src/core/reply.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { FakeSlack, FAKE_BOT_USER_ID, FAKE_TEAM_ID } from './helpers/fake-slack.js';
import { commandBody, interactionBody, postToSlackEndpoint, signedHeaders } from './helpers/slack-sign.js';
import { cardSubmit, personalMessage, PERSONAL_CONVERSATION, USER } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';
import { ACCOUNTS, signIn, startDashboardBot } from './helpers/dashboard.js';
import { CookieClient } from './helpers/http-client.js';

/**
 * Operations (issue 11): one scripted scenario through Slack, Teams and the web chat,
 * with LOG_LEVEL=trace and metrics on. Afterwards (1) none of the secrets or identities
 * appears anywhere in the log, (2) every line a turn causes carries its request id,
 * and (3) the Prometheus counters match what happened.
 */
const SIGNING_SECRET = 'ops-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-ops-bot-token-not-real-0123456789';
const ADMIN_TOKEN = 'ops-admin-token-0123456789-abcdefghij';
const METRICS_TOKEN = 'ops-metrics-token-0123456789-abcdefgh';
const LOG_HASH_KEY = 'ops-log-hash-key-0123456789';
const SLACK_USER = 'U0OPSALICE';
const SLACK_DM = 'D0OPSALICE';
const SLACK_ANON = 'U0OPSANONYMOUS';
const COOKIE = 'ibp_session=ops-cookie-value-0123456789';
const LOCAL_REPORTER = 'ops-reporter-session-01';
const LOCAL_COORD = 'ops-coordinator-session-01';

let fake: FakeSlack;
let connector: FakeConnector;
let bot: RunningBot;
const logs = new LogCapture();
let n = 0;
const next = (): number => ++n;

const slackPost = (body: string, form = false): ReturnType<typeof postToSlackEndpoint> =>
  postToSlackEndpoint(`${bot.url}/slack/events`, { secret: SIGNING_SECRET, body, contentType: form ? 'application/x-www-form-urlencoded' : 'application/json' });
function slackDm(text: string): ReturnType<typeof slackPost> {
  const ts = `1700000200.${String(next()).padStart(6, '0')}`;
  return slackPost(JSON.stringify({
    token: 'legacy', team_id: FAKE_TEAM_ID, api_app_id: 'A0APP', type: 'event_callback', event_id: `EvOps${n}`, event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, is_bot: true }],
    event: { type: 'message', channel: SLACK_DM, channel_type: 'im', user: SLACK_USER, text, ts, event_ts: ts },
  }));
}
async function teams(activity: unknown): Promise<number> {
  const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  return res.status;
}
async function local(session: string, input: unknown): Promise<{ replies: Reply[]; notifications: Reply[]; reqId: string | null }> {
  const res = await fetch(`${bot.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: COOKIE },
    body: JSON.stringify({ session, messageId: `ops-msg-${next()}-${Date.now()}`, input }),
  });
  const json = (await res.json()) as { replies?: Reply[]; notifications?: Reply[] };
  return { replies: json.replies ?? [], notifications: json.notifications ?? [], reqId: res.headers.get('x-request-id') };
}
const metricsText = async (): Promise<string> =>
  (await fetch(`${bot.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
/** The value of one sample (`name{a="b",…}`), labels in any order; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) total += Number(m[3]);
  }
  return total;
}
/** Waits until a log line with this message was written (work the reply did not wait for). */
async function waitForLog(msg: string): Promise<void> {
  for (let i = 0; i < 100 && !lines().some((l) => l.msg === msg); i++) await new Promise((r) => setTimeout(r, 50));
  expect(lines().some((l) => l.msg === msg), `log line "${msg}"`).toBe(true);
}
const lines = (): Record<string, unknown>[] => logs.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  fake = await FakeSlack.start();
  connector = await new FakeConnector().start();
  bot = await startBot(
    {
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'trace',
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl,
      ADMIN_TOKEN, METRICS_TOKEN, LOG_HASH_KEY,
      KNELPUNT_COORDINATORS: `local:${LOCAL_COORD}`,
    },
    { logDestination: logs, schedulerIntervalMs: 0 },
  );
});
afterAll(async () => {
  await bot?.close();
  await fake?.close();
  await connector?.close();
});

describe('classifyPlatformCall: bounded labels from the path alone', () => {
  it('names Slack methods and Bot Connector operations, and nothing else', () => {
    expect(classifyPlatformCall('POST', '/api/chat.postMessage')).toEqual({ platform: 'slack', method: 'chat.postMessage' });
    expect(classifyPlatformCall('POST', '/api/admin.conversations.setTeams?x=1')).toEqual({ platform: 'slack', method: 'admin.conversations.setTeams' });
    expect(classifyPlatformCall('POST', '/actions/T0/123/abcDEF')).toEqual({ platform: 'slack', method: 'response_url' });
    expect(classifyPlatformCall('POST', '/v3/conversations')).toEqual({ platform: 'teams', method: 'createConversation' });
    expect(classifyPlatformCall('POST', '/v3/conversations/a%3A1secret/activities')).toEqual({ platform: 'teams', method: 'sendToConversation' });
    expect(classifyPlatformCall('POST', '/teams/v3/conversations/19%3Aabc/activities/1234')).toEqual({ platform: 'teams', method: 'replyToActivity' });
    expect(classifyPlatformCall('PUT', '/v3/conversations/19%3Aabc/activities/1234')).toEqual({ platform: 'teams', method: 'updateActivity' });
    expect(classifyPlatformCall('GET', '/v3/conversations/19%3Aabc/members/29%3Auser')).toEqual({ platform: 'teams', method: 'getMembers' });
    expect(classifyPlatformCall('POST', '/tenant/oauth2/v2.0/token')).toEqual({ platform: 'teams', method: 'token' });
    for (const other of ['/', '/.well-known/openid-configuration', '/api/chat', '/v3/other']) expect(classifyPlatformCall('GET', other)).toBeNull();
  });
});

describe('one scenario through every adapter, LOG_LEVEL=trace, metrics on', () => {
  it('runs: Slack question and 429, Slack anonymous knelpunt, Teams question and anonymous knelpunt, web chat answers, gap, feedback, knelpunt and status change, a nudge', async () => {
    // Slack: a question in a DM; the reply is rate limited once, then sent
    fake.rateLimitNext('chat.postMessage', 0);
    let from = fake.calls.length;
    expect((await slackDm('Wat is het Interbestuurlijk Programma?')).status).toBe(200);
    await fake.waitFor((c) => c.method === 'chat.postMessage' && !!c.body.blocks, { from: from + 1 });

    // Slack: an anonymous knelpunt through the modal
    from = fake.calls.length;
    await slackPost(commandBody({
      team_id: FAKE_TEAM_ID, channel_id: 'C0OPSCHANNEL', user_id: SLACK_ANON, user_name: 'anonieme.melder', command: '/knelpunt', text: '',
      response_url: fake.responseUrl('ops-anon'), trigger_id: 'trigger-ops-anon',
    }), true);
    const opened = await fake.waitFor((c) => c.method === 'views.open', { from });
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    expect((await slackPost(interactionBody({
      type: 'view_submission', team: { id: FAKE_TEAM_ID }, user: { id: SLACK_ANON, name: 'anonieme.melder', team_id: FAKE_TEAM_ID },
      view: {
        id: 'V0OPS', hash: 'h-ops-1', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata,
        state: { values: {
          opgave: { v: { type: 'static_select', selected_option: { value: 'opgave-migratie' } } },
          beschrijving: { v: { type: 'plain_text_input', value: 'Opvang en inburgering sluiten niet op elkaar aan.' } },
          overheden: { v: { type: 'multi_static_select', selected_options: [{ value: 'gemeente' }] } },
          urgentie: { v: { type: 'static_select', selected_option: { value: 'middel' } } },
          anoniem: { v: { type: 'checkboxes', selected_options: [{ value: 'on' }] } },
        } },
      },
    }), true)).status).toBe(200);

    // Teams: a question, and an anonymous knelpunt card
    const teamsFrom = connector.calls.length;
    expect(await teams(personalMessage(connector.url, 'Wat zijn de zeven zekerheden?'))).toBeLessThan(300);
    expect(await teams(cardSubmit(connector.url, {
      ibpForm: 'knelpunt', ibpFields: { overheden: 'multiselect', anoniem: 'checkbox' },
      opgave: 'anders', beschrijving: 'Provincie en waterschap wachten op elkaar.', overheden: 'provincie', urgentie: 'hoog', anoniem: 'true',
    }))).toBeLessThan(300);
    expect(connector.calls.length).toBeGreaterThan(teamsFrom);

    // Web chat: answered, unknown (a gap), feedback, a named knelpunt, triage and a status change
    const answered = await local(LOCAL_REPORTER, { kind: 'text', text: 'Wat is het Interbestuurlijk Programma?' });
    expect(answered.reqId).toMatch(/^[0-9a-f-]{36}$/);
    const fb = answered.replies.flatMap((r) => r.blocks).flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])).find((b) => b.value.includes('|helpful|'))!;
    await local(LOCAL_REPORTER, { kind: 'action', action: fb.action, value: fb.value });
    await local(LOCAL_REPORTER, { kind: 'text', text: 'Hoeveel kost een parkeervergunning in Zwolle?' });
    await local(LOCAL_COORD, { kind: 'text', text: 'knelpunt triage hier' });
    await local(LOCAL_REPORTER, { kind: 'form', formId: 'knelpunt', values: { opgave: 'opgave-schulden', beschrijving: 'Gegevens over schulden worden niet gedeeld tussen overheden.', overheden: ['gemeente'], urgentie: 'laag', anoniem: false } });
    const triage = (await local(LOCAL_COORD, { kind: 'text', text: 'hallo' })).notifications.find((r) => /Nieuw knelpunt/.test(r.fallbackText))!;
    const button = triage.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])).find((b) => b.value.endsWith('|in_behandeling~nl'))!; // ~nl: the card's language
    await local(LOCAL_COORD, { kind: 'action', action: button.action, value: button.value });

    // A named Slack reporter whose status updates cannot be delivered: a failure Slack may
    // recover from, then a DM that is gone. Neither log line may name the user or the DM.
    const { knelpunt: slackNamed } = await bot.store.knelpunten.create({
      opgave: 'opgave-wonen', beschrijving: 'De woondeal en de omgevingsvisie spreken elkaar tegen.', overheden: ['provincie'], urgentie: 'middel',
      anoniem: false, platform: 'slack', reporter: { platform: 'slack', userId: SLACK_USER, conversationKey: `slack:${SLACK_DM}` },
    }, 'ops-slack-named', new Date());
    for (const [step, error] of [['nieuw|in_behandeling', 'fatal_error'], ['in_behandeling|geagendeerd', 'channel_not_found']] as const) {
      fake.failNext('chat.postMessage', error);
      from = fake.calls.length;
      await local(LOCAL_COORD, { kind: 'action', action: ACTION_STATUS, value: `${slackNamed.ref}|${step}` });
      await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === SLACK_USER, { from });
      await waitForLog(error === 'fatal_error' ? 'slack: proactive send failed' : 'slack: conversation gone');
    }
    expect((await bot.store.conversations.get(`slack:${SLACK_DM}`))?.active).toBe(false);

    // Admin export and a scrape, with their bearer tokens; a signed-in-looking cookie on the web chat (above)
    expect((await fetch(`${bot.url}/admin/knelpunten.csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${bot.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(401);

    // A nudge to a Slack channel, sent by the scheduler
    const at = new Date();
    await bot.store.subscriptions.create({
      id: 'ops-sub', kind: 'nudge', channelKey: 'slack:C0OPSNUDGE', platform: 'slack', conversationId: 'C0OPSNUDGE',
      schedule: { recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 0] }, hour: 0, minute: 0, timeZone: 'UTC', skipHolidays: false },
      schema: 'elke dag 0:00', locale: 'nl', status: 'active', nextSlotAt: new Date(at.getTime() - 60_000).toISOString(), questionCursor: 0,
      history: [], createdAt: at.toISOString(), updatedAt: at.toISOString(),
    });
    await bot.store.conversations.upsert({ key: 'slack:C0OPSNUDGE', platform: 'slack', conversationId: 'C0OPSNUDGE', kind: 'channel', data: { team: FAKE_TEAM_ID } }, at);
    const tick = await bot.scheduler.tick();
    expect(tick.sent).toBe(1);
  });

  it('the log holds no token, secret, signature, authorization header, cookie or user identity', () => {
    const text = logs.text;
    expect(text.length).toBeGreaterThan(1000);
    expect(text).toContain('"level":20'); // debug lines were written (nothing of ours logs at trace)
    const body = '{"a":1}';
    const signature = signedHeaders(SIGNING_SECRET, body)['x-slack-signature']!.slice(0, 20);
    const forbidden = [
      BOT_TOKEN, 'xoxb-', SIGNING_SECRET, ADMIN_TOKEN, METRICS_TOKEN, LOG_HASH_KEY, 'ops-cookie-value', 'v0=',
      SLACK_USER, SLACK_DM, SLACK_ANON, 'anonieme.melder', USER.id, USER.name, USER.aadObjectId, PERSONAL_CONVERSATION,
      LOCAL_REPORTER, LOCAL_COORD,
    ];
    for (const secret of forbidden) expect(text, `log contains ${secret}`).not.toContain(secret);
    expect(signature.startsWith('v0=')).toBe(true);
    // the anonymous knelpunten's turns carry no user hash
    const anonTurns = lines().filter((l) => l.msg === 'turn' && String(l.route).startsWith('form:knelpunt') && l.platform !== 'local');
    expect(anonTurns.length).toBe(2);
    for (const l of anonTurns) expect(l.userHash).toBeUndefined();
  });

  it('every line a turn causes carries its request id, the outgoing platform calls included', () => {
    const all = lines();
    const slackTurn = all.find((l) => l.msg === 'turn' && l.platform === 'slack' && l.route === 'question');
    expect(slackTurn?.reqId).toBeTruthy();
    const sameRequest = all.filter((l) => l.reqId === slackTurn!.reqId);
    const calls = sameRequest.filter((l) => l.msg === 'platform call');
    expect(calls.map((c) => c.result)).toEqual(expect.arrayContaining(['rate_limited', 'ok']));
    expect(calls.every((c) => c.method === 'chat.postMessage')).toBe(true);
    // the scheduler run has its own id on its lines
    const nudgeRun = all.find((l) => l.msg === 'nudge scheduler run');
    expect(nudgeRun?.reqId).toBeTruthy();
    expect(all.some((l) => l.reqId === nudgeRun!.reqId && l.msg === 'platform call' && l.method === 'chat.postMessage')).toBe(true);
  });

  it('the metrics count what happened, with no user text or id in any label', async () => {
    const m = await metricsText();
    expect(sample(m, 'ibp_turns_total', { platform: 'slack', route: 'question', outcome: 'answered' })).toBe(1);
    expect(sample(m, 'ibp_turns_total', { platform: 'teams', route: 'question', outcome: 'answered' })).toBe(1);
    expect(sample(m, 'ibp_answers_total', { platform: 'local', outcome: 'answered' })).toBe(1);
    expect(sample(m, 'ibp_answers_total', { platform: 'local', outcome: 'unknown' })).toBe(1);
    expect(sample(m, 'ibp_turn_duration_seconds_count', { platform: 'local', route: 'question' })).toBe(2);
    expect(sample(m, 'ibp_knowledge_gaps_total', { platform: 'local' })).toBe(1);
    expect(sample(m, 'ibp_feedback_total', { value: 'helpful' })).toBe(1);
    expect(sample(m, 'ibp_knelpunten_submitted_total')).toBe(4);
    expect(sample(m, 'ibp_knelpunten_submitted_total', { platform: 'slack' })).toBe(2);
    expect(sample(m, 'ibp_knelpunten_submitted_total', { platform: 'teams' })).toBe(1);
    expect(sample(m, 'ibp_knelpunt_status_changes_total', { from: 'nieuw', to: 'in_behandeling' })).toBe(2);
    expect(sample(m, 'ibp_knelpunt_status_changes_total', { from: 'in_behandeling', to: 'geagendeerd' })).toBe(1);
    expect(sample(m, 'ibp_nudges_claimed_total', { kind: 'nudge', status: 'queued' })).toBe(1);
    expect(sample(m, 'ibp_nudge_results_total', { status: 'sent' })).toBe(1);
    expect(sample(m, 'ibp_platform_calls_total', { platform: 'slack', method: 'chat.postMessage', result: 'rate_limited' })).toBe(1);
    expect(sample(m, 'ibp_platform_calls_total', { platform: 'slack', method: 'chat.postMessage', result: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(sample(m, 'ibp_platform_calls_total', { platform: 'slack', method: 'views.open', result: 'ok' })).toBe(1);
    expect(sample(m, 'ibp_platform_calls_total', { platform: 'teams' })).toBeGreaterThanOrEqual(2);
    expect(sample(m, 'ibp_store_operation_duration_seconds_count', { backend: 'lowdb', repo: 'knelpunten', op: 'create' })).toBe(4);
    expect(sample(m, 'ibp_store_errors_total')).toBe(0);
    expect(m).toMatch(/^ibp_process_cpu_user_seconds_total /m);
    expect(m).toMatch(/^ibp_nodejs_eventloop_lag_seconds /m);
    for (const s of [SLACK_USER, SLACK_DM, 'C0OPS', USER.id, LOCAL_REPORTER, 'parkeervergunning', 'Interbestuurlijk', 'KP-']) expect(m).not.toContain(s);
  });
});

describe('/metrics access', () => {
  it('refuses without or with a wrong bearer token', async () => {
    expect((await fetch(`${bot.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${bot.url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('METRICS_PORT: served only on that port, without a token; neither set: off (404)', async () => {
    const base = { HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' as const };
    const probe = await startBot({ ...base, PORT: '0' });
    const free = probe.port;
    await probe.close();
    const withPort = await startBot({ ...base, DATA_DIR: tempDir(), PORT: '0', METRICS_PORT: String(free) }, { schedulerIntervalMs: 0 });
    try {
      expect((await fetch(`${withPort.url}/metrics`)).status).toBe(404);
      const res = await fetch(`http://127.0.0.1:${free}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('ibp_turns_total');
      expect((await fetch(`http://127.0.0.1:${free}/`)).status).toBe(404);
    } finally {
      await withPort.close();
    }
    await expect(fetch(`http://127.0.0.1:${free}/metrics`)).rejects.toThrow(); // closed with the bot
    const off = await startBot({ ...base, DATA_DIR: tempDir(), PORT: '0' }, { schedulerIntervalMs: 0 });
    try {
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
      expect(off.metrics).toBeUndefined();
    } finally {
      await off.close();
    }
  });

  it('an incoming X-Request-Id is kept when it looks like an id, replaced when it does not', async () => {
    const kept = await fetch(`${bot.url}/healthz`, { headers: { 'x-request-id': 'lb-1234.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-1234.abc');
    const replaced = await fetch(`${bot.url}/healthz`, { headers: { 'x-request-id': '<script>\u00e9' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('a dashboard sign-in at LOG_LEVEL=trace', () => {
  it('logs no client secret, cookie, code, state, nonce, token, name, e-mail or object id', async () => {
    const dashLogs = new LogCapture();
    const dash = await startDashboardBot({ LOG_LEVEL: 'trace', METRICS_TOKEN }, { logDestination: dashLogs, schedulerIntervalMs: 0 });
    try {
      const client = new CookieClient();
      const signedIn = await signIn(client, dash.url, 'coordinator');
      expect(signedIn.res.status).toBe(200);
      expect(signedIn.body).toMatch(/Overzicht/);
      const cookie = client.cookie(dash.url, 'ibp-dashboard');
      expect(cookie).toBeTruthy();
      // the callback URL carried the code and state: take them from the redirect chain
      const callback = signedIn.chain.find((u) => u.includes('/admin/callback?')) ?? '';
      const params = new URL(callback, dash.url).searchParams;
      expect(params.get('code')).toBeTruthy();
      const text = dashLogs.text;
      expect(text).toMatch(/dashboard: signed in/);
      const a = ACCOUNTS.coordinator!;
      const forbidden = [dash.provider.clientSecret, cookie!, params.get('code')!, params.get('state')!, a.name!, a.email!, a.oid!, METRICS_TOKEN];
      for (const secret of forbidden) expect(text, `log contains ${secret}`).not.toContain(secret);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // no JWT (ID or access token)
    } finally {
      await dash.close();
    }
  });
});

describe('logged errors', () => {
  it('never carry the HTTP request or answer an SDK error holds (the outgoing card names a person)', () => {
    const logs = new LogCapture();
    const log = createLogger({ level: 'info', pretty: false, destination: logs });
    // The shape of an axios error, as the Agents SDK and Bolt throw it.
    const outgoing = { type: 'message', recipient: { id: '29:1abc', name: 'Jan Jansen', aadObjectId: 'aad-0001' }, text: 'Je knelpunt KP-2026-0001' };
    const err = Object.assign(new Error('Request failed with status code 502'), {
      code: 'ERR_BAD_RESPONSE',
      config: { url: 'https://smba.trafficmanager.net/v3/conversations/a/activities', data: JSON.stringify(outgoing), headers: { Authorization: 'Bearer x' } },
      request: { path: '/v3/conversations/a/activities' },
      response: { status: 502, data: { error: { message: 'bad gateway' } } },
      cause: Object.assign(new Error('socket hang up'), { config: { data: JSON.stringify(outgoing) } }),
    });
    log.error({ err }, 'teams: turn failed');
    const line = JSON.parse(logs.lines.at(-1)!) as { err: Record<string, unknown> };
    expect(logs.text).not.toMatch(/Jan Jansen|aad-0001|KP-2026-0001|Bearer/);
    expect(line.err).toMatchObject({ message: expect.stringMatching(/^Request failed with status code 502/), code: 'ERR_BAD_RESPONSE', status: 502 });
    expect(line.err).not.toHaveProperty('config');
    expect(line.err).not.toHaveProperty('response');
  });
});
