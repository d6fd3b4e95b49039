import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EVENTS_PATH, setupSlack } from '../adapters/slack/index.js';
import { BOT_SCOPES, buildManifest, ManifestError, PLACEHOLDER_URL } from '../adapters/slack/manifest.js';
import { actionFromId, BOT_EVENTS, INTERACTION_TYPES, SLASH_COMMANDS } from '../adapters/slack/parse.js';
import { buttonActionId, OPEN_FORM_ACTION } from '../adapters/slack/render.js';
import { loadConfig } from '../src/config.js';
import { Coordinators } from '../src/core/knelpunt/coordinators.js';
import { knelpuntFeature } from '../src/core/knelpunt/feature.js';
import { qaFeature } from '../src/core/qa.js';
import { testBot } from './helpers/core.js';
import { tempDir } from './helpers/tmp.js';

const TEMPLATE = readFileSync(path.resolve('manifests/slack/manifest.yaml'), 'utf8');

interface Manifest {
  display_information: { name: string; description: string; long_description: string };
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
    bot_user: { display_name: string };
    slash_commands: { command: string; url?: string; description: string; usage_hint: string; should_escape: boolean }[];
    shortcuts?: unknown[];
  };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[]; user_events?: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
}
const manifest = parse(TEMPLATE) as Manifest;
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describe('manifests/slack/manifest.yaml matches what adapters/slack handles', () => {
  it('slash commands: the same three, each with a Dutch description and a usage hint', () => {
    expect(sorted(manifest.features.slash_commands.map((c) => c.command))).toEqual(sorted(SLASH_COMMANDS));
    for (const c of manifest.features.slash_commands) {
      expect(c.description.length).toBeGreaterThan(10);
      expect(c.description.length).toBeLessThanOrEqual(100);
      expect(c.usage_hint.length).toBeGreaterThan(0);
      expect(c.url).toBe(`${PLACEHOLDER_URL}${EVENTS_PATH}`);
      // the text reaches the core as typed, not as Slack's escaped ids
      expect(c.should_escape).toBe(false);
    }
  });

  it('events: the same bot events, no user events', () => {
    expect(sorted(manifest.settings.event_subscriptions.bot_events)).toEqual(sorted(BOT_EVENTS));
    expect(manifest.settings.event_subscriptions.user_events).toBeUndefined();
    expect(manifest.settings.event_subscriptions.request_url).toBe(`${PLACEHOLDER_URL}${EVENTS_PATH}`);
  });

  it('interactivity: on, same URL; no shortcuts or other callback ids the code does not handle', () => {
    expect(INTERACTION_TYPES).toEqual(['block_actions', 'view_submission']);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: `${PLACEHOLDER_URL}${EVENTS_PATH}` });
    expect(manifest.features.shortcuts).toBeUndefined();
  });

  it('every action id the code can send comes back as the same core action', () => {
    const features = [qaFeature, knelpuntFeature({ coordinators: new Coordinators([]) })];
    const actions = [...features.flatMap((f) => Object.keys(f.actions ?? {})), OPEN_FORM_ACTION];
    expect(actions).toEqual(expect.arrayContaining(['feedback', 'topic', 'ask']));
    for (const a of actions) {
      const id = buttonActionId(a, 12);
      expect(id.length).toBeLessThanOrEqual(255);
      expect(actionFromId(id)).toBe(a);
    }
  });

  it('bot scopes: exactly the ones the code needs (each with a reason), no user scopes', () => {
    expect(sorted(manifest.oauth_config.scopes.bot)).toEqual(sorted(Object.keys(BOT_SCOPES)));
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
    // every scope has a comment saying why, right above it
    for (const scope of manifest.oauth_config.scopes.bot) expect(TEMPLATE).toMatch(new RegExp(`#[^\\n]+\\n\\s+- ${scope}\\n`));
  });

  it('App Home with Home and Messages tabs, a bot user, Dutch display information, HTTP by default', () => {
    expect(manifest.features.app_home).toEqual({ home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false });
    expect(manifest.features.bot_user.display_name).toBe('IBP-bot');
    expect(manifest.display_information.description).toMatch(/Interbestuurlijk Programma/);
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(175);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });
});

describe('npm run manifest:slack', () => {
  it('fills in PUBLIC_URL everywhere and keeps the comments', () => {
    const out = buildManifest(TEMPLATE, { publicUrl: 'https://ibp-bot.gemeente.nl/' });
    expect(out).not.toContain(PLACEHOLDER_URL);
    expect(out.match(/https:\/\/ibp-bot\.gemeente\.nl\/slack\/events/g)).toHaveLength(6);
    expect(out).toContain('# the message.im event');
    const m = parse(out) as Manifest;
    expect(m.settings.interactivity.request_url).toBe('https://ibp-bot.gemeente.nl/slack/events');
  });

  it('fails clearly without PUBLIC_URL or with a non-https one', () => {
    expect(() => buildManifest(TEMPLATE, {})).toThrow(ManifestError);
    expect(() => buildManifest(TEMPLATE, {})).toThrow(/PUBLIC_URL is not set/);
    expect(() => buildManifest(TEMPLATE, { publicUrl: 'http://ibp-bot.gemeente.nl' })).toThrow(/https/);
    expect(() => buildManifest(TEMPLATE, { publicUrl: 'geen url' })).toThrow(/not a URL/);
  });

  it('--socket-mode: no Request URLs, socket_mode_enabled true', () => {
    const m = parse(buildManifest(TEMPLATE, { socketMode: true })) as Manifest;
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(m.settings.event_subscriptions.request_url).toBeUndefined();
    expect(m.settings.interactivity.request_url).toBeUndefined();
    expect(m.features.slash_commands.every((c) => c.url === undefined)).toBe(true);
  });

  it('the CLI writes the file', async () => {
    const out = path.join(tempDir(), 'manifest.yaml');
    const { stdout } = await promisify(execFile)(path.resolve('node_modules/.bin/tsx'), ['adapters/slack/manifest-cli.ts', '--out', out], {
      env: { ...process.env, PUBLIC_URL: 'https://ibp-bot.provincie.nl' },
    });
    expect(stdout).toContain('Wrote');
    expect(readFileSync(out, 'utf8')).toContain('request_url: https://ibp-bot.provincie.nl/slack/events');
  });
});

describe('setupSlack', () => {
  const deps = async (env: Record<string, string>): Promise<Parameters<typeof setupSlack>[0]> => {
    const { bot, store } = await testBot();
    return { config: loadConfig({ DATA_DIR: tempDir(), ...env }), bot, store, log: bot.deps.log, now: bot.deps.now };
  };

  it('is not mounted without a bot token, and says how to enable it', async () => {
    const s = await setupSlack(await deps({ SLACK_SIGNING_SECRET: 'test-signing-secret-1234' }));
    expect(s.adapter).toBeNull();
    expect(s.note).toMatch(/not mounted.*SLACK_BOT_TOKEN/);
  });

  it('uses Socket Mode with SLACK_APP_TOKEN: no HTTP route, no public URL needed', async () => {
    const s = await setupSlack(await deps({ SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token', SLACK_APP_TOKEN: 'xapp-test-not-a-real-token' }));
    expect(s.adapter).not.toBeNull();
    expect(s.note).toMatch(/Socket Mode/);
    const routes: string[] = [];
    s.adapter!.mount({ post: (p: string) => routes.push(p), use: () => routes.push('use') } as never);
    expect(routes).toEqual([]);
  });
});
